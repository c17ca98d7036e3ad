/**
 * The query shapes of popular cAdvisor dashboards and alert collections (dockprom's, Grafana.com's "cAdvisor
 * exporter" and "Docker monitoring" dashboards, awesome-prometheus-alerts' cAdvisor rules, kubernetes-mixin's
 * container rules), written anew, each with what it gives on isoscope and why. The live test
 * (test/live/promql.live.test.ts) runs every one against a real Prometheus scraping the exporter as job
 * `cadvisor` and runs its check; the README's "cAdvisor compatibility" table lists the same queries with the
 * same verdicts (test/cadvisorTable.test.ts compares the two), so neither can drift.
 *
 * A query is written as the README shows it: ranges of `[1m]` (the live test's Prometheus holds about a
 * minute of samples at a 1 s interval), no `|` (it would split a Markdown table cell).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

export interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

/** The workloads the live test starts, by the names and labels the checks expect. */
export const WORKLOADS = {
  /** Docker containers as `docker compose up` names and labels them: project `shop`, services `web`, `db`. */
  compose: { project: 'shop', services: { web: 'shop-web-1', db: 'shop-db-1' } },
  /** A busy loop under `--cpus 0.1`: throttled in most CFS periods. */
  throttled: 'throttled',
  /** Restarted by Docker (`--restart always`) every few seconds. */
  restarting: 'restarting',
  /** OOM-killed again and again under its 16 MiB limit. */
  oom: 'oom',
  /** Its working set held near its memory limit. */
  nearLimit: 'nearlimit',
  /** Reads and writes its disk with direct IO. */
  io: 'io',
  /** In the host's network, PID and IPC namespaces. */
  hostNamespaces: 'hostns',
  /** Without seccomp, holding the host's whole capability set. */
  unconfined: 'unconfined',
  /** A Kubernetes pod (through the CRI) and its busy container under a CPU quota. */
  pod: { namespace: 'shop', name: 'web-7d9f8', container: 'app' },
  /** A hostNetwork pod. */
  hostNetworkPod: { namespace: 'kube-system', name: 'node-agent-x1', container: 'agent' },
} as const;

/** Containers the live test gives a memory limit (`ratio` shapes must find exactly these). */
export const MEMORY_LIMITED = [WORKLOADS.compose.services.web, WORKLOADS.nearLimit, WORKLOADS.oom] as const;

export interface CadvisorShape {
  /** The PromQL, exactly as in the README table. */
  query: string;
  /** Whether it gives cAdvisor's answer on isoscope: the README's verdict. */
  works: boolean;
  /** What the answer must hold on the live test's workloads; `query` asks the same Prometheus more. */
  check(result: Sample[], query: (expr: string) => Promise<Sample[]>): Promise<void> | void;
}

const value = (s: Sample) => Number(s.value[1]);
const label = (name: string) => (s: Sample) => s.metric[name] ?? '';
const byLabel = (result: Sample[], name: string) => new Map(result.map((s) => [label(name)(s), value(s)]));
const { compose, pod } = WORKLOADS;

/** This machine's distinct physical cores and sockets, as its sysfs describes its online CPUs. */
function cpuTopology(): { cores: number; sockets: number } {
  const dir = '/sys/devices/system/cpu';
  const ids = readdirSync(dir)
    .filter((e) => /^cpu\d+$/.test(e) && existsSync(`${dir}/${e}/topology`))
    .map((cpu) =>
      ['physical_package_id', 'core_id'].map((f) => readFileSync(`${dir}/${cpu}/topology/${f}`, 'utf8').trim())
    );
  return { cores: new Set(ids.map(([p, c]) => `${p}/${c}`)).size, sockets: new Set(ids.map(([p]) => p)).size };
}

function meminfoBytes(field: string): number {
  return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/meminfo', 'utf8'))![1]) * 1024;
}

function nothing(result: Sample[]): void {
  expect(result).toEqual([]);
}

export const CADVISOR_SHAPES: readonly CadvisorShape[] = [
  {
    query: 'up{job="cadvisor"}',
    works: true,
    check: (result) => expect(result.map(value)).toEqual([1]),
  },
  {
    query:
      'sum by (container_label_com_docker_compose_service) (rate(container_cpu_usage_seconds_total{container_label_com_docker_compose_project!=""}[1m]))',
    works: true,
    check: (result) =>
      expect(result.map(label('container_label_com_docker_compose_service')).sort()).toEqual(['db', 'web']),
  },
  {
    query:
      'count by (container_label_com_docker_compose_project) (container_last_seen{container_label_com_docker_compose_project!=""})',
    works: true,
    check: (result) =>
      expect([...byLabel(result, 'container_label_com_docker_compose_project')]).toEqual([[compose.project, 2]]),
  },
  {
    query: 'sum(rate(container_cpu_usage_seconds_total{id="/"}[1m]))',
    works: true,
    check: (result) => {
      // The machine's CPU: busy (the test's own loops run on it) and never more than all its cores.
      expect(result).toHaveLength(1);
      expect(value(result[0])).toBeGreaterThan(0);
      expect(value(result[0])).toBeLessThanOrEqual(os.cpus().length * 1.1);
    },
  },
  {
    query: 'container_memory_usage_bytes{id="/"} / on (instance) machine_memory_bytes',
    works: true,
    check: (result) => {
      expect(result).toHaveLength(1);
      expect(value(result[0])).toBeGreaterThan(0);
      expect(value(result[0])).toBeLessThanOrEqual(1);
    },
  },
  {
    query: 'sum by (interface) (rate(container_network_receive_bytes_total{id="/"}[1m]))',
    works: true,
    check: (result) => {
      // The host's own interfaces, as cAdvisor leaves them: loopback, veth* and docker* left out.
      const interfaces = result.map(label('interface'));
      expect(interfaces.length).toBeGreaterThan(0);
      expect(interfaces.filter((i) => i === 'lo' || i.startsWith('veth') || i.startsWith('docker'))).toEqual([]);
    },
  },
  {
    query: 'machine_cpu_cores',
    works: true,
    check: (result) => expect(result.map(value)).toEqual([os.cpus().length]),
  },
  {
    query: 'machine_cpu_physical_cores',
    works: true,
    check: (result) => expect(result.map(value)).toEqual([cpuTopology().cores]),
  },
  {
    query: 'machine_cpu_sockets',
    works: true,
    check: (result) => expect(result.map(value)).toEqual([cpuTopology().sockets]),
  },
  {
    query: 'machine_memory_bytes',
    works: true,
    check: (result) => expect(result.map(value)).toEqual([os.totalmem()]),
  },
  {
    query: 'machine_swap_bytes',
    works: true,
    check: (result) => expect(result.map(value)).toEqual([meminfoBytes('SwapTotal')]),
  },
  {
    query: 'sum by (name) (rate(container_cpu_usage_seconds_total{name!=""}[1m]))',
    works: true,
    check: (result) => {
      // Every container by name, and not the machine: `name!=""` leaves out id="/" as on cAdvisor.
      const rates = byLabel(result, 'name');
      expect(rates.has('')).toBe(false);
      expect(rates.get(WORKLOADS.throttled)).toBeGreaterThan(0.02);
      expect([...rates.keys()]).toEqual(expect.arrayContaining([compose.services.web, WORKLOADS.hostNamespaces]));
    },
  },
  {
    query: 'sum by (name) (container_memory_rss{image!=""})',
    works: true,
    check: async (result, query) => {
      const names = result.map(label('name'));
      expect(names).toEqual(expect.arrayContaining([compose.services.web, WORKLOADS.nearLimit]));
      // `image!=""` leaves out the machine's own series, which have no image.
      expect(await query('container_memory_rss{id="/", image!=""}')).toEqual([]);
      expect(await query('container_memory_rss{id="/"}')).toHaveLength(1);
    },
  },
  {
    query:
      'sum by (instance, name) (container_memory_working_set_bytes{name!=""}) / sum by (instance, name) (container_spec_memory_limit_bytes{name!=""} > 0)',
    works: true,
    check: (result) => {
      const ratios = byLabel(result, 'name');
      // Docker containers only here: a pod's containers are named by id, as kubelet's cAdvisor names them.
      const named = [...ratios.keys()].filter((n) => !/^[0-9a-f]{64}$/.test(n)).sort();
      expect(named).toEqual([...MEMORY_LIMITED].sort());
      expect(ratios.get(WORKLOADS.nearLimit)).toBeGreaterThan(0.9);
      for (const r of ratios.values()) expect(r).toBeLessThanOrEqual(1);
    },
  },
  {
    query:
      'sum by (name) (increase(container_cpu_cfs_throttled_periods_total{name!=""}[1m])) / sum by (name) (increase(container_cpu_cfs_periods_total{name!=""}[1m]))',
    works: true,
    check: (result) => expect(byLabel(result, 'name').get(WORKLOADS.throttled)).toBeGreaterThan(0.5),
  },
  {
    query:
      'sum by (name) (rate(container_cpu_usage_seconds_total{name!=""}[1m])) / sum by (name) (container_spec_cpu_quota{name!=""} / container_spec_cpu_period{name!=""})',
    works: true,
    check: (result) => {
      // A busy loop under a 0.1-CPU quota uses about its whole quota.
      const used = byLabel(result, 'name').get(WORKLOADS.throttled);
      expect(used).toBeGreaterThan(0.5);
      expect(used).toBeLessThan(1.5);
    },
  },
  {
    query: 'sum by (name) (rate(container_network_transmit_bytes_total{name!=""}[1m]))',
    works: true,
    check: (result) => {
      // The two Compose containers ping each other over a veth pair between their namespaces.
      const rates = byLabel(result, 'name');
      expect(rates.get(compose.services.web)).toBeGreaterThan(0);
      expect(rates.get(compose.services.db)).toBeGreaterThan(0);
      expect(rates.has(WORKLOADS.hostNamespaces)).toBe(false);
    },
  },
  {
    query: 'time() - container_start_time_seconds{name!=""}',
    works: true,
    check: (result) => {
      const ages = byLabel(result, 'name');
      expect(ages.get(compose.services.web)).toBeGreaterThan(0);
      // Started by this test, a few minutes ago at most.
      expect(ages.get(compose.services.web)).toBeLessThan(900);
    },
  },
  {
    query: 'time() - container_last_seen{name!=""}',
    works: true,
    check: (result) => {
      expect(result.length).toBeGreaterThan(0);
      // Seen at the last scrape, a second or so ago.
      for (const s of result) expect(value(s)).toBeLessThan(10);
    },
  },
  {
    query: 'changes(container_start_time_seconds{name!=""}[5m])',
    works: true,
    check: (result) => {
      const changes = byLabel(result, 'name');
      expect(changes.get(WORKLOADS.restarting)).toBeGreaterThan(0);
      expect(changes.get(compose.services.web)).toBe(0);
    },
  },
  {
    query: 'increase(container_oom_events_total{name!=""}[5m])',
    works: true,
    check: (result) => {
      const kills = byLabel(result, 'name');
      expect(kills.get(WORKLOADS.oom)).toBeGreaterThan(0);
      expect(kills.get(compose.services.web)).toBe(0);
    },
  },
  {
    query: 'sum by (name) (rate(container_fs_writes_bytes_total{name!=""}[1m]))',
    works: true,
    check: (result) => expect(byLabel(result, 'name').get(WORKLOADS.io)).toBeGreaterThan(0),
  },
  {
    query: 'sum by (device) (rate(container_fs_reads_bytes_total{id="/"}[1m]))',
    works: true,
    check: (result) => {
      // Named as cAdvisor names them: the block device's node.
      expect(result.length).toBeGreaterThan(0);
      for (const d of result.map(label('device'))) expect(d).toMatch(/^\/dev\/\S+$/);
    },
  },
  {
    query:
      'sum by (namespace, pod, container) (rate(container_cpu_usage_seconds_total{job="cadvisor", image!="", container!=""}[1m]))',
    works: true,
    check: (result) => {
      const containers = result.map((s) => `${s.metric.namespace}/${s.metric.pod}/${s.metric.container}`);
      expect(containers).toContain(`${pod.namespace}/${pod.name}/${pod.container}`);
      // A pod's sandbox is not a workload: `container!="POD"` is not even needed with `image!=""`.
      expect(result.filter((s) => s.metric.container === 'POD')).toEqual([]);
    },
  },
  {
    query:
      'sum by (namespace, pod) (container_memory_working_set_bytes{job="cadvisor", container!="", container!="POD"})',
    works: true,
    check: (result) => {
      const pods = result.map((s) => `${s.metric.namespace}/${s.metric.pod}`);
      expect(pods).toEqual(expect.arrayContaining([`${pod.namespace}/${pod.name}`]));
    },
  },
  {
    query:
      'sum without (id, name, image) (increase(container_cpu_cfs_throttled_periods_total{job="cadvisor", container!=""}[1m])) / sum without (id, name, image) (increase(container_cpu_cfs_periods_total{job="cadvisor", container!=""}[1m]))',
    works: true,
    check: (result) => {
      const app = result.find((s) => s.metric.pod === pod.name && s.metric.container === pod.container);
      expect(app?.metric).toMatchObject({ namespace: pod.namespace, job: 'cadvisor' });
      expect(value(app!)).toBeGreaterThan(0.5);
    },
  },
  {
    query: 'sum by (namespace, pod) (rate(container_network_receive_bytes_total{job="cadvisor", namespace!=""}[1m]))',
    works: true,
    check: (result) => {
      // A pod's interfaces are on its sandbox's series (namespace and pod labelled), as on kubelet's cAdvisor.
      const pods = result.map((s) => `${s.metric.namespace}/${s.metric.pod}`);
      expect(pods).toContain(`${pod.namespace}/${pod.name}`);
    },
  },
  { query: 'container_cpu_usage_seconds_total{cpu!="total"}', works: false, check: nothing },
  { query: 'sum by (name) (container_fs_usage_bytes{name!=""})', works: false, check: nothing },
  { query: 'container_fs_usage_bytes{name!=""} / container_fs_limit_bytes{name!=""}', works: false, check: nothing },
  { query: 'count by (name) (container_tasks_state{state="running"})', works: false, check: nothing },
  { query: 'container_cpu_load_average_10s{name!=""}', works: false, check: nothing },
  { query: 'cadvisor_version_info', works: false, check: nothing },
  {
    query: `sum by (name) (rate(container_network_receive_bytes_total{name="${WORKLOADS.hostNamespaces}"}[1m]))`,
    works: false,
    check: nothing,
  },
  { query: 'container_memory_working_set_bytes{pod!="", container=""}', works: false, check: nothing },
  { query: 'container_memory_working_set_bytes{id="/kubepods"}', works: false, check: nothing },
];
