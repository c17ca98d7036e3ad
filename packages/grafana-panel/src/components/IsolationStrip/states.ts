import type { GrafanaTheme2 } from '@grafana/data';
import type { NamespaceType } from '@isoscope/shared';

import { HOST_RISK, typesOfRisk, type HostRisk } from '../../data/namespaceRisk';
import { flatten, readableBackground, readableText, TINT_TARGET } from '../contrast/contrast';
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

/**
 * How a cell is drawn: its state, and for a host namespace the risk of its type. The risk table is
 * HOST_RISK (src/data/namespaceRisk.ts, where the reasons are written down); the isolation sort weighs the
 * same table, and the legend lists its types, so colours, order and legend cannot disagree.
 *
 * | tone          | types              | drawn as                                         |
 * |---------------|--------------------|--------------------------------------------------|
 * | host-high     | mnt, pid, net, ipc | red, outlined: the alarm                         |
 * | host-moderate | uts, user          | orange outline on an orange tint (shared: solid) |
 * | host-low      | cgroup, time       | neutral grey, still 'H'                          |
 */
export type CellTone = 'private' | 'shared' | `host-${HostRisk}` | 'unknown';

/** Legend order: private, shared, host from the alarm to the expected, unknown. */
export const TONES: readonly CellTone[] = ['private', 'shared', 'host-high', 'host-moderate', 'host-low', 'unknown'];

export function cellTone(cell: Pick<NamespaceCell, 'type' | 'state'>): CellTone {
  return cell.state === 'host' ? `host-${HOST_RISK[cell.type].risk}` : cell.state;
}

const toneState = (tone: CellTone): NamespaceState => (tone.startsWith('host') ? 'host' : (tone as NamespaceState));

export const toneGlyph = (tone: CellTone): string => STATE_GLYPH[toneState(tone)];

/** The namespace types a host tone stands for; empty for the other tones. */
export function toneTypes(tone: CellTone): NamespaceType[] {
  return tone.startsWith('host-') ? typesOfRisk(tone.slice(5) as HostRisk) : [];
}

export const TONE_LABEL: Record<CellTone, string> = {
  private: 'private',
  shared: 'shared (n others)',
  'host-high': 'host',
  'host-moderate': 'host, caveat',
  'host-low': 'host, expected',
  unknown: 'unknown',
};

export const TONE_MEANING: Record<CellTone, string> = {
  private: 'The container has a namespace of its own.',
  shared: 'Other containers on the host are in the same namespace (a pod, or --net=container:…).',
  'host-high': "The host's own namespace: no isolation where it matters — the host's processes, network, IPC or files.",
  'host-moderate':
    "The host's own namespace: worth knowing (root is the host's root; the host's name), but it reaches no " +
    'process, port or file by itself.',
  'host-low': "The host's own namespace, as container runtimes give by default: expected, nothing to act on.",
  unknown: 'Not reported (the exporter could not read it, or the kernel has no such namespace).',
};

export interface ToneStyle {
  background: string;
  color: string;
  outline?: string;
  outlineOffset?: number;
}

/**
 * Colours and outline from the theme, for the strip's cells and the legend's swatches alike. A host
 * namespace that matters is the risk (error, outlined); a shared one is a caveat (solid warning) and so is
 * a moderate host one (a warning tint with a warning outline: 'S' and 'H' differ in shape as well as
 * glyph); private is fine; an expected host namespace is neutral grey with a thin outline; unknown is blank
 * (its dashed border is in the strip's styles).
 *
 * The 10 px labels are small text, so every pair must reach 4.5:1 (contrast.ts): the theme's colour is
 * shaded just as far as its text needs (no shade where the tokens already reach it), and translucent
 * tokens are flattened onto the panel's background first, as they are painted. The labels are drawn at
 * full opacity: the 0.85 they had brought private cells to 4.1:1 (dark) and 3.8:1 (light).
 */
/** toneStyle's results per theme: each is a contrast search, and every visible cell asks on every render. */
const toneStyles = new WeakMap<GrafanaTheme2, Map<CellTone, ToneStyle>>();

export function toneStyle(tone: CellTone, theme: GrafanaTheme2): ToneStyle {
  let byTone = toneStyles.get(theme);
  if (!byTone) {
    byTone = new Map();
    toneStyles.set(theme, byTone);
  }
  let style = byTone.get(tone);
  if (!style) {
    style = computeToneStyle(tone, theme);
    byTone.set(tone, style);
  }
  return style;
}

function computeToneStyle(tone: CellTone, theme: GrafanaTheme2): ToneStyle {
  const canvas = theme.colors.background.primary;
  const solid = (bg: string, fg: string) => {
    const flatBg = flatten(bg, canvas);
    const flatFg = flatten(fg, flatBg);
    return { background: readableBackground(flatBg, flatFg), color: flatFg };
  };
  const tint = (bg: string, fg: string) => {
    const flatBg = flatten(bg, canvas);
    return { background: flatBg, color: readableText(flatten(fg, flatBg), flatBg, TINT_TARGET) };
  };
  switch (tone) {
    case 'private':
      return solid(theme.colors.success.main, theme.colors.success.contrastText);
    case 'shared':
      return solid(theme.colors.warning.main, theme.colors.warning.contrastText);
    case 'host-high':
      return {
        ...solid(theme.colors.error.main, theme.colors.error.contrastText),
        outline: `2px solid ${theme.colors.error.border}`,
        outlineOffset: -2,
      };
    case 'host-moderate':
      return {
        ...tint(theme.colors.warning.transparent, theme.colors.warning.text),
        outline: `1px solid ${theme.colors.warning.border}`,
        outlineOffset: -1,
      };
    case 'host-low':
      return {
        ...tint(theme.colors.secondary.main, theme.colors.text.primary),
        outline: `1px solid ${theme.colors.border.medium}`,
        outlineOffset: -1,
      };
    default:
      return tint(theme.colors.background.secondary, theme.colors.text.secondary);
  }
}

const MAX_NAMES = 6;

/**
 * "net: shared with web-0, sidecar" / "pid: the host's — processes of the host are visible and signalable" /
 * "mnt: private". A host cell says what the host's namespace lets the container do (HOST_RISK).
 */
export function describeCell(cell: NamespaceCell): string {
  switch (cell.state) {
    case 'private':
      return `${cell.type}: private`;
    case 'host':
      return `${cell.type}: the host's — ${HOST_RISK[cell.type].consequence}`;
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
