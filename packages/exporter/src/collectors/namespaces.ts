import { METRICS, NAMESPACE_TYPES, type NamespaceType } from '@isoscope/shared';
import type { Collector, Scrape } from '../scrape/scrape';
import type { Target } from '../scrape/target';

/**
 * Namespace isolation, per container and namespace type: whether it is the host's namespace, how many
 * running containers are in it (1 = private; 2+ = a pod sandbox or a `container:` peer), and its inode so
 * a panel can group the sharers. Sharers are counted only after every container's namespaces are known.
 */
/** The ns_type label of each type, built once: a scrape emits three series per type and container. */
const TYPE_LABELS = new Map(NAMESPACE_TYPES.map((type) => [type, { ns_type: type }]));

export const namespacesCollector: Collector = {
  name: 'namespaces',
  collect(scrape, t) {
    scrape.namespacesOf(t, 'namespaces');
  },
  finish(scrape) {
    const live = scrape.live();
    const sharers = countSharers(scrape, live);
    const host = scrape.env.reference.namespaces;
    for (const t of live) {
      const ns = scrape.namespacesOf(t, 'namespaces');
      if (!ns) continue;
      for (const [type, inode] of ns) {
        const labels = TYPE_LABELS.get(type)!;
        const hostInode = host.get(type);
        if (hostInode !== undefined) scrape.emit(METRICS.namespaceSharedWithHost, t, inode === hostInode ? 1 : 0, labels);
        scrape.emit(METRICS.namespaceSharers, t, sharers.get(key(type, inode)) ?? 1, labels);
        scrape.emit(METRICS.namespaceInode, t, inode, labels);
      }
    }
  },
};

function key(type: NamespaceType, inode: number): string {
  return `${type}:${inode}`;
}

function countSharers(scrape: Scrape, targets: Target[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of targets) {
    const ns = scrape.namespacesOf(t, 'namespaces');
    if (!ns) continue;
    for (const type of NAMESPACE_TYPES) {
      const inode = ns.get(type);
      if (inode !== undefined) counts.set(key(type, inode), (counts.get(key(type, inode)) ?? 0) + 1);
    }
  }
  return counts;
}
