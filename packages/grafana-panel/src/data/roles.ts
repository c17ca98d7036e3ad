import { METRICS, type MetricFamily } from '@isoscope/shared';

/**
 * What the panel needs to know per container, and how it recognises each piece in the query results.
 *
 * Raw exporter metrics are recognised by their metric name (`__name__`), so one query such as
 * `{__name__=~"container_namespace_.*|container_security_.*|…"}` can carry many of them. Derived values
 * (rates, ratios) have no metric name after PromQL: they are recognised by the query's refId, which
 * defaults to the role's key and can be mapped in the panel options.
 */
export interface Role {
  key: RoleKey;
  /** The exporter family whose series carry this value as-is (recognised by __name__). */
  metric?: MetricFamily;
  /** The PromQL the panel expects for this role (documented in the README; the dashboards use it). */
  query: string;
  /** Human wording for error messages and docs. */
  description: string;
  group: RoleGroup;
}

export type RoleGroup = 'namespaces' | 'security' | 'cpu' | 'memory' | 'pids' | 'pressure' | 'network' | 'io';

const rate = (f: MetricFamily, selector = '') => `rate(${f.name}${selector}[$__rate_interval])`;
const raw = (f: MetricFamily) => f.name;

export const ROLES = {
  nsInode: {
    metric: METRICS.namespaceInode,
    query: raw(METRICS.namespaceInode),
    group: 'namespaces',
    description: 'namespace inodes',
  },
  nsHost: {
    metric: METRICS.namespaceSharedWithHost,
    query: raw(METRICS.namespaceSharedWithHost),
    group: 'namespaces',
    description: 'host namespace sharing',
  },
  nsSharers: {
    metric: METRICS.namespaceSharers,
    query: raw(METRICS.namespaceSharers),
    group: 'namespaces',
    description: 'namespace sharers',
  },

  seccomp: {
    metric: METRICS.securitySeccompMode,
    query: raw(METRICS.securitySeccompMode),
    group: 'security',
    description: 'seccomp mode',
  },
  noNewPrivs: {
    metric: METRICS.securityNoNewPrivs,
    query: raw(METRICS.securityNoNewPrivs),
    group: 'security',
    description: 'no_new_privs',
  },
  capabilities: {
    metric: METRICS.securityCapabilitiesEffective,
    query: raw(METRICS.securityCapabilitiesEffective),
    group: 'security',
    description: 'effective capabilities',
  },
  privileged: {
    metric: METRICS.securityPrivileged,
    query: raw(METRICS.securityPrivileged),
    group: 'security',
    description: 'privileged-like capabilities',
  },
  rootMapped: {
    metric: METRICS.securityRootMappedToHost,
    query: raw(METRICS.securityRootMappedToHost),
    group: 'security',
    description: 'root mapped to host root',
  },

  cpuUsage: { query: rate(METRICS.cpuUsageSeconds, '{cpu="total"}'), group: 'cpu', description: 'CPU usage (cores)' },
  cpuQuota: { metric: METRICS.specCpuQuota, query: raw(METRICS.specCpuQuota), group: 'cpu', description: 'CPU quota' },
  cpuPeriod: {
    metric: METRICS.specCpuPeriod,
    query: raw(METRICS.specCpuPeriod),
    group: 'cpu',
    description: 'CPU period',
  },
  cpuset: {
    metric: METRICS.specCpusetCpus,
    query: raw(METRICS.specCpusetCpus),
    group: 'cpu',
    description: 'cpuset size',
  },
  throttled: {
    query: `${rate(METRICS.cpuCfsThrottledPeriods)} / ${rate(METRICS.cpuCfsPeriods)}`,
    group: 'cpu',
    description: 'throttled share of CFS periods',
  },

  memory: {
    metric: METRICS.memoryWorkingSet,
    query: raw(METRICS.memoryWorkingSet),
    group: 'memory',
    description: 'memory working set',
  },
  memoryLimit: {
    metric: METRICS.specMemoryLimit,
    query: raw(METRICS.specMemoryLimit),
    group: 'memory',
    description: 'memory limit',
  },

  pids: { metric: METRICS.threads, query: raw(METRICS.threads), group: 'pids', description: 'tasks' },
  pidsLimit: { metric: METRICS.threadsMax, query: raw(METRICS.threadsMax), group: 'pids', description: 'tasks limit' },

  pressureCpu: {
    query: rate(METRICS.pressureCpuWaiting),
    group: 'pressure',
    description: 'CPU pressure (waiting share)',
  },
  pressureMemory: {
    query: rate(METRICS.pressureMemoryWaiting),
    group: 'pressure',
    description: 'memory pressure (waiting share)',
  },
  pressureIo: { query: rate(METRICS.pressureIoWaiting), group: 'pressure', description: 'IO pressure (waiting share)' },

  networkRx: {
    query: `sum without (interface) (${rate(METRICS.networkReceiveBytes)})`,
    group: 'network',
    description: 'network receive rate',
  },
  networkTx: {
    query: `sum without (interface) (${rate(METRICS.networkTransmitBytes)})`,
    group: 'network',
    description: 'network transmit rate',
  },
  ioRead: { query: `sum without (device) (${rate(METRICS.fsReadsBytes)})`, group: 'io', description: 'disk read rate' },
  ioWrite: {
    query: `sum without (device) (${rate(METRICS.fsWritesBytes)})`,
    group: 'io',
    description: 'disk write rate',
  },
} as const satisfies Record<string, Omit<Role, 'key'>>;

export type RoleKey = keyof typeof ROLES;
export const ROLE_KEYS = Object.keys(ROLES) as RoleKey[];

export function role(key: RoleKey): Role {
  return { key, ...ROLES[key] } as Role;
}

/** Roles by the metric name that carries them. */
export const ROLE_BY_METRIC: ReadonlyMap<string, RoleKey> = new Map(
  ROLE_KEYS.flatMap((k) => {
    const m = (ROLES[k] as { metric?: MetricFamily }).metric;
    return m ? [[m.name, k] as [string, RoleKey]] : [];
  })
);

/**
 * One query that brings every raw metric the panel reads: namespaces, security and limits.
 * The dashboards use it as refId "raw"; the derived roles each have a query of their own.
 */
export const RAW_METRICS_QUERY = `{__name__=~"${[...ROLE_BY_METRIC.keys()].join('|')}"}`;
