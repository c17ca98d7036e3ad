import type { CgroupMode, PodNamespaceMode, PodNamespaceType, QosClass, Runtime } from '@isoscope/shared';

/**
 * Where the host's cgroup hierarchies are, as seen from the exporter (paths already rebased under
 * `--path.sysfs`).
 */
export interface CgroupHierarchy {
  mode: CgroupMode;
  /** The cgroup v2 mount: the only hierarchy on a v2 host, the PSI-bearing `unified` one on a hybrid host. */
  unified: string | null;
  /** cgroup v1 controller name (cpu, cpuacct, memory, pids, blkio, cpuset, …) → its mount point. */
  v1: Map<string, string>;
}

/** What a container's cgroup path says about it. */
export interface PathIdentity {
  runtime: Runtime;
  /** The runtime's container id (64 hex digits for Docker, Podman, containerd, CRI-O). */
  containerId: string;
  /** Kubernetes pod UID (with dashes), when the path is under kubepods. */
  podUid?: string;
  /** Kubernetes QoS class, when the path is under kubepods. */
  qos?: QosClass;
}

/** A container found in the cgroup hierarchy. */
export interface ContainerCgroup extends PathIdentity {
  /** The cgroup path relative to the hierarchy root, starting with "/": cAdvisor's `id` label. */
  path: string;
}

/** What the runtime API says about a container; every field optional because the socket may be absent. */
export interface ContainerMetadata {
  name?: string;
  image?: string;
  /** Kubernetes namespace, pod name and container name, from the io.kubernetes.* labels. */
  namespace?: string;
  pod?: string;
  container?: string;
  /** Start time in seconds since the epoch, when the runtime reports it. */
  startedAt?: number;
  /** Kubernetes pod UID, when the runtime reports it (the cgroup path may also carry it). */
  podUid?: string;
  /** True for a pod's sandbox ("pause") container: it holds the pod's namespaces and runs no workload. */
  sandbox?: boolean;
  /** What the container's pod asked for, shared by every container of the pod (the CRI source only). */
  podSpec?: PodSpec;
}

/** A Kubernetes pod as its sandbox config describes it to the runtime. */
export interface PodSpec {
  namespace?: string;
  pod?: string;
  uid?: string;
  /** The namespace mode asked for, per type; a type the runtime did not report is absent. */
  namespaceModes: Partial<Record<PodNamespaceType, PodNamespaceMode>>;
}

/** Label values of every series of one container. */
export type ContainerLabels = Record<string, string>;
