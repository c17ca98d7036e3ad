/** Bounded label values shared by the exporter, the panel and the dashboards. */

/**
 * Container runtimes the exporter recognises from cgroup paths (`isoscope_containers{runtime}`). A
 * Kubernetes container counts under the runtime that runs it; its pod shows in its labels.
 */
export const RUNTIMES = ['docker', 'podman', 'containerd', 'cri-o'] as const;
export type Runtime = (typeof RUNTIMES)[number];

/** How the host mounts cgroups (`isoscope_host_info{cgroup_mode}`). */
export const CGROUP_MODES = ['v1', 'v2', 'hybrid'] as const;
export type CgroupMode = (typeof CGROUP_MODES)[number];

/** Kubernetes QoS classes a kubepods path gives. */
export const QOS_CLASSES = ['guaranteed', 'burstable', 'besteffort'] as const;
export type QosClass = (typeof QOS_CLASSES)[number];

/** `isoscope_namespace_reference_info{source}`: where the host's namespaces were read. */
export const NAMESPACE_REFERENCE_SOURCES = ['pid1', 'self'] as const;
export type NamespaceReferenceSource = (typeof NAMESPACE_REFERENCE_SOURCES)[number];

/** `container_memory_failures_total` labels, as cAdvisor spells them. */
export const MEMORY_FAILURE_TYPES = ['pgfault', 'pgmajfault'] as const;
export const MEMORY_FAILURE_SCOPES = ['container', 'hierarchy'] as const;

/** `container_security_seccomp_mode` values, as /proc/<pid>/status `Seccomp:` gives them. */
export const SECCOMP_MODES = { disabled: 0, strict: 1, filter: 2 } as const;

/** `container_cpu_usage_seconds_total{cpu}`: cgroups give only the total (v2 has no per-CPU file). */
export const CPU_LABEL_TOTAL = 'total';

/** `container_blkio_device_usage_total{operation}` values. */
export const BLKIO_OPERATIONS = ['Read', 'Write'] as const;

/**
 * `container_namespace_scope{scope}`: who else is in a container's namespace of one type. `pod`: only
 * containers of its own Kubernetes pod (what a pod sandbox is for); `shared`: at least one container outside
 * its pod (a `--network container:X` peer, another pod's IPC); `host`: the host's own namespace.
 */
export const NAMESPACE_SCOPES = ['private', 'pod', 'shared', 'host'] as const;
export type NamespaceScope = (typeof NAMESPACE_SCOPES)[number];

/** Namespace types a pod's CRI spec (`NamespaceOption`) says something about, by our ns_type names. */
export const POD_NAMESPACE_TYPES = ['net', 'pid', 'ipc', 'user'] as const;
export type PodNamespaceType = (typeof POD_NAMESPACE_TYPES)[number];

/**
 * CRI `NamespaceMode`, lower-cased: `pod` (one namespace for the pod), `container` (one per container: pid
 * only), `node` (the node's: hostNetwork, hostPID, hostIPC, hostUsers), `target` (another container's pid).
 */
export const POD_NAMESPACE_MODES = ['pod', 'container', 'node', 'target'] as const;
export type PodNamespaceMode = (typeof POD_NAMESPACE_MODES)[number];

/** `isoscope_metadata_source_up{source}`: where names and Kubernetes labels come from. */
export const METADATA_SOURCES = ['docker', 'cri'] as const;
export type MetadataSourceName = (typeof METADATA_SOURCES)[number];

/**
 * `container` label of a pod sandbox ("pause") container's series: what kubelet's cAdvisor gave it with
 * dockershim, and what kubernetes-mixin's `container!="POD"` filters out.
 */
export const POD_SANDBOX_CONTAINER = 'POD';
