import type { NamespaceScope, PodNamespaceMode } from '@isoscope/shared';

/**
 * Pure judgements over namespace inodes: who shares a container's namespace, and whether a pod's
 * containers are where its spec put them. Inodes identify namespaces (equal inode, same namespace).
 */

/** One container as the judgements see it: its pod (if any), whether it is the sandbox, one inode. */
export interface Member {
  pod: string | undefined;
  sandbox: boolean;
  inode: number;
}

/**
 * The scope of a namespace that `sharers` containers are in (the container itself included): the host's, the
 * container's alone, only its own pod's (`onePod`: every one of them is of one known pod), or shared beyond
 * its pod (or by containers of no known pod).
 */
export function namespaceScope(
  inode: number,
  hostInode: number | undefined,
  sharers: number,
  onePod: boolean
): NamespaceScope {
  if (inode === hostInode) return 'host';
  if (sharers <= 1) return 'private';
  return onePod ? 'pod' : 'shared';
}

/**
 * Whether the kernel contradicts the mode a pod asked for, for one namespace type, given the pod's
 * containers (its sandbox included, when it has one) and the host's inode:
 * - node (hostNetwork, hostPID, hostIPC, hostUsers): every container is in the host's namespace;
 * - pod: none is in the host's, and all are in one namespace;
 * - container (pid without shareProcessNamespace): none is in the host's, and no two workload containers
 *   share one (the sandbox has its own);
 * - target (pid of another container): none is in the host's; whom it shares with is the target's choice.
 * Undefined when there is nothing to judge (no member, or no host reference for the type).
 */
export function contradictsSpec(
  mode: PodNamespaceMode,
  members: readonly Member[],
  hostInode: number | undefined
): boolean | undefined {
  if (members.length === 0 || hostInode === undefined) return undefined;
  if (mode === 'node') return members.some((m) => m.inode !== hostInode);
  if (members.some((m) => m.inode === hostInode)) return true;
  if (mode === 'pod') return new Set(members.map((m) => m.inode)).size > 1;
  if (mode === 'container') {
    const workloads = members.filter((m) => !m.sandbox);
    return new Set(workloads.map((m) => m.inode)).size < workloads.length;
  }
  return false;
}
