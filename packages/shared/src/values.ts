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
