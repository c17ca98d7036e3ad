import type { ContainerView, HostGroup, PodGroup } from './types';

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/**
 * Groups containers by host (`instance`), then by pod (namespace + pod). Hosts are sorted by instance,
 * pods by namespace then pod name; containers outside any pod form one last group with `pod` undefined.
 * Containers keep the order they come in, so sort them first (sortContainers) to sort within groups.
 */
export function groupByHostAndPod(containers: ContainerView[]): HostGroup[] {
  const hosts = new Map<string, { pods: Map<string, PodGroup>; loose?: PodGroup }>();
  for (const c of containers) {
    let host = hosts.get(c.instance);
    if (!host) {
      host = { pods: new Map() };
      hosts.set(c.instance, host);
    }
    if (c.pod === undefined || c.pod === '') {
      (host.loose ??= { pod: undefined, namespace: undefined, containers: [] }).containers.push(c);
      continue;
    }
    const podKey = `${c.namespace ?? ''}\u0000${c.pod}`;
    let group = host.pods.get(podKey);
    if (!group) {
      group = { pod: c.pod, namespace: c.namespace, containers: [] };
      host.pods.set(podKey, group);
    }
    group.containers.push(c);
  }

  return [...hosts.entries()]
    .sort(([a], [b]) => collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0))
    .map(([instance, host]) => {
      const pods = [...host.pods.entries()]
        .sort(
          ([ka, a], [kb, b]) =>
            collator.compare(a.namespace ?? '', b.namespace ?? '') ||
            collator.compare(a.pod ?? '', b.pod ?? '') ||
            (ka < kb ? -1 : ka > kb ? 1 : 0)
        )
        .map(([, group]) => group);
      if (host.loose) {
        pods.push(host.loose);
      }
      return { instance, pods };
    });
}
