/**
 * The PromQL users run, answered live. A private Docker engine runs busybox containers of every isolation
 * and limit the dashboards and alerts look at (Compose-labelled ones pinging each other over a veth pair
 * between their namespaces, a throttled loop, memory limits, repeated OOM kills, a restarting container, disk
 * IO, the host's namespaces, no seccomp), a private containerd node runs two pods through the CRI, and the built
 * exporter reads them all. Two Debian Prometheus servers scrape it every second:
 * - job `isoscope` with the repository's rule files loaded: every expression of every provisioned dashboard
 *   (panels and variables) and every rule must return at least one series, and every alert whose state these
 *   workloads are in must be pending or firing for them;
 * - job `cadvisor`, the name cAdvisor users scrape it under: the query shapes of popular cAdvisor dashboards
 *   and alerts (test/support/cadvisorShapes.ts, the README's "cAdvisor compatibility" table) give what the
 *   table says.
 * Only this test's containers are kept (metric relabelling on `id`), so other engines on the machine do not
 * make a query pass.
 */
import {
  startEngine,
  type Engine,
  startExporter,
  type ExporterProcess,
  startPrometheus,
  type Prometheus,
  waitUntil,
} from '@isoscope/test-support';
import { allHostCapabilities } from '../support/capabilities';
import { diskOf } from '../support/blockDevice';
import { CADVISOR_SHAPES, WORKLOADS, type Sample } from '../support/cadvisorShapes';
import { startCriNode, type CriNode } from '../support/containerd';
import { linkNamespaces } from '../support/netns';
import {
  dashboardExpressions,
  ruleExpressions,
  ruleFiles,
  type ShippedExpression,
  substituteVariables,
  variableQuery,
  withoutThreshold,
} from '../support/promqlExpressions';

jest.setTimeout(300_000);

const MiB = 1024 * 1024;
/** What `$__rate_interval` becomes: several 1 s scrapes, as Grafana's four scrape intervals at least. */
const RATE_INTERVAL = '15s';
const { compose, pod, hostNetworkPod } = WORKLOADS;

let engine: Engine | undefined;
let node: CriNode | undefined;
let exporter: ExporterProcess | undefined;
let isoscope: Prometheus | undefined;
let cadvisor: Prometheus | undefined;

/** An instant query; a scalar answer counts as one series without labels. */
async function query(prometheus: Prometheus, expr: string): Promise<Sample[]> {
  const data = await prometheus.api<{ resultType: string; result: unknown }>(`query?query=${encodeURIComponent(expr)}`);
  if (data.resultType === 'scalar') return [{ metric: {}, value: data.result as Sample['value'] }];
  if (data.resultType !== 'vector') throw new Error(`${expr} returned a ${data.resultType}`);
  return data.result as Sample[];
}

/** The answer once `ok` holds for it (rates need two samples, rules an evaluation); the last one on timeout. */
async function eventually(
  prometheus: Prometheus,
  expr: string,
  ok: (result: Sample[]) => boolean,
  timeoutMs = 60_000
): Promise<Sample[]> {
  let last: Sample[] = [];
  await waitUntil(
    expr,
    async () => {
      last = await query(prometheus, expr);
      return ok(last) ? true : undefined;
    },
    { timeoutMs, intervalMs: 1000 }
  ).catch(() => undefined);
  return last;
}

/** A scrape job of the exporter keeping only this test's containers (and series without an `id`, and id="/"). */
function scrapeJob(job: string, port: number, ids: string[]): string[] {
  return [
    `  - job_name: ${job}`,
    '    static_configs:',
    `      - targets: ['127.0.0.1:${port}']`,
    '    metric_relabel_configs:',
    '      - source_labels: [id]',
    '        action: keep',
    `        regex: '|/|.*(${ids.join('|')}).*'`,
  ];
}

const composeLabels = (service: string) => [
  ...['--label', `com.docker.compose.project=${compose.project}`],
  ...['--label', `com.docker.compose.service=${service}`],
];

beforeAll(async () => {
  engine = await startEngine();
  node = await startCriNode();
  const ids: string[] = [];
  const run = async (name: string, args: string[], cmd: string[] = ['sleep', '600']) => {
    const id = await engine!.run(name, args, cmd);
    ids.push(id);
    return (await engine!.inspect(id)).State.Pid as number;
  };

  // Every limit a panel may show against usage: memory, CPU quota, cpuset, tasks.
  const limits = ['--memory', '64m', '--cpus', '0.5', '--cpuset-cpus', '0', '--pids-limit', '50'];
  const web = await run(compose.services.web, [...composeLabels('web'), ...limits]);
  const db = await run(compose.services.db, composeLabels('db'));
  // Traffic over a link between the two namespaces only (cAdvisor's convention skips veth* and docker*
  // interfaces, so the pair is named eth1): a ping a second each way for the whole test.
  linkNamespaces(web, db, '169.254.79');
  await engine.docker(['exec', '-d', compose.services.web, 'busybox', 'ping', '-c', '600', '169.254.79.2']);
  await engine.docker(['exec', '-d', compose.services.db, 'busybox', 'ping', '-c', '600', '169.254.79.1']);
  await run(WORKLOADS.throttled, ['--cpus', '0.1'], ['sh', '-c', 'while :; do :; done']);
  // Exits after 3 s; Docker starts it again under the same id, so its start time changes.
  await run(WORKLOADS.restarting, ['--restart', 'always'], ['sh', '-c', 'sleep 3; exit 1']);
  // dd's 64 MiB block cannot fit under 16 MiB without swap: the OOM killer ends it every few seconds, after
  // Prometheus has seen the counter at its earlier value, and the shell lives on.
  await run(
    WORKLOADS.oom,
    ['--memory', '16m', '--memory-swap', '16m'],
    ['sh', '-c', 'while :; do dd if=/dev/zero of=/dev/null bs=64M count=1; sleep 5; done']
  );
  // 22 MiB of tmpfs under a 24 MiB limit: shared memory is charged to the container and, without swap, cannot
  // be reclaimed, so the working set stays above 90 % of the limit.
  await run(
    WORKLOADS.nearLimit,
    ['--memory', '24m', '--memory-swap', '24m', '--shm-size', '32m'],
    ['sh', '-c', 'dd if=/dev/zero of=/dev/shm/fill bs=1M count=22; sleep 600']
  );
  // Direct IO (page-cache writeback is the root's on cgroup v1) to the disk under its own throttle rule, set far
  // above what it does: cgroup v1 counts a cgroup's IO only where it has one (test/support/blockDevice.ts).
  const disk = diskOf(engine.dataRoot);
  await run(
    WORKLOADS.io,
    ['--device-read-bps', `${disk}:1gb`, '--device-write-bps', `${disk}:1gb`],
    [
      'sh',
      '-c',
      'while :; do dd if=/dev/zero of=/io bs=1M count=4 oflag=direct; dd if=/io of=/dev/null bs=1M iflag=direct; sleep 2; done',
    ]
  );
  await run(WORKLOADS.hostNamespaces, ['--network', 'host', '--pid', 'host', '--ipc', 'host']);
  // `--privileged` fails on this machine; every capability the host has, without seccomp, is the same state.
  await run(WORKLOADS.unconfined, ['--security-opt', 'seccomp=unconfined', ...allHostCapabilities()]);

  const { kubelet } = node;
  const shop = await kubelet.runPod({ name: pod.name, namespace: pod.namespace, qosClass: 'Burstable' });
  const app = await kubelet.runContainer(shop, {
    name: pod.container,
    command: ['sh', '-c', 'while :; do :; done'],
    resources: { cpuPeriod: 100_000, cpuQuota: 10_000, memoryLimitBytes: 64 * MiB },
  });
  // A hostNetwork pod on a node whose network is a namespace of its own (test/support/containerd.ts): seen
  // from this host, the pod did not get the node's network it asked for, the state PodNamespaceNotAsRequested
  // detects.
  const agentPod = await kubelet.runPod({
    name: hostNetworkPod.name,
    namespace: hostNetworkPod.namespace,
    qosClass: 'BestEffort',
    hostNetwork: true,
    hostPID: true,
  });
  const agent = await kubelet.runContainer(agentPod, { name: hostNetworkPod.container });
  ids.push(shop.sandboxId, app.id, agentPod.sandboxId, agent.id);

  exporter = await startExporter([`--docker.socket=${engine.socketPath}`, `--cri.socket=${node.socketPath}`]);
  isoscope = await startPrometheus(exporter.port, undefined, scrapeJob('isoscope', exporter.port, ids), ruleFiles());
  cadvisor = await startPrometheus(exporter.port, undefined, scrapeJob('cadvisor', exporter.port, ids));
  for (const [prometheus, job] of [
    [isoscope, 'isoscope'],
    [cadvisor, 'cadvisor'],
  ] as const) {
    const up = await eventually(prometheus, `up{job="${job}"} == 1`, (r) => r.length === 1, 30_000);
    if (up.length !== 1) throw new Error(`Prometheus does not scrape the exporter as ${job}:\n${prometheus.log()}`);
  }
  // Rates need two samples and the recording rules an evaluation over them: a few scrapes before any query.
  await eventually(isoscope, 'container:cpu_cfs_throttled_periods:ratio_rate5m', (r) => r.length > 0);
});

afterAll(async () => {
  // Every step runs even when an earlier one (or beforeAll) failed; problems are reported together.
  const problems: string[] = [];
  const attempt = async (what: string, step: (() => Promise<void>) | undefined) => {
    await step?.().catch((err: Error) => problems.push(`${what}: ${err.message}`));
  };
  await attempt('stopping the isoscope Prometheus', isoscope && (() => isoscope!.stop()));
  await attempt('stopping the cadvisor Prometheus', cadvisor && (() => cadvisor!.stop()));
  await attempt('stopping the exporter', exporter && (() => exporter!.stop()));
  await attempt('stopping the CRI node', node && (() => node!.stop()));
  await attempt('stopping the engine', engine && (() => engine!.stop()));
  if (problems.length > 0) throw new Error(problems.join('\n'));
});

const oneLine = (expr: string) => expr.replace(/\s+/g, ' ').trim();
const title = (e: ShippedExpression) => {
  const expr = oneLine(e.expr);
  return `${e.where}: ${expr.length > 140 ? `${expr.slice(0, 137)}...` : expr}`;
};

describe('every shipped expression returns data', () => {
  const dashboards = dashboardExpressions();
  const rules = ruleExpressions();

  it('finds expressions in the dashboards and the rules', () => {
    expect(dashboards.filter((e) => e.kind === 'panel').length).toBeGreaterThan(0);
    expect(rules.filter((e) => e.kind === 'alert').length).toBeGreaterThan(0);
  });

  it.each(dashboards.map((e) => [title(e), e] as const))('%s', async (_, e) => {
    const asked = substituteVariables(e.expr, RATE_INTERVAL);
    if (e.kind === 'variable') {
      // A variable must offer values: its label, non-empty, on at least one series.
      const { expr, label } = variableQuery(asked);
      const result = await eventually(isoscope!, expr, (r) => r.some((s) => !label || (s.metric[label] ?? '') !== ''));
      expect(result.filter((s) => !label || (s.metric[label] ?? '') !== '').length).toBeGreaterThan(0);
    } else {
      expect((await eventually(isoscope!, asked, (r) => r.length > 0)).length).toBeGreaterThan(0);
    }
  });

  // Alerts without their threshold (and their `for`): the series they compare, whatever their values now.
  it.each(rules.map((e) => [title(e), e] as const))('%s', async (_, e) => {
    const asked = e.kind === 'alert' ? withoutThreshold(e.expr) : e.expr;
    expect((await eventually(isoscope!, asked, (r) => r.length > 0)).length).toBeGreaterThan(0);
  });
});

const named = (name: string) => (s: Sample) => s.metric.name === name;
/** The alerts whose state the workloads are in, and the series each must be pending or firing for. */
const ALERT_STATES: Record<string, (s: Sample) => boolean> = {
  ContainerInHostNetworkNamespace: named(WORKLOADS.hostNamespaces),
  ContainerInHostPIDNamespace: named(WORKLOADS.hostNamespaces),
  ContainerInHostIPCNamespace: named(WORKLOADS.hostNamespaces),
  ContainerWithoutSeccomp: named(WORKLOADS.unconfined),
  ContainerPrivileged: named(WORKLOADS.unconfined),
  ContainerRootIsHostRoot: named(compose.services.web),
  PodNamespaceNotAsRequested: (s) => s.metric.pod === hostNetworkPod.name && s.metric.ns_type === 'net',
  ContainerCPUThrottled: named(WORKLOADS.throttled),
  ContainerMemoryNearLimit: named(WORKLOADS.nearLimit),
  ContainerOOMKilled: named(WORKLOADS.oom),
  ContainerRestarted: named(WORKLOADS.restarting),
};
/**
 * The alerts whose state these workloads are not in, and why. A healthy exporter must not raise its own
 * alerts. KubernetesContainerRestarted needs a pod's container replaced by a new one and the change seen
 * between two minute-aligned steps of its `[15m:1m]` subquery: minutes of test time for one alert, so only
 * its series are checked above.
 */
const NOT_RAISED = ['IsoscopeReadErrors', 'IsoscopeCollectorFailing', 'IsoscopeMetadataSourceDown'];
const NOT_MADE = ['KubernetesContainerRestarted'];

describe('the alerts, loaded by Prometheus, for the states the workloads are in', () => {
  const alerts = ruleExpressions().filter((e) => e.kind === 'alert');
  const alertName = (e: ShippedExpression) => e.where.split(' / ').pop()!;

  it('has a decision for every shipped alert', () => {
    const decided = [...Object.keys(ALERT_STATES), ...NOT_RAISED, ...NOT_MADE].sort();
    expect(alerts.map(alertName).sort()).toEqual(decided);
  });

  it.each(Object.entries(ALERT_STATES))('%s is pending or firing for its workload', async (alert, matches) => {
    const result = await eventually(isoscope!, `ALERTS{alertname="${alert}"}`, (r) => r.some(matches));
    expect(result.filter(matches).map((s) => s.metric.alertstate)).toEqual([
      expect.stringMatching(/^(pending|firing)$/),
    ]);
  });

  it.each(NOT_RAISED)('%s is not raised by the healthy exporter', async (alert) => {
    expect(await query(isoscope!, `ALERTS{alertname="${alert}"}`)).toEqual([]);
  });
});

describe('the query shapes of cAdvisor dashboards and alerts, scraped as job "cadvisor"', () => {
  it.each(CADVISOR_SHAPES.map((s) => [s.works ? 'works' : 'gives nothing', s.query, s] as const))(
    '%s: %s',
    async (_, expr, shape) => {
      // Asked again until the check holds (rates need samples, a restart or an OOM kill its few seconds);
      // on timeout the check's own failure is the test's.
      let failure: unknown;
      const check = async () => {
        try {
          await shape.check(await query(cadvisor!, expr), (e) => query(cadvisor!, e));
          return true;
        } catch (err) {
          failure = err;
          return undefined;
        }
      };
      await waitUntil(expr, check, { timeoutMs: 60_000, intervalMs: 1000 }).catch(() => {
        throw failure;
      });
    }
  );
});
