/**
 * The metric contract. Every metric family isoscope exposes is declared here once, with its help text,
 * Prometheus type, unit and labels. The exporter registers exactly these families, the Grafana panel
 * recognises frames by these names, and the README's metric table is generated from this list.
 *
 * Families that cAdvisor also exposes keep cAdvisor's name, labels, unit and meaning, so dashboards built
 * for cAdvisor keep working. `cadvisor: true` marks them.
 */

/** The eight Linux namespace types, in the order the panel draws them. */
export const NAMESPACE_TYPES = ['mnt', 'pid', 'net', 'ipc', 'uts', 'user', 'cgroup', 'time'] as const;
export type NamespaceType = (typeof NAMESPACE_TYPES)[number];

/**
 * Labels on every per-container series. `id` is the cgroup path (as cAdvisor's `id`), `name` and `image`
 * come from the runtime (empty when it cannot be asked). `namespace`, `pod` and `container` are set only
 * when the runtime knows them (Kubernetes labels), and are absent otherwise.
 */
export const CONTAINER_LABELS = ['id', 'name', 'image', 'namespace', 'pod', 'container'] as const;
export type ContainerLabel = (typeof CONTAINER_LABELS)[number];

/**
 * A runtime label (Docker, Podman, a CRI container or its pod) on every series of its container, named as
 * cAdvisor names it: this prefix, then the label's key with every character outside [a-zA-Z0-9_] replaced
 * by `_` (`com.docker.compose.service` → `container_label_com_docker_compose_service`). Only the keys of an
 * allow-list are carried (`--runtime.labels`), never every label a container has.
 */
export const RUNTIME_LABEL_PREFIX = 'container_label_';

/** The series label a runtime label `key` becomes (cAdvisor's sanitising: one `_` per character, as Go's runes). */
export function runtimeLabelName(key: string): string {
  return RUNTIME_LABEL_PREFIX + key.replace(/[^a-zA-Z0-9_]/gu, '_');
}

/** The runtime labels carried by default: Docker Compose's project and service, how Compose users find a service. */
export const DEFAULT_RUNTIME_LABELS = ['com.docker.compose.project', 'com.docker.compose.service'] as const;

/** Names of the exporter's collectors, switched with `--collector.<name>` / `--no-collector.<name>`. */
export const COLLECTORS = [
  'cpu',
  'memory',
  'limits',
  'tasks',
  'io',
  'network',
  'pressure',
  'lifecycle',
  'namespaces',
  'security',
] as const;
export type CollectorName = (typeof COLLECTORS)[number];

export type MetricType = 'counter' | 'gauge';
/** Base units only, as Prometheus asks: seconds and bytes, or a plain count / flag / enumeration. */
export type MetricUnit = 'seconds' | 'bytes' | 'cores' | 'count' | 'boolean' | 'enum' | 'info' | 'timestamp';

export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly unit: MetricUnit;
  /** Labels besides the container labels (for container families) in exposition order. */
  readonly labels: readonly string[];
  /** Whether each series also carries CONTAINER_LABELS. */
  readonly perContainer: boolean;
  /** The collector that produces it; families without one are always on. */
  readonly collector?: CollectorName;
  /** Same name and meaning as cAdvisor's family. */
  readonly cadvisor?: boolean;
}

function family(
  name: string,
  type: MetricType,
  unit: MetricUnit,
  help: string,
  opts: { labels?: readonly string[]; collector?: CollectorName; cadvisor?: boolean; perContainer?: boolean } = {}
): MetricFamily {
  return {
    name,
    help,
    type,
    unit,
    labels: opts.labels ?? [],
    perContainer: opts.perContainer ?? true,
    collector: opts.collector,
    cadvisor: opts.cadvisor ?? false,
  };
}

const cpu = { collector: 'cpu', cadvisor: true } as const;
const memory = { collector: 'memory', cadvisor: true } as const;
const limits = { collector: 'limits', cadvisor: true } as const;
const tasks = { collector: 'tasks', cadvisor: true } as const;
const io = { collector: 'io', cadvisor: true } as const;
const network = { collector: 'network', cadvisor: true, labels: ['interface'] } as const;
const pressure = { collector: 'pressure', cadvisor: true } as const;
const lifecycle = { collector: 'lifecycle', cadvisor: true } as const;
const ns = { collector: 'namespaces', labels: ['ns_type'] } as const;
const security = { collector: 'security' } as const;
const host = { perContainer: false } as const;
const podNs = { collector: 'namespaces', perContainer: false } as const;

export const METRICS = {
  // --- CPU (cpu.stat on v2; cpuacct.* and cpu.stat on v1) ---
  cpuUsageSeconds: family(
    'container_cpu_usage_seconds_total',
    'counter',
    'seconds',
    'Cumulative cpu time consumed in seconds.',
    { ...cpu, labels: ['cpu'] }
  ),
  cpuUserSeconds: family(
    'container_cpu_user_seconds_total',
    'counter',
    'seconds',
    'Cumulative user cpu time consumed in seconds.',
    cpu
  ),
  cpuSystemSeconds: family(
    'container_cpu_system_seconds_total',
    'counter',
    'seconds',
    'Cumulative system cpu time consumed in seconds.',
    cpu
  ),
  cpuCfsPeriods: family(
    'container_cpu_cfs_periods_total',
    'counter',
    'count',
    'Number of elapsed enforcement period intervals.',
    cpu
  ),
  cpuCfsThrottledPeriods: family(
    'container_cpu_cfs_throttled_periods_total',
    'counter',
    'count',
    'Number of throttled period intervals.',
    cpu
  ),
  cpuCfsThrottledSeconds: family(
    'container_cpu_cfs_throttled_seconds_total',
    'counter',
    'seconds',
    'Total time duration the container has been throttled.',
    cpu
  ),

  // --- Memory ---
  memoryUsage: family(
    'container_memory_usage_bytes',
    'gauge',
    'bytes',
    'Current memory usage in bytes, including all memory regardless of when it was accessed.',
    memory
  ),
  memoryWorkingSet: family(
    'container_memory_working_set_bytes',
    'gauge',
    'bytes',
    'Current working set in bytes: usage minus inactive file cache, floored at 0.',
    memory
  ),
  memoryRss: family('container_memory_rss', 'gauge', 'bytes', 'Size of RSS (anonymous memory) in bytes.', memory),
  memoryCache: family('container_memory_cache', 'gauge', 'bytes', 'Number of bytes of page cache memory.', memory),
  memorySwap: family('container_memory_swap', 'gauge', 'bytes', 'Container swap usage in bytes.', memory),
  memoryMappedFile: family(
    'container_memory_mapped_file',
    'gauge',
    'bytes',
    'Size of memory mapped files in bytes.',
    memory
  ),
  memoryMaxUsage: family(
    'container_memory_max_usage_bytes',
    'gauge',
    'bytes',
    'Maximum memory usage recorded in bytes.',
    memory
  ),
  // cAdvisor types this a counter, but its name lacks _total and promtool rejects that; PromQL ignores the
  // type, so a gauge keeps cAdvisor dashboards working and the exposition clean.
  memoryFailcnt: family(
    'container_memory_failcnt',
    'gauge',
    'count',
    'Number of memory usage hits limits (cgroup v1 memory.failcnt; 0 on v2). Only ever grows.',
    memory
  ),
  memoryFailures: family(
    'container_memory_failures_total',
    'counter',
    'count',
    'Cumulative count of memory allocation failures.',
    { ...memory, labels: ['failure_type', 'scope'] }
  ),
  oomEvents: family(
    'container_oom_events_total',
    'counter',
    'count',
    'Count of out of memory events observed for the container (processes killed by the OOM killer).',
    memory
  ),
  memoryEvents: family(
    'container_memory_events_total',
    'counter',
    'count',
    'Cgroup v2 memory.events counters (low, high, max, oom, oom_kill, oom_group_kill) by event.',
    { collector: 'memory', labels: ['event'] }
  ),

  // --- Limits (the container's spec) ---
  specCpuQuota: family(
    'container_spec_cpu_quota',
    'gauge',
    'count',
    'CPU quota of the container in microseconds per period. Absent when unlimited.',
    limits
  ),
  specCpuPeriod: family(
    'container_spec_cpu_period',
    'gauge',
    'count',
    'CPU period of the container in microseconds.',
    limits
  ),
  specCpuShares: family(
    'container_spec_cpu_shares',
    'gauge',
    'count',
    'CPU share of the container (cgroup v2 cpu.weight converted to v1 shares).',
    limits
  ),
  specCpusetCpus: family(
    'container_spec_cpuset_cpus',
    'gauge',
    'cores',
    'Number of CPUs the container may run on (its effective cpuset).',
    { collector: 'limits' }
  ),
  specMemoryLimit: family(
    'container_spec_memory_limit_bytes',
    'gauge',
    'bytes',
    'Memory limit for the container; 0 when unlimited.',
    limits
  ),
  specMemorySwapLimit: family(
    'container_spec_memory_swap_limit_bytes',
    'gauge',
    'bytes',
    'Memory swap limit for the container; 0 when unlimited.',
    limits
  ),
  specMemoryReservationLimit: family(
    'container_spec_memory_reservation_limit_bytes',
    'gauge',
    'bytes',
    'Memory reservation for the container (v2 memory.min, v1 soft limit); 0 when none.',
    limits
  ),

  // --- Tasks ---
  processes: family(
    'container_processes',
    'gauge',
    'count',
    'Number of processes running inside the container.',
    tasks
  ),
  threads: family(
    'container_threads',
    'gauge',
    'count',
    'Number of tasks (threads) in the container, from pids.current.',
    tasks
  ),
  threadsMax: family(
    'container_threads_max',
    'gauge',
    'count',
    'Maximum number of tasks allowed (pids.max); 0 when unlimited.',
    tasks
  ),

  // --- Block IO ---
  fsReadsBytes: family('container_fs_reads_bytes_total', 'counter', 'bytes', 'Cumulative count of bytes read.', {
    ...io,
    labels: ['device'],
  }),
  fsWritesBytes: family('container_fs_writes_bytes_total', 'counter', 'bytes', 'Cumulative count of bytes written.', {
    ...io,
    labels: ['device'],
  }),
  fsReads: family('container_fs_reads_total', 'counter', 'count', 'Cumulative count of reads completed.', {
    ...io,
    labels: ['device'],
  }),
  fsWrites: family('container_fs_writes_total', 'counter', 'count', 'Cumulative count of writes completed.', {
    ...io,
    labels: ['device'],
  }),
  blkioDeviceUsage: family('container_blkio_device_usage_total', 'counter', 'bytes', 'Blkio device bytes usage.', {
    ...io,
    labels: ['device', 'major', 'minor', 'operation'],
  }),

  // --- Network (one set per network namespace, not per sharer) ---
  networkReceiveBytes: family(
    'container_network_receive_bytes_total',
    'counter',
    'bytes',
    'Cumulative count of bytes received.',
    network
  ),
  networkReceivePackets: family(
    'container_network_receive_packets_total',
    'counter',
    'count',
    'Cumulative count of packets received.',
    network
  ),
  networkReceiveErrors: family(
    'container_network_receive_errors_total',
    'counter',
    'count',
    'Cumulative count of errors encountered while receiving.',
    network
  ),
  networkReceiveDropped: family(
    'container_network_receive_packets_dropped_total',
    'counter',
    'count',
    'Cumulative count of packets dropped while receiving.',
    network
  ),
  networkTransmitBytes: family(
    'container_network_transmit_bytes_total',
    'counter',
    'bytes',
    'Cumulative count of bytes transmitted.',
    network
  ),
  networkTransmitPackets: family(
    'container_network_transmit_packets_total',
    'counter',
    'count',
    'Cumulative count of packets transmitted.',
    network
  ),
  networkTransmitErrors: family(
    'container_network_transmit_errors_total',
    'counter',
    'count',
    'Cumulative count of errors encountered while transmitting.',
    network
  ),
  networkTransmitDropped: family(
    'container_network_transmit_packets_dropped_total',
    'counter',
    'count',
    'Cumulative count of packets dropped while transmitting.',
    network
  ),

  // --- Pressure stall information (cgroup v2 *.pressure files; "some" = waiting, "full" = stalled) ---
  pressureCpuWaiting: family(
    'container_pressure_cpu_waiting_seconds_total',
    'counter',
    'seconds',
    'Total time duration tasks in the container have waited due to CPU congestion.',
    pressure
  ),
  pressureCpuStalled: family(
    'container_pressure_cpu_stalled_seconds_total',
    'counter',
    'seconds',
    'Total time duration no tasks in the container could make progress due to CPU congestion.',
    pressure
  ),
  pressureMemoryWaiting: family(
    'container_pressure_memory_waiting_seconds_total',
    'counter',
    'seconds',
    'Total time duration tasks in the container have waited due to memory congestion.',
    pressure
  ),
  pressureMemoryStalled: family(
    'container_pressure_memory_stalled_seconds_total',
    'counter',
    'seconds',
    'Total time duration no tasks in the container could make progress due to memory congestion.',
    pressure
  ),
  pressureIoWaiting: family(
    'container_pressure_io_waiting_seconds_total',
    'counter',
    'seconds',
    'Total time duration tasks in the container have waited due to IO congestion.',
    pressure
  ),
  pressureIoStalled: family(
    'container_pressure_io_stalled_seconds_total',
    'counter',
    'seconds',
    'Total time duration no tasks in the container could make progress due to IO congestion.',
    pressure
  ),

  // --- Lifecycle ---
  startTime: family(
    'container_start_time_seconds',
    'gauge',
    'timestamp',
    'Start time of the container since unix epoch in seconds.',
    lifecycle
  ),
  lastSeen: family(
    'container_last_seen',
    'gauge',
    'timestamp',
    'Last time a container was seen by the exporter, since unix epoch in seconds.',
    lifecycle
  ),

  // --- Namespace isolation (isoscope's own) ---
  namespaceSharedWithHost: family(
    'container_namespace_shared_with_host',
    'gauge',
    'boolean',
    "1 when the container is in the host's namespace of this type, else 0.",
    ns
  ),
  namespaceSharers: family(
    'container_namespace_sharers',
    'gauge',
    'count',
    'Running containers in the same namespace of this type, itself included (1 = private).',
    ns
  ),
  namespaceInode: family(
    'container_namespace_inode',
    'gauge',
    'count',
    "Inode of the container's namespace of this type; equal inodes are the same namespace.",
    ns
  ),
  namespaceScope: family(
    'container_namespace_scope',
    'gauge',
    'info',
    "Who shares the container's namespace of this type: private, pod (only its own pod's containers), shared (a container outside its pod) or host. Always 1.",
    { ...ns, labels: ['ns_type', 'scope'] }
  ),
  podNamespaceMode: family(
    'isoscope_pod_namespace_mode',
    'gauge',
    'info',
    'Namespace mode a Kubernetes pod asked for in its CRI sandbox config (pod, container, node, target), by type (net, pid, ipc, user). Always 1.',
    { ...podNs, labels: ['namespace', 'pod', 'ns_type', 'mode'] }
  ),
  podNamespaceMismatch: family(
    'isoscope_pod_namespace_mismatch',
    'gauge',
    'boolean',
    "1 when the kernel disagrees with the namespace mode the pod asked for (e.g. the node's network namespace without hostNetwork).",
    { ...podNs, labels: ['namespace', 'pod', 'ns_type'] }
  ),

  // --- Security context (isoscope's own) ---
  securitySeccompMode: family(
    'container_security_seccomp_mode',
    'gauge',
    'enum',
    "Seccomp mode of the container's process: 0 disabled, 1 strict, 2 filter.",
    security
  ),
  securityNoNewPrivs: family(
    'container_security_no_new_privs',
    'gauge',
    'boolean',
    "1 when the container's process has no_new_privs set.",
    security
  ),
  securityCapabilitiesEffective: family(
    'container_security_capabilities_effective',
    'gauge',
    'count',
    "Number of capabilities in the effective set of the container's process.",
    security
  ),
  securityPrivileged: family(
    'container_security_privileged',
    'gauge',
    'boolean',
    "1 when the effective capabilities hold the host's whole bounding set (privileged-like; capabilities newer than Linux 3.16 aside).",
    security
  ),
  securityRootMappedToHost: family(
    'container_security_root_mapped_to_host',
    'gauge',
    'boolean',
    '1 when uid 0 inside the container is uid 0 on the host (no user namespace remapping).',
    security
  ),

  // --- Host, read once at start ---
  machineCpuCores: family('machine_cpu_cores', 'gauge', 'cores', 'Number of logical CPU cores on the host.', {
    ...host,
    cadvisor: true,
  }),
  machineCpuPhysicalCores: family(
    'machine_cpu_physical_cores',
    'gauge',
    'cores',
    'Number of physical CPU cores on the host (distinct cores of its online CPUs).',
    { ...host, cadvisor: true }
  ),
  machineCpuSockets: family('machine_cpu_sockets', 'gauge', 'count', 'Number of CPU sockets on the host.', {
    ...host,
    cadvisor: true,
  }),
  machineMemoryBytes: family('machine_memory_bytes', 'gauge', 'bytes', 'Amount of memory installed on the host.', {
    ...host,
    cadvisor: true,
  }),
  machineSwapBytes: family(
    'machine_swap_bytes',
    'gauge',
    'bytes',
    'Amount of swap space on the host (0 without swap).',
    {
      ...host,
      cadvisor: true,
    }
  ),
  hostInfo: family(
    'isoscope_host_info',
    'gauge',
    'info',
    'Host facts: kernel release, operating system and cgroup mode (v1, v2 or hybrid).',
    { ...host, labels: ['kernel', 'os', 'cgroup_mode'] }
  ),

  // --- The exporter's own health ---
  buildInfo: family(
    'isoscope_build_info',
    'gauge',
    'info',
    'isoscope exporter build: version and the Node.js version it runs on.',
    { ...host, labels: ['version', 'nodeversion'] }
  ),
  namespaceReferenceInfo: family(
    'isoscope_namespace_reference_info',
    'gauge',
    'info',
    'Where the host namespace reference was read: "pid1" (<procfs>/1/ns) or "self" (the exporter\'s own).',
    { ...host, labels: ['source'] }
  ),
  scrapeCollectorDuration: family(
    'isoscope_scrape_collector_duration_seconds',
    'gauge',
    'seconds',
    'Time the collector took in the last scrape.',
    { ...host, labels: ['collector'] }
  ),
  scrapeCollectorSuccess: family(
    'isoscope_scrape_collector_success',
    'gauge',
    'boolean',
    '1 when the collector finished without failing in the last scrape.',
    { ...host, labels: ['collector'] }
  ),
  readErrors: family(
    'isoscope_read_errors_total',
    'counter',
    'count',
    'Values skipped because a cgroup or procfs file was missing, unreadable or malformed.',
    { ...host, labels: ['collector'] }
  ),
  containers: family('isoscope_containers', 'gauge', 'count', 'Containers found in the last scrape, by runtime.', {
    ...host,
    labels: ['runtime'],
  }),
  metadataSourceUp: family(
    'isoscope_metadata_source_up',
    'gauge',
    'boolean',
    "1 when the last call to this metadata source (docker: the Docker/Podman API; cri: the node's CRI runtime) succeeded.",
    { ...host, labels: ['source'] }
  ),
} as const satisfies Record<string, MetricFamily>;

export type MetricKey = keyof typeof METRICS;

/** All families in declaration order. */
export const ALL_METRICS: readonly MetricFamily[] = Object.values(METRICS);

/** Families a collector produces. */
export function metricsOfCollector(collector: CollectorName): MetricFamily[] {
  return ALL_METRICS.filter((m) => m.collector === collector);
}

/** Full label list of a family's series, container labels first. */
export function labelsOf(metric: MetricFamily): string[] {
  return metric.perContainer ? [...CONTAINER_LABELS, ...metric.labels] : [...metric.labels];
}
