import { groupByHostAndPod, groupByPod, type GroupOrder } from '../../data/group';
import type { ContainerView, PodGroup } from '../../data/types';
import type { GroupBy } from '../../types';

/**
 * What the header rows above a container row already say, so the row need not repeat it (the flat view's
 * rows say their pod and host themselves), and how far it is indented under them.
 */
export interface RowPlace {
  hostShown: boolean;
  podShown: boolean;
  depth: 0 | 1 | 2;
}

/** What the table body draws, one entry per <tr>, in order. Grouped views interleave header rows. */
export type TableRow =
  | { kind: 'host'; key: string; instance: string; containers: number }
  | {
      kind: 'pod';
      key: string;
      instance: string;
      pod: string;
      namespace?: string;
      containers: number;
      /** The pod header names its host (grouping by pod: no host header above it). */
      showHost: boolean;
      depth: 0 | 1;
    }
  | { kind: 'container'; key: string; container: ContainerView; place: RowPlace };

const FLAT: RowPlace = { hostShown: false, podShown: false, depth: 0 };
const UNDER_HOST: RowPlace = { hostShown: true, podShown: false, depth: 1 };
const UNDER_HOST_POD: RowPlace = { hostShown: true, podShown: true, depth: 2 };
const UNDER_POD: RowPlace = { hostShown: true, podShown: true, depth: 1 };

/**
 * The rows for containers in display order, grouped as asked. `order`: the groups by name, or by their
 * first member (GroupOrder). A pod gets a header row only with two or more containers: over one container
 * it would only repeat the row, and at fleet scale most pods have one.
 */
export function tableRows(containers: ContainerView[], groupBy: GroupBy, order: GroupOrder): TableRow[] {
  if (groupBy === 'none') {
    return containers.map((c) => ({ kind: 'container', key: c.key, container: c, place: FLAT }));
  }
  const rows: TableRow[] = [];
  if (groupBy === 'pod') {
    for (const group of groupByPod(containers, order)) {
      podRows(rows, group, true, 0, FLAT, UNDER_POD);
    }
    return rows;
  }
  for (const host of groupByHostAndPod(containers, order)) {
    const total = host.pods.reduce((n, p) => n + p.containers.length, 0);
    rows.push({ kind: 'host', key: `host:${host.instance}`, instance: host.instance, containers: total });
    for (const group of host.pods) {
      podRows(rows, group, false, 1, UNDER_HOST, UNDER_HOST_POD);
    }
  }
  return rows;
}

function podRows(
  rows: TableRow[],
  group: PodGroup,
  showHost: boolean,
  depth: 0 | 1,
  alone: RowPlace,
  underPod: RowPlace
): void {
  const header = group.pod !== undefined && group.containers.length > 1;
  if (header) {
    rows.push({
      kind: 'pod',
      key: `pod:${group.instance}/${group.namespace ?? ''}/${group.pod}`,
      instance: group.instance,
      pod: group.pod!,
      namespace: group.namespace,
      containers: group.containers.length,
      showHost,
      depth,
    });
  }
  for (const c of group.containers) {
    rows.push({ kind: 'container', key: c.key, container: c, place: header ? underPod : alone });
  }
}
