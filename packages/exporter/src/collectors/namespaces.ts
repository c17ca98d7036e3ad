import {
  METRICS,
  NAMESPACE_TYPES,
  POD_NAMESPACE_TYPES,
  type NamespaceScope,
  type NamespaceType,
  type PodNamespaceType,
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
    const sharing = shareNamespaces(scrape, live);
    const host = scrape.env.reference.namespaces;
    for (let i = 0; i < live.length; i++) {
      const t = live[i];
      const ns = scrape.namespacesOf(t, 'namespaces');
      if (!ns) continue;
      for (let k = 0; k < NAMESPACE_TYPES.length; k++) {
        const type = NAMESPACE_TYPES[k];
        const inode = ns.get(type);
        if (inode === undefined) continue;
        const labels = TYPE_LABELS.get(type)!;
        const hostInode = host.get(type);
        const at = k * live.length + i;
        const sharers = sharing.sharers[at];
        if (hostInode !== undefined)
          scrape.emit(METRICS.namespaceSharedWithHost, t, inode === hostInode ? 1 : 0, labels);
        scrape.emit(METRICS.namespaceSharers, t, Math.max(sharers, 1), labels);
        scrape.emit(METRICS.namespaceInode, t, inode, labels);
        const scope = namespaceScope(inode, hostInode, sharers, sharing.onePod[at] === 1);
        scrape.emit(METRICS.namespaceScope, t, 1, scopeLabels(type, scope));
      }
    }
    podSpecs(scrape, live);
  },
};

/**
 * For container i of `targets` and the k-th namespace type, at k × targets.length + i: how many of the
 * containers are in its namespace, and whether all of them are of one known pod. In arrays rather than a member
 * object per container and type, which lived through the whole step (docs/benchmarks.md, "Ninth round").
 */
interface Sharing {
  sharers: Int32Array;
  onePod: Uint8Array;
}

function shareNamespaces(scrape: Scrape, targets: Target[]): Sharing {
  const n = targets.length;
  const sharers = new Int32Array(n * NAMESPACE_TYPES.length);
  const onePod = new Uint8Array(n * NAMESPACE_TYPES.length);
  // Each container's namespaces and pod, looked up once rather than once per type.
  const namespaces = new Array<Map<NamespaceType, number> | undefined>(n);
  const pods = new Array<string | undefined>(n);
  for (let i = 0; i < n; i++) {
    namespaces[i] = scrape.namespacesOf(targets[i], 'namespaces');
    pods[i] = podOf(targets[i]);
  }
  /** Per container, the first container seen in its namespace (of the type at hand). */
  const first = new Int32Array(n);
  for (let k = 0; k < NAMESPACE_TYPES.length; k++) {
    const type = NAMESPACE_TYPES[k];
    // inode → the first container in it (numbers as keys: a `type:inode` string per container was garbage).
    const firstIn = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const inode = namespaces[i]?.get(type);
      first[i] = -1;
      if (inode === undefined) continue;
      const f = firstIn.get(inode);
      if (f === undefined) {
        firstIn.set(inode, i);
        first[i] = i;
        sharers[k * n + i] = 1;
        onePod[k * n + i] = pods[i] === undefined ? 0 : 1;
      } else {
        first[i] = f;
        sharers[k * n + f]++;
        if (pods[i] !== pods[f]) onePod[k * n + f] = 0;
      }
    }
    // Every member gets its namespace's figures, kept at its first member.
    for (let i = 0; i < n; i++) {
      const f = first[i];
      if (f < 0 || f === i) continue;
      sharers[k * n + i] = sharers[k * n + f];
      onePod[k * n + i] = onePod[k * n + f];
    }
  }
  return { sharers, onePod };
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
      const labels = podLabels(spec, type);
      scrape.emitSeries(METRICS.podNamespaceMode, 1, labels.mode);
      const inodes: Member[] = [];
      for (const t of members) {
        const inode = scrape.namespacesOf(t, 'namespaces')?.get(type);
        if (inode !== undefined) inodes.push({ pod: podOf(t), sandbox: t.meta.sandbox === true, inode });
      }
      const contradicts = contradictsSpec(mode, inodes, host.get(type));
      if (contradicts !== undefined)
        scrape.emitSeries(METRICS.podNamespaceMismatch, contradicts ? 1 : 0, labels.mismatch);
    }
  }
}

interface PodLabels {
  mode: Record<string, string>;
  mismatch: Record<string, string>;
}

/**
 * A pod's series labels per namespace type, made once per PodSpec (the runtime source keeps a pod's spec object
 * while the pod lives): label objects made per scrape lived until the exposition and were promoted every time.
 */
const POD_LABELS = new WeakMap<PodSpec, Map<PodNamespaceType, PodLabels>>();

function podLabels(spec: PodSpec, type: PodNamespaceType): PodLabels {
  let byType = POD_LABELS.get(spec);
  if (!byType) POD_LABELS.set(spec, (byType = new Map()));
  let labels = byType.get(type);
  if (!labels) {
    const { namespace = '', pod = '' } = spec;
    const mode = spec.namespaceModes[type] ?? '';
    labels = { mode: { namespace, pod, ns_type: type, mode }, mismatch: { namespace, pod, ns_type: type } };
    byType.set(type, labels);
  }
  return labels;
}
