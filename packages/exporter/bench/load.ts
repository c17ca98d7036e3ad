/**
 * The load phase: many Prometheus servers (or a busy Grafana) scraping one exporter at once, and whether its
 * health endpoint stays fast meanwhile. `--load-scrapers` sequential scrapers, each on a keep-alive
 * connection of its own, scrape back to back for `--load-seconds` while a prober asks `/healthz` every 10 ms
 * on a connection of its own; every answer's status and time is kept. The scrapers only count the body (the
 * exporter's work is what is measured, not the bench's parsing). The prober is a process of its own: in the
 * scrapers' process its timings would be theirs, an event loop busy receiving hundreds of MB/s.
 */
import { execFile } from 'node:child_process';
import http from 'node:http';
import type { Launch } from './launcher';
import { startExporter } from './launcher';
import { cpuSeconds, memoryStatus, percentile, stats } from './measure';
import type { Stats } from './types';

export interface LoadResult {
  /** Containers the exporter scraped. */
  n: number;
  scrapers: number;
  seconds: number;
  /** The exporter flags of the run (the bench raises --web.max-requests to the scrapers). */
  args: string[];
  scrapes: number;
  /** Answers other than 200 and requests that failed, by what happened ("503", "ECONNRESET", …). */
  failures: Record<string, number>;
  scrapeMs: Stats & { p99: number };
  healthz: Stats & { p99: number };
  /** /healthz probes slower than 20 ms, and their share. */
  healthzOver20: number;
  cpuPerSecond: number;
  rssEnd: number;
  hwm: number;
}

function timedGet(agent: http.Agent, url: URL): Promise<{ ms: number; status: number }> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = http.get(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ ms: Number(process.hrtime.bigint() - t0) / 1e6, status: res.statusCode ?? 0 }));
      res.on('error', reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error('ETIMEDOUT')));
    req.on('error', reject);
  });
}

/** The prober's program: GET /healthz every 10 ms for a time, then every [status, ms] as JSON on stdout. */
const PROBER = `
const http = require('node:http');
const [url, ms] = [new URL(process.argv[1]), Number(process.argv[2])];
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const out = [];
const end = Date.now() + ms;
const once = () => new Promise((resolve) => {
  const t0 = process.hrtime.bigint();
  const req = http.get(url, { agent }, (res) => {
    res.resume();
    res.on('end', () => resolve([res.statusCode, Number(process.hrtime.bigint() - t0) / 1e6]));
  });
  req.setTimeout(30000, () => req.destroy(new Error('timeout')));
  req.on('error', (err) => resolve([err.code || err.message, Number(process.hrtime.bigint() - t0) / 1e6]));
});
(async () => {
  while (Date.now() < end) {
    const started = Date.now();
    out.push(await once());
    const wait = 10 - (Date.now() - started);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  agent.destroy();
  process.stdout.write(JSON.stringify(out));
})();
`;

function runProber(url: URL, ms: number): Promise<Array<[number | string, number]>> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['-e', PROBER, url.toString(), String(ms)],
      { maxBuffer: 64 * 1024 * 1024, timeout: ms + 60_000 },
      (err, stdout) => (err ? reject(err) : resolve(JSON.parse(stdout) as Array<[number | string, number]>))
    );
    child.on('error', reject);
  });
}

/** A fresh exporter with `args`, loaded as above; stopped before this resolves. */
export async function measureLoad(
  n: number,
  launch: Launch,
  args: string[],
  scrapers: number,
  seconds: number,
  nodeFlags: string[] = []
): Promise<LoadResult> {
  const runArgs = [...args, `--web.max-requests=${scrapers}`];
  const exporter = await startExporter(launch, runArgs, nodeFlags);
  try {
    const metrics = new URL('/metrics', exporter.url);
    const healthz = new URL('/healthz', exporter.url);
    const warm = new http.Agent({ keepAlive: true, maxSockets: 1 });
    for (let i = 0; i < 10; i++) await timedGet(warm, metrics);
    warm.destroy();

    const failures: Record<string, number> = {};
    const fail = (what: string) => (failures[what] = (failures[what] ?? 0) + 1);
    const scrapeMs: number[] = [];
    const healthMs: number[] = [];
    const end = Date.now() + seconds * 1000;
    const cpu0 = cpuSeconds(exporter.pid);
    const t0 = Date.now();

    const scraper = async () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      while (Date.now() < end) {
        try {
          const r = await timedGet(agent, metrics);
          if (r.status === 200) scrapeMs.push(r.ms);
          else fail(String(r.status));
        } catch (err) {
          fail((err as NodeJS.ErrnoException).code ?? (err as Error).message);
        }
      }
      agent.destroy();
    };
    const prober = async () => {
      const out = await runProber(healthz, seconds * 1000);
      for (const [status, ms] of out) {
        if (status === 200) healthMs.push(ms);
        else fail(`healthz ${status}`);
      }
    };
    await Promise.all([prober(), ...Array.from({ length: scrapers }, scraper)]);
    const wall = (Date.now() - t0) / 1000;
    const cpu = cpuSeconds(exporter.pid) - cpu0;
    const mem = memoryStatus(exporter.pid);
    scrapeMs.sort((a, b) => a - b);
    healthMs.sort((a, b) => a - b);
    return {
      n,
      scrapers,
      seconds,
      args: runArgs,
      scrapes: scrapeMs.length,
      failures,
      scrapeMs: { ...stats(scrapeMs), p99: percentile(scrapeMs, 99) },
      healthz: { ...stats(healthMs), p99: percentile(healthMs, 99) },
      healthzOver20: healthMs.filter((ms) => ms > 20).length,
      cpuPerSecond: cpu / wall,
      rssEnd: mem.rss,
      hwm: mem.hwm,
    };
  } finally {
    await exporter.stop();
  }
}
