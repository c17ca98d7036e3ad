/**
 * The exporter as its users run it: a real Prometheus (Debian's `prometheus`, on loopback only) scrapes the
 * built CLI every second while a private Docker engine runs a few busybox containers, and the answers come
 * back through PromQL. Also lints a real scrape with `promtool check metrics`, which catches what our own
 * parser would accept but Prometheus tooling flags (e.g. a gauge named *_total).
 */
import { type ChildProcess, spawnSync } from 'node:child_process';
import { COLLECTORS, METRICS } from '@isoscope/shared';
import {
  startEngine,
  type Engine,
  startExporter,
  type ExporterProcess,
  startPrometheus,
  type Prometheus,
  waitUntil,
} from '@isoscope/test-support';

jest.setTimeout(180_000);

const M = METRICS;
const PROMTOOL = '/usr/bin/promtool';
const MiB = 1024 * 1024;

let engine: Engine | undefined;
let exporter: ExporterProcess | undefined;
let prometheus: Prometheus | undefined;
let limitedId = '';

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

/** An instant PromQL query through the HTTP API; the vector it returns. */
async function query(expr: string): Promise<Sample[]> {
  const data = await prometheus!.api<{ resultType: string; result: Sample[] }>(
    `query?query=${encodeURIComponent(expr)}`
  );
  if (data.resultType !== 'vector') throw new Error(`query ${expr} returned a ${data.resultType}`);
  return data.result;
}

/** The value of a query that yields one series; undefined when it yields none, throws on several. */
async function scalar(expr: string): Promise<number | undefined> {
  const result = await query(expr);
  if (result.length > 1) throw new Error(`${expr} returned ${result.length} series: ${JSON.stringify(result)}`);
  return result.length === 0 ? undefined : Number(result[0].value[1]);
}

/** What Prometheus says about its scrapes of our target, for failure messages. */
async function targetHealth(): Promise<string> {
  try {
    const res = await fetch(`${prometheus!.url}/api/v1/targets`);
    const body = (await res.json()) as {
      data: { activeTargets: { health: string; lastError: string; lastScrapeDuration: number }[] };
    };
    return JSON.stringify(
      body.data.activeTargets.map(({ health, lastError, lastScrapeDuration }) => ({
        health,
        lastError,
        lastScrapeDuration,
      }))
    );
  } catch (err) {
    return `(targets unavailable: ${(err as Error).message})`;
  }
}

/** SIGTERM to the pid we started, SIGKILL if it has not exited within `graceMs`; resolves once it exited. */
async function stopChild(child: ChildProcess, exited: Promise<void>, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  process.kill(child.pid, 'SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const inTime = await Promise.race([
    exited.then(() => true),
    new Promise<boolean>((r) => (timer = setTimeout(() => r(false), graceMs))),
  ]);
  clearTimeout(timer);
  if (!inTime) {
    process.kill(child.pid, 'SIGKILL');
    await exited;
  }
}

beforeAll(async () => {
  engine = await startEngine();
  limitedId = await engine.run('limited', ['--memory', '64m', '--cpus', '0.5', '--pids-limit', '40'], ['sleep', '600']);
  await engine.run('hostnet', ['--network', 'host'], ['sleep', '600']);
  await engine.run('busy', ['--cpus', '0.2'], ['sh', '-c', 'while :; do :; done']);
  exporter = await startExporter([`--docker.socket=${engine.socketPath}`]);
  prometheus = await startPrometheus(exporter.port);
  await waitUntil(
    'Prometheus to scrape the exporter (up{job="isoscope"} == 1)',
    async () => {
      if (prometheus!.exited()) throw new Error('prometheus exited (its log is below)');
      return (await scalar('up{job="isoscope"}')) === 1 ? true : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 500 }
  ).catch(async (err: Error) => {
    throw new Error(`${err.message}\ntarget: ${await targetHealth()}\n--- prometheus log ---\n${prometheus!.log()}`);
  });
});

afterAll(async () => {
  // Every step runs even when an earlier one (or beforeAll) failed; problems are reported together.
  const problems: string[] = [];
  const attempt = async (what: string, step: () => Promise<void>) => {
    await step().catch((err: Error) => problems.push(`${what}: ${err.message}`));
  };
  if (prometheus) await attempt('stopping prometheus', () => prometheus!.stop());
  if (exporter) {
    const child = exporter.child;
    const exited = new Promise<void>((r) =>
      child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', () => r())
    );
    await attempt('stopping the exporter', () => stopChild(child, exited, 10_000));
  }
  if (engine) await attempt('stopping the engine', () => engine!.stop());
  if (problems.length > 0) throw new Error(problems.join('\n'));
});

describe('a real Prometheus scraping the exporter', () => {
  it('gets an exposition that promtool check metrics accepts without a single lint problem', async () => {
    const text = await exporter!.scrape();
    const lint = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 30_000 });
    if (lint.error) throw lint.error;
    const lines = `${lint.stdout}${lint.stderr}`.split('\n').filter((l) => l.trim() !== '');
    expect({ status: lint.status, lines }).toEqual({ status: 0, lines: [] });
  });

  it('scrapes the target successfully', async () => {
    expect(await scalar('up{job="isoscope"}')).toBe(1);
  });

  it('stores the memory limit Docker set, to the byte', async () => {
    const info = await engine!.inspect(limitedId);
    expect(info.HostConfig.Memory).toBe(64 * MiB);
    expect(await scalar(`${M.specMemoryLimit.name}{name="limited"}`)).toBe(64 * MiB);
    expect(await scalar(`${M.specMemoryLimit.name}{name="limited"}`)).toBe(info.HostConfig.Memory);
  });

  it('stores the pids limit as the maximum number of threads', async () => {
    expect(await scalar(`${M.threadsMax.name}{name="limited"}`)).toBe(40);
  });

  it('tells a host-network container from one with its own network namespace', async () => {
    expect(await scalar(`${M.namespaceSharedWithHost.name}{name="hostnet",ns_type="net"}`)).toBe(1);
    expect(await scalar(`${M.namespaceSharedWithHost.name}{name="limited",ns_type="net"}`)).toBe(0);
  });

  it('sees a busy loop under --cpus 0.2 use CPU, and no more than its quota allows', async () => {
    const expr = `rate(${M.cpuUsageSeconds.name}{name="busy"}[5s])`;
    // rate() needs two samples in the window; at a 1 s scrape interval a few seconds suffice.
    const rates = await waitUntil(
      `${expr} > 0`,
      async () => {
        const result = await query(expr);
        return result.length > 0 && result.every((s) => Number(s.value[1]) > 0) ? result : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 1000 }
    );
    for (const s of rates) expect(Number(s.value[1])).toBeGreaterThan(0);
    // Seconds of CPU per second: a 0.2-CPU quota caps it near 0.2; 0.5 leaves room for extrapolation.
    expect(await scalar(`sum(${expr})`)).toBeLessThan(0.5);
  });

  it('gives a host-network container no network interface series', async () => {
    expect(await query(`count(${M.networkReceiveBytes.name}{name="hostnet"})`)).toEqual([]);
  });

  it('reports every collector successful', async () => {
    const results = await query(M.scrapeCollectorSuccess.name);
    // Every enabled collector (all by default) plus container discovery, which the exporter reports alike.
    expect(results.map((s) => s.metric.collector).sort()).toEqual([...COLLECTORS, 'discovery'].sort());
    expect(results.filter((s) => s.value[1] !== '1').map((s) => s.metric)).toEqual([]);
  });
});
