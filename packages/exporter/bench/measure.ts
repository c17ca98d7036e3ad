/**
 * Measurement: the scraper (sequential GET /metrics on one keep-alive connection, request start to last body
 * byte), CPU seconds from /proc/<pid>/stat, RSS from /proc/<pid>/status (VmRSS, the kernel's high-water mark
 * VmHWM reset through clear_refs, RssAnon/RssFile/RssShmem), percentiles, and one measured exporter run.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { onCleanup } from './cleanup';
import { sleep } from './exporterModules';
import { checkEnvironment, type Launch, startBareNode, startExporter } from './launcher';
import { tryRead } from './reads';
import type { Measurement, MemoryStatus, RssSample, Scraper, Stats, StraceResult, ThreadCpu } from './types';

export const MiB = 1024 * 1024;

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function stats(values: readonly number[]): Stats {
  const s = [...values].sort((a, b) => a - b);
  return {
    n: s.length,
    p50: percentile(s, 50),
    p95: percentile(s, 95),
    min: s[0],
    max: s[s.length - 1],
    mean: s.reduce((a, b) => a + b, 0) / s.length,
  };
}

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime and stime, in seconds, of a /proc/<pid>/stat or /proc/<pid>/task/<tid>/stat text. */
function statTimes(stat: string): { user: number; sys: number } {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14, stime field 15.
  return { user: Number(fields[11]) / CLK_TCK, sys: Number(fields[12]) / CLK_TCK };
}

/** utime+stime of a process (every thread), in seconds. */
export function cpuSeconds(pid: number): number {
  const { user, sys } = statTimes(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  return user + sys;
}

/** The thread kinds CPU is reported by: the main thread, the read-ahead thread, V8's helpers, the rest. */
export const THREAD_KINDS = ['main', 'read-ahead', 'V8 helpers', 'other'] as const;
export type ThreadKind = (typeof THREAD_KINDS)[number];

/**
 * Each thread's name in Node 26 (`comm`): node-MainThread, WorkerThread (a worker_threads Worker: the
 * exporter's only one is the read-ahead thread), node-V8Worker (V8's GC and compiler helpers), and others
 * (libuv's pool, the inspector's). The main thread is also the one whose tid is the pid, on any Node.
 */
function threadKind(pid: number, tid: number, comm: string): ThreadKind {
  if (tid === pid) return 'main';
  if (comm === 'WorkerThread') return 'read-ahead';
  if (comm.includes('V8Worker')) return 'V8 helpers';
  return 'other';
}

/** utime and stime of every thread of a process, in seconds, summed by kind. */
export function threadCpuSeconds(pid: number): ThreadCpu {
  const out = Object.fromEntries(THREAD_KINDS.map((k) => [k, { user: 0, sys: 0 }])) as ThreadCpu;
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    const stat = tryRead(`/proc/${pid}/task/${tid}/stat`);
    if (stat === undefined) continue; // the thread ended meanwhile
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const { user, sys } = statTimes(stat);
    const kind = out[threadKind(pid, Number(tid), comm)];
    kind.user += user;
    kind.sys += sys;
  }
  return out;
}

/** What each kind of thread spent between two readings, divided by `per` (the scrapes between them). */
export function threadCpuDelta(before: ThreadCpu, after: ThreadCpu, per: number): ThreadCpu {
  const out = {} as ThreadCpu;
  for (const k of THREAD_KINDS)
    out[k] = { user: (after[k].user - before[k].user) / per, sys: (after[k].sys - before[k].sys) / per };
  return out;
}

/** VmRSS, VmHWM and the RSS split of a process, in bytes. */
export function memoryStatus(pid: number): MemoryStatus {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => {
    const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
    return m ? Number(m[1]) * 1024 : NaN;
  };
  return { rss: kb('VmRSS'), hwm: kb('VmHWM'), anon: kb('RssAnon'), file: kb('RssFile'), shmem: kb('RssShmem') };
}

/** Resets a process's VmHWM to its current RSS (proc(5), clear_refs "5"); false where that is refused. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/**
 * The largest VmRSS of a measured run, in bytes: the kernel's high-water mark over the measured scrapes
 * (VmHWM, reset after the warm-up), which sees the peak inside a scrape that samples between scrapes miss.
 */
export function maxRss(m: Measurement): number {
  return Math.max(...m.rss.map((s) => s.rss), m.peakRss ?? 0);
}

export function makeScraper(url: string): Scraper {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const target = new URL('/metrics', url);
  const once = () =>
    new Promise<{ ms: number; body: Buffer }>((resolve, reject) => {
      const t0 = process.hrtime.bigint();
      const req = http.get(target, { agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const ms = Number(process.hrtime.bigint() - t0) / 1e6;
          if (res.statusCode !== 200) reject(new Error(`scrape answered ${res.statusCode}`));
          else resolve({ ms, body: Buffer.concat(chunks) });
        });
        res.on('error', reject);
      });
      req.setTimeout(60_000, () => req.destroy(new Error('scrape timed out')));
      req.on('error', reject);
    });
  return { once, close: () => agent.destroy() };
}

/** The values of one metric family in an exposition, with their label sets. */
export function metricValues(text: string, name: string): Array<{ labels: string; value: number }> {
  const out: Array<{ labels: string; value: number }> = [];
  const re = new RegExp(`^${name}(\\{[^}]*\\})? (\\S+)`, 'gm');
  for (let m = re.exec(text); m !== null; m = re.exec(text)) out.push({ labels: m[1] ?? '', value: Number(m[2]) });
  return out;
}

const sumOf = (text: string, name: string) => metricValues(text, name).reduce((a, s) => a + s.value, 0);

export interface MeasureOptions {
  launch: Launch;
  /** Exporter flags (the metadata source, --path.sysfs, read-ahead, …). */
  args: string[];
  scrapes: number;
  warmup: number;
  /** Sample VmRSS every this many scrapes (0: only after the warm-up). */
  rssEvery: number;
  /** Node flags after the shebang's (--cpu-prof, experiments). */
  nodeFlags?: string[];
  /** Runs before the warm-up: the exporter's first (cold) scrape, traced. */
  firstScrape?: (pid: number, scraper: Scraper) => Promise<StraceResult>;
  /** Runs after every `betweenEvery` measured scrapes, the last included (the interleaved floor); its time is
   * left out of the wall time. */
  between?: () => void;
  betweenEvery?: number;
}

export interface MeasuredExporter {
  pid: number;
  scraper: Scraper;
  first?: StraceResult;
  result: Measurement;
  stop(): Promise<void>;
}

/** One exporter, started fresh: first scrape (optional), warm-up, HWM reset, measured scrapes. */
export async function measureExporter(o: MeasureOptions): Promise<MeasuredExporter> {
  const exporter = await startExporter(o.launch, o.args, o.nodeFlags ?? []);
  const forget = onCleanup('exporter', () => exporter.stop());
  const pid = exporter.pid;
  const scraper = makeScraper(exporter.url);
  const stop = async () => {
    scraper.close();
    forget();
    await exporter.stop();
  };
  try {
    const wrongEnv = checkEnvironment(pid, o.launch);
    if (wrongEnv.length) throw new Error(`the exporter did not get its shebang's environment: ${wrongEnv.join(', ')}`);
    const first = o.firstScrape ? await o.firstScrape(pid, scraper) : undefined;
    let body = '';
    for (let i = 0; i < o.warmup; i++) body = (await scraper.once()).body.toString('latin1');
    const containersSeen = sumOf(body, 'isoscope_containers');
    const memWarm = memoryStatus(pid);
    const mem = (text: string) => ({
      heapUsed: metricValues(text, 'nodejs_heap_size_used_bytes')[0]?.value,
      heapTotal: metricValues(text, 'nodejs_heap_size_total_bytes')[0]?.value,
      external: metricValues(text, 'nodejs_external_memory_bytes')[0]?.value,
    });
    const rss: RssSample[] = [{ scrape: 0, rss: memWarm.rss, ...mem(body) }];
    const durations = new Map<string, number>(); // collector -> summed seconds over sampled scrapes
    let sampled = 0;
    const latencies: number[] = [];
    let bytes = 0;
    const peakReset = resetPeakRss(pid);
    const cpu0 = cpuSeconds(pid);
    const threads0 = threadCpuSeconds(pid);
    const t0 = process.hrtime.bigint();
    let pausedNs = 0n;
    for (let i = 1; i <= o.scrapes; i++) {
      const res = await scraper.once();
      latencies.push(res.ms);
      if (o.between && o.betweenEvery && (i % o.betweenEvery === 0 || i === o.scrapes)) {
        const p0 = process.hrtime.bigint();
        o.between();
        pausedNs += process.hrtime.bigint() - p0;
      }
      bytes = res.body.length;
      const sampleDurations = i % 10 === 0;
      const sampleRss = o.rssEvery > 0 && i % o.rssEvery === 0;
      if (sampleDurations || sampleRss || i === o.scrapes) {
        const text = res.body.toString('latin1');
        if (sampleDurations) {
          sampled++;
          for (const s of metricValues(text, 'isoscope_scrape_collector_duration_seconds')) {
            const c = /collector="([^"]+)"/.exec(s.labels)?.[1] ?? '?';
            durations.set(c, (durations.get(c) ?? 0) + s.value);
          }
        }
        if (sampleRss) rss.push({ scrape: i, rss: memoryStatus(pid).rss, ...mem(text) });
        body = text;
      }
    }
    const wallS = Number(process.hrtime.bigint() - t0 - pausedNs) / 1e9;
    const cpu = cpuSeconds(pid) - cpu0;
    const threadCpu = threadCpuDelta(threads0, threadCpuSeconds(pid), o.scrapes);
    const peakRss = peakReset ? memoryStatus(pid).hwm : undefined;
    return {
      pid,
      scraper,
      stop,
      first,
      result: {
        containersSeen,
        containersSeenEnd: sumOf(body, 'isoscope_containers'),
        latency: stats(latencies),
        cpuPerScrape: cpu / o.scrapes,
        threadCpu,
        cpuTotal: cpu,
        wallS,
        rssAfterWarmup: memWarm.rss,
        memWarm,
        rss,
        peakRss,
        bytes,
        readErrors: sumOf(body, 'isoscope_read_errors_total'),
        stageMs: Object.fromEntries([...durations].map(([c, s]) => [c, (s / Math.max(1, sampled)) * 1000])),
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * The breakdown's (a): bare node with the exporter's shebang env and flags, a program that only waits.
 * VmRSS after `settleMs`; VmHWM over the `windowMs` after a reset (the same reading as the exporter's).
 */
export async function measureBareNode(
  launch: Launch,
  settleMs = 2000,
  windowMs = 2000
): Promise<MemoryStatus & { settleMs: number; windowMs: number }> {
  const bare = startBareNode(launch);
  const forget = onCleanup('bare node', () => bare.stop());
  try {
    await sleep(settleMs);
    const warm = memoryStatus(bare.pid);
    const reset = resetPeakRss(bare.pid);
    await sleep(windowMs);
    const hwm = memoryStatus(bare.pid).hwm;
    return { ...warm, hwm: reset ? hwm : NaN, settleMs, windowMs };
  } finally {
    forget();
    await bare.stop();
  }
}
