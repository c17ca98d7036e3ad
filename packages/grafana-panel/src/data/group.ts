import type { ContainerView, HostGroup, PodGroup } from './types';

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/**
 * How groups are ordered:
 * - `name`: hosts by instance, pods by namespace then pod name; containers outside any pod after the pods;
 * - `input`: in the order their first member comes in. Given containers sorted by a key, a group then
 *   stands where its top member would in the flat list (the worst member under a descending sort).
 * Containers keep the order they come in, in both: sort them first (sortContainers).
 */
export type GroupOrder = 'name' | 'input';

/**
 * Groups containers by host (`instance`), then by pod (namespace + pod). A container outside any pod is a
 * group of its own (`pod` undefined): nothing ties it to the others.
 */
export function groupByHostAndPod(containers: ContainerView[], order: GroupOrder = 'name'): HostGroup[] {
  const hosts = new Map<string, ContainerView[]>();
  for (const c of containers) {
    const list = hosts.get(c.instance);
    if (list) {
      list.push(c);
    } else {
      hosts.set(c.instance, [c]);
    }
  }
  const groups = [...hosts.entries()].map(([instance, members]) => ({ instance, pods: groupByPod(members, order) }));
  if (order === 'name') {
    groups.sort((a, b) => compareText(a.instance, b.instance));
  }
  return groups;
}

/**
 * Groups containers by pod (host + namespace + pod: a pod runs on one host). A container outside any pod
 * is a group of its own (`pod` undefined). With `name` order pods sort by namespace, pod, then host.
 */
export function groupByPod(containers: ContainerView[], order: GroupOrder = 'name'): PodGroup[] {
  const pods = new Map<string, PodGroup>();
  const groups: PodGroup[] = [];
  for (const c of containers) {
    if (c.pod === undefined || c.pod === '') {
      groups.push({ instance: c.instance, pod: undefined, namespace: undefined, containers: [c] });
      continue;
    }
    const key = `${c.instance}\u0000${c.namespace ?? ''}\u0000${c.pod}`;
    const group = pods.get(key);
    if (group) {
      group.containers.push(c);
    } else {
      const created: PodGroup = { instance: c.instance, pod: c.pod, namespace: c.namespace, containers: [c] };
      pods.set(key, created);
      groups.push(created);
    }
  }
  if (order === 'name') {
    // stable: containers outside pods keep their input order after the pods
    groups.sort((a, b) => {
      if (a.pod === undefined || b.pod === undefined) {
        return a.pod === b.pod ? 0 : a.pod === undefined ? 1 : -1;
      }
      return (
        compareText(a.namespace ?? '', b.namespace ?? '') ||
        compareText(a.pod, b.pod) ||
        compareText(a.instance, b.instance)
      );
    });
  }
  return groups;
}

function compareText(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}
