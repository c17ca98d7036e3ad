import type { NamespaceType } from '@isoscope/shared';

/**
 * How much it matters when a container holds the HOST's namespace of a type. Sharing is not equally
 * dangerous for every type, and some host namespaces are simply what every runtime does by default: a red
 * cell for those on every container would teach users to ignore red.
 *
 * - high — the container reaches the host's own things, and no runtime does it unless asked:
 *   - pid: the host's processes are visible, and signalable/ptraceable with the usual uid and capability
 *     checks; /proc of the host is readable.
 *   - net: the host's interfaces and ports; services bound to the host's 127.0.0.1 are reachable; it can
 *     listen on any host port and sniff with CAP_NET_RAW.
 *   - ipc: the host's System V shared memory, semaphores and POSIX message queues.
 *   - mnt: the host's mount table: the host's filesystems are the container's view, mounts it makes land
 *     on the host.
 * - moderate — worth a look, but it does not reach processes, ports, memory or files by itself:
 *   - user: uids are the host's, so root inside is root outside. It is the default (Docker without
 *     userns-remap, Kubernetes without hostUsers: false) and the "root = host root" badge already says
 *     what it costs; red here would repeat it on every row.
 *   - uts: the host's hostname and NIS domain name: readable, and changeable only with CAP_SYS_ADMIN (which
 *     the "privileged" badge flags). Not a runtime default (only --uts=host, or a Kubernetes hostNetwork
 *     pod), so a deliberate choice worth noticing — but one that exposes a name, not a resource: moderate,
 *     not high.
 * - low — expected, shown without colour (still an 'H', so it reads "host"):
 *   - cgroup: Docker's default on cgroup v1 (and with --cgroupns=host); the container sees the host's
 *     cgroup paths, its own limits still apply.
 *   - time: runtimes create no time namespace unless asked; only the monotonic and boot clocks' offsets
 *     would differ.
 */
export type HostRisk = 'high' | 'moderate' | 'low';

export interface HostNamespaceRisk {
  risk: HostRisk;
  /** What holding the host's namespace of this type lets the container do or see (tooltips, legend). */
  consequence: string;
}

export const HOST_RISK: Record<NamespaceType, HostNamespaceRisk> = {
  mnt: { risk: 'high', consequence: "the host's filesystems and mounts are its view, and its mounts land on the host" },
  pid: { risk: 'high', consequence: 'processes of the host are visible and signalable' },
  net: {
    risk: 'high',
    consequence: "it uses the host's interfaces and ports, and reaches services on the host's localhost",
  },
  ipc: { risk: 'high', consequence: "the host's shared memory, semaphores and message queues are reachable" },
  uts: { risk: 'moderate', consequence: "it sees the host's hostname, and can change it with CAP_SYS_ADMIN" },
  user: { risk: 'moderate', consequence: 'its uids are the host’s: root inside is root outside' },
  cgroup: {
    risk: 'low',
    consequence: "expected (Docker's default on cgroup v1): it sees the host's cgroup paths, its limits still apply",
  },
  time: { risk: 'low', consequence: 'expected: runtimes create no time namespace unless asked; clocks are the host’s' },
};

/** Riskiest first: the order of the legend. */
export const HOST_RISKS: readonly HostRisk[] = ['high', 'moderate', 'low'];

/**
 * Weights for the isolation sort. One high-risk host namespace (3) outweighs both moderate ones together
 * (2); expected host namespaces weigh nothing and only break ties (see sortRank).
 */
export const HOST_RISK_WEIGHT: Record<HostRisk, number> = { high: 3, moderate: 1, low: 0 };

export function hostRisk(type: NamespaceType): HostRisk {
  return HOST_RISK[type].risk;
}

/** The namespace types of one risk level, in the order of HOST_RISK (NAMESPACE_TYPES order). */
export function typesOfRisk(risk: HostRisk): NamespaceType[] {
  return (Object.keys(HOST_RISK) as NamespaceType[]).filter((t) => HOST_RISK[t].risk === risk);
}
