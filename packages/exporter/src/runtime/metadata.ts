import type { PodNamespaceMode, PodNamespaceType } from '@isoscope/shared';
import type { RuntimeLabelSet } from './labels';

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
  /** Podman pod id, for a member of a Podman pod (its API says so; the cgroup path may also carry it). */
  podId?: string;
  /** True for a pod's sandbox ("pause") container: it holds the pod's namespaces and runs no workload. */
  sandbox?: boolean;
  /**
   * The allow-listed runtime labels (`--runtime.labels`), already named as series labels
   * (`container_label_…`); for a CRI container its pod's labels and its own. Absent when it has none.
   */
  labels?: RuntimeLabelSet;
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
