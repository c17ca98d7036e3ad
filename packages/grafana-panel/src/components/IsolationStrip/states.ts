import type { GrafanaTheme2 } from '@grafana/data';
import type { NamespaceType } from '@isoscope/shared';

import type { NamespaceCell, NamespaceState } from '../../data/types';

/** Short labels that fit a 30px cell; tooltips and aria-labels use the full type name. */
export const NS_ABBREVIATION: Record<NamespaceType, string> = {
  mnt: 'mnt',
  pid: 'pid',
  net: 'net',
  ipc: 'ipc',
  uts: 'uts',
  user: 'usr',
  cgroup: 'cg',
  time: 'time',
};

/**
 * Every state has a glyph as well as a colour, so the strip reads the same to colour-blind users and in
 * a greyscale screenshot.
 */
export const STATE_GLYPH: Record<NamespaceState, string> = {
  private: 'P',
  shared: 'S',
  host: 'H',
  unknown: '?',
};

export const STATE_LABEL: Record<NamespaceState, string> = {
  private: 'private',
  shared: 'shared',
  host: 'host',
  unknown: 'unknown',
};

export const STATE_MEANING: Record<NamespaceState, string> = {
  private: 'The container has a namespace of its own.',
  shared: 'Other containers on the host are in the same namespace (a pod, or --net=container:…).',
  host: "The container uses the host's namespace: no isolation for this type.",
  unknown: 'Not reported (the exporter could not read it, or the kernel has no such namespace).',
};

/** Background and text colours: host is the risk (error), shared a caveat (warning), private fine. */
export function stateColors(state: NamespaceState, theme: GrafanaTheme2): { background: string; color: string } {
  switch (state) {
    case 'private':
      return { background: theme.colors.success.main, color: theme.colors.success.contrastText };
    case 'shared':
      return { background: theme.colors.warning.main, color: theme.colors.warning.contrastText };
    case 'host':
      return { background: theme.colors.error.main, color: theme.colors.error.contrastText };
    default:
      return { background: theme.colors.background.secondary, color: theme.colors.text.secondary };
  }
}

const MAX_NAMES = 6;

/** "net: shared with web-0, sidecar" / "pid: the host's" / "time: private". */
export function describeCell(cell: NamespaceCell): string {
  switch (cell.state) {
    case 'private':
      return `${cell.type}: private`;
    case 'host':
      return `${cell.type}: the host's`;
    case 'unknown':
      return `${cell.type}: unknown`;
    case 'shared': {
      const names = cell.sharedWith;
      if (names.length > 0) {
        const shown = names.slice(0, MAX_NAMES).join(', ');
        const more = names.length > MAX_NAMES ? ` and ${names.length - MAX_NAMES} more` : '';
        return `${cell.type}: shared with ${shown}${more}`;
      }
      // sharers counts the container itself; the others may be on no host we see (e.g. filtered out)
      const others = cell.sharers !== undefined ? cell.sharers - 1 : undefined;
      return others !== undefined && others > 0
        ? `${cell.type}: shared with ${others} other ${others === 1 ? 'container' : 'containers'}`
        : `${cell.type}: shared`;
    }
  }
}

/** How many others share it, for the cell's small count ("S3"); undefined when not known. */
export function othersCount(cell: NamespaceCell): number | undefined {
  if (cell.state !== 'shared') {
    return undefined;
  }
  if (cell.sharedWith.length > 0) {
    return cell.sharedWith.length;
  }
  return cell.sharers !== undefined && cell.sharers > 1 ? cell.sharers - 1 : undefined;
}
