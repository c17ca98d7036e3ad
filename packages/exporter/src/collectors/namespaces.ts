import {
  METRICS,
  NAMESPACE_TYPES,
  POD_NAMESPACE_TYPES,
  type NamespaceScope,
  type NamespaceType,
} from '@isoscope/shared';
import type { Scrape } from '../scrape/scrape';
import type { Collector } from './collector';
import type { Target } from '../scrape/target';
import type { PodSpec } from '../runtime/metadata';
import { contradictsSpec, namespaceScope, type Member } from './namespaceJudgement';

/**
 * Namespace isolation, per container and namespace type: whether it is the host's namespace, how many
 * running containers are in it (1 = private; 2+ = a pod sandbox or a `container:` peer), its inode so a
 * panel can group the sharers, and its scope (private, its pod's, shared beyond its pod, the host's). Per
 * Kubernetes pod, what its sandbox config asked for and whether the kernel agrees. Everything here is
 * computed once every container's namespaces are known.
 */

/** Label objects built once: a scrape emits four series per type and container. */
const TYPE_LABELS = new Map(NAMESPACE_TYPES.map((type) => [type, { ns_type: type }]));
const SCOPE_LABELS = new Map(
  NAMESPACE_TYPES.map((type) => [type, new Map<NamespaceScope, Record<string, string>>()] as const)
);
function scopeLabels(type: NamespaceType, scope: NamespaceScope): Record<string, string> {
  const byScope = SCOPE_LABELS.get(type)!;
  let labels = byScope.get(scope);
  if (!labels) byScope.set(scope, (labels = { ns_type: type, scope }));
  return labels;
}

/**
 * The pod a container belongs to: a Kubernetes pod's UID from the kubepods cgroup path or the runtime, else a
 * Podman pod's id from its cgroup path or Podman's API. UIDs and Podman ids cannot collide (dashes).
 */
function podOf(t: Target): string | undefined {
  return t.cgroup.podUid ?? t.meta.podUid ?? t.cgroup.podId ?? t.meta.podId;
}

export const namespacesCollector: Collector = {
  name: 'namespaces',
  collect(scrape, t) {
    scrape.namespacesOf(t, 'namespaces');
  },
  finish(scrape) {
    const live = scrape.live();
    const groups = groupByNamespace(scrape, live);
    const host = scrape.env.reference.namespaces;
    for (const t of live) {
      const ns = scrape.namespacesOf(t, 'namespaces');
      if (!ns) continue;
      for (const [type, inode] of ns) {
        const labels = TYPE_LABELS.get(type)!;
        const hostInode = host.get(type);
        const sharers = groups.get(type)?.get(inode) ?? [];
        if (hostInode !== undefined)
          scrape.emit(METRICS.namespaceSharedWithHost, t, inode === hostInode ? 1 : 0, labels);
        scrape.emit(METRICS.namespaceSharers, t, Math.max(sharers.length, 1), labels);
        scrape.emit(METRICS.namespaceInode, t, inode, labels);
        scrape.emit(METRICS.namespaceScope, t, 1, scopeLabels(type, namespaceScope(inode, hostInode, sharers)));
      }
    }
    podSpecs(scrape, live);
  },
};

function memberOf(t: Target, inode: number): Member {
  return { pod: podOf(t), sandbox: t.meta.sandbox === true, inode };
}

/**
 * The containers in each namespace, by type and inode (numbers as keys: a `type:inode` string per container
 * and type was garbage of every scrape).
 */
function groupByNamespace(scrape: Scrape, targets: Target[]): Map<NamespaceType, Map<number, Member[]>> {
  const groups = new Map<NamespaceType, Map<number, Member[]>>();
  for (const t of targets) {
    const ns = scrape.namespacesOf(t, 'namespaces');
    if (!ns) continue;
    for (const [type, inode] of ns) {
      let ofType = groups.get(type);
      if (!ofType) groups.set(type, (ofType = new Map()));
      const group = ofType.get(inode);
      if (group) group.push(memberOf(t, inode));
      else ofType.set(inode, [memberOf(t, inode)]);
    }
  }
  return groups;
}

/**
 * Per pod whose spec the runtime gave (the CRI source): the mode it asked for per type, and whether the
 * namespaces its running containers are in contradict it.
 */
function podSpecs(scrape: Scrape, targets: Target[]): void {
  const pods = new Map<PodSpec, Target[]>();
  for (const t of targets) {
    const spec = t.meta.podSpec;
    if (!spec) continue;
    const members = pods.get(spec);
    if (members) members.push(t);
    else pods.set(spec, [t]);
  }
  const host = scrape.env.reference.namespaces;
  for (const [spec, members] of pods) {
    if (spec.namespace === undefined || spec.pod === undefined) continue;
    for (const type of POD_NAMESPACE_TYPES) {
      const mode = spec.namespaceModes[type];
      if (mode === undefined) continue;
      scrape.emitSeries(METRICS.podNamespaceMode, 1, { namespace: spec.namespace, pod: spec.pod, ns_type: type, mode });
      const inodes: Member[] = [];
      for (const t of members) {
        const inode = scrape.namespacesOf(t, 'namespaces')?.get(type);
        if (inode !== undefined) inodes.push(memberOf(t, inode));
      }
      const contradicts = contradictsSpec(mode, inodes, host.get(type));
      if (contradicts !== undefined) {
        scrape.emitSeries(METRICS.podNamespaceMismatch, contradicts ? 1 : 0, {
          namespace: spec.namespace,
          pod: spec.pod,
          ns_type: type,
        });
      }
    }
  }
}
