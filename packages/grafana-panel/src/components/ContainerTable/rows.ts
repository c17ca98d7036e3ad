import type { ContainerView, HostGroup } from '../../data/types';

/** What the table body draws, one entry per <tr>, in order. Grouped views interleave header rows. */
export type TableRow =
  | { kind: 'host'; key: string; instance: string; containers: number }
  | { kind: 'pod'; key: string; instance: string; pod: string; namespace?: string; containers: number }
  | { kind: 'container'; key: string; container: ContainerView };

export function flatRows(containers: ContainerView[]): TableRow[] {
  return containers.map((c) => ({ kind: 'container', key: c.key, container: c }));
}

/**
 * Host header, then per pod a pod header and its containers. Containers outside any pod sit directly
 * under their host: a header row for "no pod" would say nothing.
 */
export function groupedRows(groups: HostGroup[]): TableRow[] {
  const rows: TableRow[] = [];
  for (const host of groups) {
    const total = host.pods.reduce((n, p) => n + p.containers.length, 0);
    rows.push({ kind: 'host', key: `host:${host.instance}`, instance: host.instance, containers: total });
    for (const group of host.pods) {
      if (group.pod !== undefined) {
        rows.push({
          kind: 'pod',
          key: `pod:${host.instance}/${group.namespace ?? ''}/${group.pod}`,
          instance: host.instance,
          pod: group.pod,
          namespace: group.namespace,
          containers: group.containers.length,
        });
      }
      for (const c of group.containers) {
        rows.push({ kind: 'container', key: c.key, container: c });
      }
    }
  }
  return rows;
}
