import type { FieldConfig } from '@grafana/data';
import type { NamespaceType } from '@isoscope/shared';
import type { RoleKey } from './roles';

/** How one of a container's namespaces is held. */
export type NamespaceState = 'private' | 'shared' | 'host' | 'unknown';

export interface NamespaceCell {
  type: NamespaceType;
  state: NamespaceState;
  inode?: number;
  /** Running containers in this namespace, itself included (from container_namespace_sharers). */
  sharers?: number;
  /**
   * Display names of the other containers on the same host in the same namespace (same inode), sorted,
   * at most SHARED_WITH_MAX (frames.ts) of them: a host namespace can hold every container on the host.
   */
  sharedWith: string[];
  /** How many other containers on the same host are in this namespace (all of them, not only those listed). */
  sharedWithCount?: number;
}

export interface SecurityFacts {
  /** 0 disabled, 1 strict, 2 filter. */
  seccompMode?: number;
  noNewPrivs?: boolean;
  capabilities?: number;
  privileged?: boolean;
  rootMappedToHost?: boolean;
}

/** A used amount against a limit; limit undefined = none known or none set. */
export interface Usage {
  used?: number;
  limit?: number;
}

/** One container as the panel shows it: a row. */
export interface ContainerView {
  /** instance + cgroup id: unique across hosts. */
  key: string;
  instance: string;
  /** The cgroup path (`id` label). */
  id: string;
  /** `name` label, else the last path segment of the id, shortened. */
  name: string;
  /**
   * The `name` label itself when there is one (a 64-hex container id on Kubernetes' CRI, where `name`
   * above is the container's name): what links and dashboards match series by.
   */
  nameLabel?: string;
  image?: string;
  /** Kubernetes namespace, pod and container, when the exporter knew them. */
  namespace?: string;
  pod?: string;
  container?: string;
  /** Eight cells, in NAMESPACE_TYPES order. */
  namespaces: NamespaceCell[];
  security: SecurityFacts;
  /**
   * Cores used against the limit: the CFS quota (quota/period). Without a quota there is no limit, as for
   * memory and tasks, unless the panel is asked to draw against the cpuset (BuildOptions.cpusetAsCpuLimit).
   * `cpuset`: how many CPUs the container may run on (all the host's unless pinned), always kept.
   */
  cpu: Usage & { limitSource?: 'quota' | 'cpuset'; cpuset?: number };
  /** Share of CFS periods throttled, 0..1. */
  throttled?: number;
  memory: Usage;
  pids: Usage;
  /** Share of time some task waited, 0..1, per resource. */
  pressure: { cpu?: number; memory?: number; io?: number };
  /** Bytes per second. */
  network: { rx?: number; tx?: number };
  io: { read?: number; write?: number };
  /**
   * Per role, the config of the field its value came from: Grafana's field config with the panel's
   * overrides applied (thresholds, unit, decimals, links), so an override for a query reaches that role's
   * cells. Not the namespace roles (they have no cells of their own to configure).
   */
  config: Partial<Record<RoleKey, FieldConfig>>;
}

export interface PodGroup {
  /** The host the pod runs on. */
  instance: string;
  /** Pod name, or undefined for a container outside any pod (a group of one). */
  pod?: string;
  namespace?: string;
  containers: ContainerView[];
}

export interface HostGroup {
  instance: string;
  pods: PodGroup[];
}

export interface PanelModel {
  containers: ContainerView[];
  /** Roles found in the data. */
  present: Set<RoleKey>;
  /** Data that could not be read: frames no role was recognised for, with why. */
  unrecognised: string[];
}
