/**
 * The dashboards' queries run on Prometheus' own engine (Debian's `promtool test rules`, no server), on
 * series shaped as isoscope and cAdvisor write them, with every variable at All: which containers each
 * chart draws, so a container without a limit gets no limit line and no ratio, and the machine's own
 * series none at all; and what each isolation stat counts.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { METRICS, type MetricFamily } from '@isoscope/shared';

import { DASHBOARDS } from './index';
import { withVariablesFilled } from './promql';
import * as resources from './resources';

type Json = any; // the parsed dashboard JSON

const read = (file: string): Json => JSON.parse(fs.readFileSync(file, 'utf8'));
const panelsOf = (board: Json): Json[] => (board.panels ?? []).flatMap((p: Json) => [p, ...(p.panels ?? [])]);

/** Samples every 15 s, as the compose Prometheus scrapes; queries are evaluated at 5 min. */
const INTERVAL = '15s';
const EVAL_TIME = '5m';

interface Series {
  family: MetricFamily;
  labels: Record<string, string>;
  /** promtool's expanding notation, e.g. `0+7.5x40` (a counter growing 7.5 per 15 s: 0.5 per second). */
  values: string;
}

/** What promtool says when every check holds (on failure, its output names the check and what it got). */
const PASSED = { status: 0, output: expect.stringContaining('SUCCESS') };

const counter = (perStep: number) => `0+${perStep}x40`;
const gauge = (v: number) => `${v}x40`;

/**
 * Three containers and the machine: `limited` has a CPU quota, a memory and a pids limit; `unlimited` has
 * none, as isoscope reports it (no quota series, limits 0, CFS periods that never grow); `cadvisor` has
 * none, as cAdvisor may report it (quota 0); a pod's sandbox (`container="POD"`) holds the pod's network
 * namespace; the machine (`id="/"`) has no name.
 */
function resourceSeries(): Series[] {
  const c = (name: string) => ({ instance: 'host:9820', id: `/docker/${name}`, name, image: 'busybox' });
  const machine = { instance: 'host:9820', id: '/' };
  const sandbox = { ...c('sandbox'), namespace: 'default', pod: 'web', container: 'POD' };
  const all = [c('limited'), c('unlimited'), c('cadvisor'), machine];
  const containers = all.slice(0, 3);
  return [
    { family: METRICS.cpuUsageSeconds, labels: { ...sandbox, cpu: 'total' }, values: counter(0.015) },
    { family: METRICS.memoryWorkingSet, labels: sandbox, values: gauge(1 << 20) },
    { family: METRICS.networkReceiveBytes, labels: { ...sandbox, interface: 'eth0' }, values: counter(1500) },
    { family: METRICS.networkTransmitBytes, labels: { ...sandbox, interface: 'eth0' }, values: counter(1500) },
    ...all.map((labels) => ({
      family: METRICS.cpuUsageSeconds,
      labels: { ...labels, cpu: 'total' },
      values: counter(7.5),
    })),
    ...all.map((labels) => ({ family: METRICS.memoryWorkingSet, labels, values: gauge(64 << 20) })),
    ...all.flatMap((labels) => [
      { family: METRICS.networkReceiveBytes, labels: { ...labels, interface: 'eth0' }, values: counter(1500) },
      { family: METRICS.networkTransmitBytes, labels: { ...labels, interface: 'eth0' }, values: counter(1500) },
      { family: METRICS.fsReadsBytes, labels: { ...labels, device: '/dev/sda' }, values: counter(4096) },
      { family: METRICS.fsWritesBytes, labels: { ...labels, device: '/dev/sda' }, values: counter(4096) },
    ]),
    ...containers.flatMap((labels) => [
      { family: METRICS.pressureCpuWaiting, labels, values: counter(0.15) },
      { family: METRICS.pressureMemoryWaiting, labels, values: counter(0) },
      { family: METRICS.pressureIoWaiting, labels, values: counter(1.875) },
      { family: METRICS.threads, labels, values: gauge(3) },
      { family: METRICS.specCpuPeriod, labels, values: gauge(100000) },
    ]),
    { family: METRICS.specCpuQuota, labels: c('limited'), values: gauge(50000) },
    { family: METRICS.specCpuQuota, labels: c('cadvisor'), values: gauge(0) },
    { family: METRICS.specMemoryLimit, labels: c('limited'), values: gauge(128 << 20) },
    { family: METRICS.specMemoryLimit, labels: c('unlimited'), values: gauge(0) },
    { family: METRICS.specMemoryLimit, labels: c('cadvisor'), values: gauge(0) },
    { family: METRICS.threadsMax, labels: c('limited'), values: gauge(100) },
    { family: METRICS.threadsMax, labels: c('unlimited'), values: gauge(0) },
    { family: METRICS.threadsMax, labels: c('cadvisor'), values: gauge(0) },
    { family: METRICS.cpuCfsPeriods, labels: c('limited'), values: counter(150) },
    { family: METRICS.cpuCfsThrottledPeriods, labels: c('limited'), values: counter(15) },
    { family: METRICS.cpuCfsPeriods, labels: c('unlimited'), values: gauge(0) },
    { family: METRICS.cpuCfsThrottledPeriods, labels: c('unlimited'), values: gauge(0) },
    { family: METRICS.oomEvents, labels: c('limited'), values: gauge(0) },
    { family: METRICS.oomEvents, labels: c('unlimited'), values: '0x17 1x22' },
  ];
}

/**
 * Containers with each isolation finding: `hostnet` (and its pod's sandbox, which is not counted),
 * `open` (no seccomp, privileged-like, root = host root), `throttled` (half its periods), `plain` (none).
 */
function isolationSeries(): Series[] {
  const c = (name: string, extra: Record<string, string> = {}) => ({
    instance: 'host:9820',
    id: `/kubepods/${name}`,
    name,
    ...extra,
  });
  const names = ['hostnet', 'open', 'throttled', 'plain'];
  const sandbox = c('hostnet-pause', { namespace: 'default', pod: 'p', container: 'POD' });
  const everyone = [...names.map((n) => c(n)), sandbox];
  const is = (n: string, on: string[]) => gauge(on.includes(n) ? 1 : 0);
  const nameOf = (labels: Record<string, string>) => (labels === sandbox ? 'hostnet' : labels.name);
  return [
    ...everyone.flatMap((labels) =>
      (['mnt', 'net', 'pid', 'ipc'] as const).flatMap((ns) => [
        { family: METRICS.namespaceInode, labels: { ...labels, ns_type: ns }, values: gauge(4026531840) },
        {
          family: METRICS.namespaceSharedWithHost,
          labels: { ...labels, ns_type: ns },
          values: gauge(ns === 'net' && nameOf(labels) === 'hostnet' ? 1 : 0),
        },
      ])
    ),
    ...everyone.flatMap((labels) => [
      { family: METRICS.securitySeccompMode, labels, values: gauge(nameOf(labels) === 'open' ? 0 : 2) },
      { family: METRICS.securityPrivileged, labels, values: is(nameOf(labels), ['open']) },
      { family: METRICS.securityRootMappedToHost, labels, values: is(nameOf(labels), ['open']) },
      { family: METRICS.cpuCfsPeriods, labels, values: counter(150) },
      { family: METRICS.cpuCfsThrottledPeriods, labels, values: counter(nameOf(labels) === 'throttled' ? 75 : 0) },
    ]),
  ];
}

interface Check {
  expr: string;
  /** `{name="a"}` per sample, and its value. */
  samples: Array<{ labels: string; value: number }>;
}

/** Runs the checks in one promtool unit-test file; returns promtool's exit status and output. */
function promtoolTest(series: Series[], checks: Check[]): { status: number | null; output: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isoscope-dashboards-'));
  try {
    const file = path.join(dir, 'dashboards.test.yml');
    const input = series.map((s) => ({
      series: `${s.family.name}{${Object.entries(s.labels)
        .map(([k, v]) => `${k}="${v}"`)
        .join(', ')}}`,
      values: s.values,
    }));
    const tests = [
      {
        interval: INTERVAL,
        input_series: input,
        promql_expr_test: checks.map((c) => ({ expr: c.expr, eval_time: EVAL_TIME, exp_samples: c.samples })),
      },
    ];
    fs.writeFileSync(file, JSON.stringify({ rule_files: [], evaluation_interval: INTERVAL, tests }));
    const run = spawnSync('promtool', ['test', 'rules', file], { encoding: 'utf8' });
    if (run.error) {
      throw new Error(`promtool could not be started (${run.error.message}): install Debian's prometheus package`);
    }
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Which containers a query draws: one sample `{name="…"} 1` per name. */
const drawn = (expr: string, names: string[]): Check => ({
  expr: `count by (name) (${withVariablesFilled(expr)})`,
  samples: names.map((n) => ({ labels: `{name="${n}"}`, value: 1 })),
});

describe('the resources dashboard on Prometheus (promtool test rules)', () => {
  const board = read(DASHBOARDS.resources.file);
  const target = (title: string, refId = 'A'): string => {
    const panel = panelsOf(board).find((p) => p.type !== 'row' && p.title === title);
    const t = panel?.targets.find((x: Json) => x.refId === refId);
    if (!t) {
      throw new Error(`no target ${refId} in a panel titled ${title}`);
    }
    return t.expr;
  };
  const everyone = ['cadvisor', 'limited', 'unlimited'];

  /** Every target of the dashboard, by panel title and refId, and the containers it must draw. */
  const expected: Array<[string, string, string[]]> = [
    ['CPU usage', 'A', everyone],
    ['CPU usage', 'limit', ['limited']],
    ['CPU usage against limit', 'A', ['limited']],
    ['CPU throttling', 'A', ['limited']],
    ['Memory working set', 'A', everyone],
    ['Memory working set', 'limit', ['limited']],
    ['Memory against limit', 'A', ['limited']],
    ['OOM kills', 'A', ['unlimited']],
    ['CPU pressure', 'A', everyone],
    ['Memory pressure', 'A', everyone],
    ['IO pressure', 'A', everyone],
    ['Network receive', 'A', [...everyone, 'sandbox']],
    ['Network transmit', 'A', [...everyone, 'sandbox']],
    ['Disk read', 'A', everyone],
    ['Disk write', 'A', everyone],
    ['Tasks', 'A', everyone],
    ['Tasks', 'limit', ['limited']],
  ];

  it('covers every target of the dashboard but the isolation panel (its contract is checked in dashboards.test.ts)', () => {
    const charts = panelsOf(board).filter((p) => p.title !== resources.ISOLATION_PANEL_TITLE);
    const all = charts.flatMap((p) => (p.targets ?? []).map((t: Json) => `${p.title} ${t.refId}`));
    expect(all.sort()).toEqual(expected.map(([title, refId]) => `${title} ${refId}`).sort());
  });

  it('draws limits and ratios only for containers with a limit, sandboxes only in the network charts, never the machine', () => {
    const checks = [
      ...expected.map(([title, refId, names]) => drawn(target(title, refId), names)),
      // the isolation panel's queries keep sandboxes (the panel shows them) but not the machine either
      drawn(target(resources.ISOLATION_PANEL_TITLE, 'cpuUsage'), [...everyone, 'sandbox']),
      drawn(target(resources.ISOLATION_PANEL_TITLE, 'networkRx'), [...everyone, 'sandbox']),
    ];
    expect(promtoolTest(resourceSeries(), checks)).toEqual(PASSED);
  });

  it('computes the values: the whole quota used, 10 % of periods throttled, half the memory limit, 1/8 IO pressure', () => {
    const at = (expr: string, value: number): Check => ({
      expr: withVariablesFilled(`max(${expr})`),
      samples: [{ labels: '{}', value }],
    });
    const checks = [
      at(target('CPU usage against limit'), 1), // 0.5 cores of a 0.5-core quota
      at(target('CPU usage', 'limit'), 0.5),
      at(target('CPU throttling'), 0.1),
      at(target('Memory against limit'), 0.5),
      at(target('IO pressure'), 0.125),
    ];
    expect(promtoolTest(resourceSeries(), checks)).toEqual(PASSED);
  });
});

describe('the isolation dashboard on Prometheus (promtool test rules)', () => {
  const board = read(DASHBOARDS.isolation.file);
  const stat = (title: string): string =>
    panelsOf(board).find((p) => p.type === 'stat' && p.title === title)!.targets[0].expr;
  const count = (title: string, value: number): Check => ({
    expr: withVariablesFilled(stat(title)),
    samples: [{ labels: '{}', value }],
  });

  it("counts each finding's containers, pod sandboxes left out", () => {
    const checks = [
      count('Containers', 4),
      count('Host network', 1),
      count('Host PID', 0),
      count('Host IPC', 0),
      count('No seccomp', 1),
      count('Privileged-like', 1),
      count('Root = host root', 1),
      count('Throttled', 1),
    ];
    expect(promtoolTest(isolationSeries(), checks)).toEqual(PASSED);
  });

  it('lists the containers of each finding by name', () => {
    const list = (title: string) =>
      panelsOf(board).find((p) => p.type === 'table' && p.title === title)!.targets[0].expr;
    const checks = [
      drawn(list("Containers in the host's network namespace"), ['hostnet']),
      drawn(list("Containers in the host's PID namespace"), []),
      drawn(list('Containers without seccomp'), ['open']),
      drawn(list('Throttled containers'), ['throttled']),
    ];
    expect(promtoolTest(isolationSeries(), checks)).toEqual(PASSED);
  });
});
