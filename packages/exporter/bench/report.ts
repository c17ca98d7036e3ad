/**
 * The report: machine facts, verdicts against the targets, the terminal tables and lines, and the results
 * block of docs/benchmarks.md (between the bench:results markers; the rest of that file is kept).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { maxRss, MiB, percentile, THREAD_KINDS } from './measure';
import type { LoadResult } from './load';
import type { BenchOptions } from './options';
import type {
  Breakdown,
  CriResult,
  FleetCost,
  Machine,
  Measurement,
  MemoryStatus,
  ProfileSummary,
  SizeResult,
  StageBreakdown,
  StraceResult,
  Verdict,
} from './types';

export const BEGIN = '<!-- bench:results:begin (written by `npm run bench`; edit outside these markers) -->';
export const END = '<!-- bench:results:end -->';

/** 80 MB, the RSS target, and 16 MiB, what the exporter may add over the idle runtime. */
const RSS_TARGET = 80 * 1e6;
const ADDED_TARGET = 16 * MiB;

export const ms = (x: number): string => (x < 10 ? x.toFixed(2) : x.toFixed(1));
export const mib = (b: number): string => (Number.isFinite(b) ? (b / MiB).toFixed(1) : '?');
const signed = (b: number) => `${b >= 0 ? '+' : ''}${mib(b)}`;

function version(cmd: string, args: string[], pick: (out: string) => string | undefined = (o) => o.trim()): string {
  try {
    return (
      pick(
        execFileSync(cmd, args, {
          encoding: 'utf8',
          env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` },
        })
      ) ?? 'unknown'
    );
  } catch {
    return 'unknown';
  }
}

export function machineInfo(node: { path: string; version: string; command: string }): Machine {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const memKb = Number(/^MemTotal:\s+(\d+)/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0);
  return {
    containerd: version('containerd', ['--version'], (o) => o.trim().split(/\s+/)[2]),
    nproc: os.availableParallelism ? os.availableParallelism() : os.cpus().length,
    model: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown',
    memory: `${(memKb / 1024 / 1024).toFixed(1)} GiB`,
    kernel: os.release(),
    benchNode: process.version,
    node: node.version,
    nodePath: node.path,
    gcc: version('gcc', ['-dumpfullversion']),
    docker: version('dockerd', ['--version']),
    date: new Date().toISOString(),
    exporterCommand: node.command,
  };
}

const fleetLabel = (r: SizeResult) => (r.fleet === 'docker' ? 'Docker' : 'kernel cgroups');

export function judge(
  results: SizeResult[],
  opts: BenchOptions,
  longRunN: number,
  breakdown: Breakdown | undefined,
  cri: CriResult | undefined,
  load?: LoadResult
): Verdict[] {
  const lines: Verdict[] = [];
  for (const r of results) {
    const ratio = r.exporter.latency.p50 / r.floor.latency.p50;
    const coldRatio = r.exporter.latency.p50 / r.cold.latency.p50;
    lines.push({
      target: `p50 scrape ≤ 1.5× steady-state floor (N=${r.n}, ${fleetLabel(r)}${r.floor.containers !== r.n ? `, ${r.floor.containers} containers scraped` : ''})`,
      met: ratio <= 1.5,
      detail: `${ms(r.exporter.latency.p50)} ms vs steady-state floor ${ms(r.floor.latency.p50)} ms = ${ratio.toFixed(2)}× (vs the cold floor ${ms(r.cold.latency.p50)} ms: ${coldRatio.toFixed(2)}×)`,
    });
  }
  const at200 =
    results.find((r) => r.n === 200) ?? results.find((r) => r.n === longRunN) ?? results[results.length - 1];
  const e200 = at200.exporter;
  const max200 = maxRss(e200);
  lines.push({
    target: `RSS ≤ 80 MB (76.3 MiB) at N=${at200.n}`,
    met: e200.rssAfterWarmup <= RSS_TARGET && max200 <= RSS_TARGET,
    detail: `${mib(e200.rssAfterWarmup)} MiB after warm-up, peak (VmHWM) ${mib(max200)} MiB during the run`,
  });
  if (breakdown) {
    const idle = breakdown.idle;
    const warmAdded = e200.rssAfterWarmup - idle.rssAfterWarmup;
    const peakAdded = max200 - maxRss(idle);
    lines.push({
      target: `exporter adds ≤ 16 MiB over idle runtime at N=${at200.n}`,
      met: warmAdded <= ADDED_TARGET && peakAdded <= ADDED_TARGET,
      detail: `after warm-up ${mib(e200.rssAfterWarmup)} − ${mib(idle.rssAfterWarmup)} = ${signed(warmAdded)} MiB, peak ${mib(max200)} − ${mib(maxRss(idle))} = ${signed(peakAdded)} MiB (idle runtime: the exporter with the same flags and no containers; bare node ${mib(breakdown.bareNode.rss)} MiB)`,
    });
  }
  const longRun = results.find((r) => r.n === longRunN);
  const rss = longRun?.exporter.rss ?? [];
  if (longRun && rss.length > 1) {
    const first = rss[0].rss;
    const last = rss[rss.length - 1].rss;
    const tolerance = Math.max(2 * MiB, 0.05 * first);
    lines.push({
      target: `no RSS growth over ${opts.rssScrapes} scrapes (N=${longRun.n})`,
      met: last - first <= tolerance,
      detail: `first ${mib(first)}, last ${mib(last)}, max ${mib(maxRss(longRun.exporter))} MiB: ${signed(last - first)} MiB (tolerance ${mib(tolerance)} MiB)`,
    });
  }
  if (cri) {
    const e = cri.withCri;
    const max = maxRss(e);
    lines.push({
      target: `RSS ≤ 80 MB with the CRI source (${cri.containers} CRI containers, ${cri.pods} pods)`,
      met: e.rssAfterWarmup <= RSS_TARGET && max <= RSS_TARGET,
      detail: `${mib(e.rssAfterWarmup)} MiB after warm-up, max ${mib(max)} MiB over ${e.latency.n} scrapes; without a metadata source ${mib(cri.without.rssAfterWarmup)} MiB (the CRI source adds ${mib(e.rssAfterWarmup - cri.without.rssAfterWarmup)} MiB)`,
    });
    if (breakdown) {
      // The fallback target where the runtime's idle footprint makes 80 MB impossible, against the same idle
      // runtime: both run the read-ahead thread (the DaemonSet's row below does not, so it is judged on 80 MB).
      const idle = breakdown.idle;
      const warmAdded = e.rssAfterWarmup - idle.rssAfterWarmup;
      const peakAdded = max - maxRss(idle);
      lines.push({
        target: `exporter adds ≤ 16 MiB over idle runtime with the CRI source (${cri.containers} CRI containers)`,
        met: warmAdded <= ADDED_TARGET && peakAdded <= ADDED_TARGET,
        detail: `after warm-up ${mib(e.rssAfterWarmup)} − ${mib(idle.rssAfterWarmup)} = ${signed(warmAdded)} MiB, peak ${mib(max)} − ${mib(maxRss(idle))} = ${signed(peakAdded)} MiB`,
      });
    }
    const d = cri.daemonSet;
    lines.push({
      target: `RSS ≤ 80 MB as the DaemonSet runs it (CPU limit 500m: read-ahead off; ${cri.containers} CRI containers)`,
      met: d.rssAfterWarmup <= RSS_TARGET && maxRss(d) <= RSS_TARGET,
      detail: `${mib(d.rssAfterWarmup)} MiB after warm-up, max ${mib(maxRss(d))} MiB over ${d.latency.n} scrapes; p50 ${ms(d.latency.p50)} ms`,
    });
  }
  if (load) {
    const failed = Object.values(load.failures).reduce((a, b) => a + b, 0);
    lines.push({
      target: `/healthz p99 < 20 ms and no failed scrape under ${load.scrapers} concurrent scrapers (N=${load.n})`,
      met: load.healthz.p99 < 20 && failed === 0 && load.healthz.n > 0,
      detail: `/healthz p99 ${ms(load.healthz.p99)} ms (max ${ms(load.healthz.max)}, ${load.healthzOver20} of ${load.healthz.n} probes over 20 ms); ${load.scrapes} scrapes in ${load.seconds} s, ${failed} failed${failed ? ` (${loadFailures(load)})` : ''}`,
    });
  }
  return lines;
}

function loadFailures(load: LoadResult): string {
  return Object.entries(load.failures)
    .map(([what, n]) => `${n}× ${what}`)
    .join(', ');
}

interface Table {
  header: string[];
  rows: Array<Array<string | number>>;
}

export function table(results: SizeResult[]): Table {
  const header = [
    'N',
    'fleet',
    'containers seen',
    'scrapes',
    'p50 ms',
    'p95 ms',
    'steady floor p50 ms',
    'steady floor p95 ms',
    'p50/steady floor',
    'cold floor p50 ms',
    'p50/cold floor',
    'CPU ms/scrape',
    'RSS MiB (warm)',
    'RSS MiB (peak)',
    'body KiB',
  ];
  const rows = results.map((r) => {
    const seen =
      r.exporter.containersSeen === r.exporter.containersSeenEnd
        ? `${r.exporter.containersSeen}`
        : `${r.exporter.containersSeen}…${r.exporter.containersSeenEnd}`;
    const foreign = r.floor.containers - r.floor.ownContainers;
    return [
      r.n,
      r.fleet === 'docker' ? 'Docker' : 'cgroups',
      foreign > 0 ? `${seen} (${foreign} foreign)` : seen,
      r.exporter.latency.n,
      ms(r.exporter.latency.p50),
      ms(r.exporter.latency.p95),
      ms(r.floor.latency.p50),
      ms(r.floor.latency.p95),
      `${(r.exporter.latency.p50 / r.floor.latency.p50).toFixed(2)}×`,
      ms(r.cold.latency.p50),
      `${(r.exporter.latency.p50 / r.cold.latency.p50).toFixed(2)}×`,
      ms(r.exporter.cpuPerScrape * 1000),
      mib(r.exporter.rssAfterWarmup),
      mib(maxRss(r.exporter)),
      (r.exporter.bytes / 1024).toFixed(0),
    ];
  });
  return { header, rows };
}

/** The RSS breakdown: (a) bare node, (b) the idle exporter (the idle runtime), (c) the exporter at each N. */
export function breakdownTable(b: Breakdown, results: SizeResult[]): Table {
  const header = [
    'process',
    'VmRSS MiB (warm)',
    'VmHWM MiB (peak)',
    'RssAnon MiB',
    'RssFile MiB',
    'RssShmem MiB',
    'warm over (b) MiB',
    'peak over (b) MiB',
  ];
  const idleWarm = b.idle.rssAfterWarmup;
  const idlePeak = maxRss(b.idle);
  const row = (label: string, warm: MemoryStatus, peak: number, over: boolean) => [
    label,
    mib(warm.rss),
    mib(peak),
    mib(warm.anon),
    mib(warm.file),
    mib(warm.shmem),
    over ? signed(warm.rss - idleWarm) : '',
    over ? signed(peak - idlePeak) : '',
  ];
  return {
    header,
    rows: [
      row('(a) bare node, same env and flags, a program that only waits', b.bareNode, b.bareNode.hwm, true),
      row(`(b) exporter idle: no containers (${b.idleHow})`, b.idle.memWarm, idlePeak, false),
      ...results.map((r) =>
        row(`(c) exporter at N=${r.n} (${fleetLabel(r)})`, r.exporter.memWarm, maxRss(r.exporter), true)
      ),
    ],
  };
}

export function printTable({ header, rows }: Table, firstLeft = false): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells: Array<string | number>) =>
    cells
      .map((c, i) => (firstLeft && i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i])))
      .join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

function markdownTable({ header, rows }: Table, firstLeft = false): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map((_h, i) => (firstLeft && i === 0 ? '---' : '---:')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

function containersLine(r: SizeResult): string {
  const foreign = r.floor.containers - r.floor.ownContainers;
  return foreign > 0
    ? `the floor lists cover ${r.floor.containers} containers, every one the exporter scrapes: ${r.floor.ownContainers} of the bench's own and ${foreign} of another engine on the host`
    : `the floor lists cover ${r.floor.containers} containers, all the bench's own`;
}

/**
 * Where the exporter's CPU per scrape went, by thread and user/system time, beside the floor's pass (one
 * thread, nearly all of it system time): what the read-ahead thread and the main thread each spend.
 */
function threadCpuLine(r: SizeResult): string {
  const parts = THREAD_KINDS.map((k) => {
    const { user, sys } = r.exporter.threadCpu[k];
    return `${k} ${ms((user + sys) * 1000)} (user ${ms(user * 1000)}, system ${ms(sys * 1000)})`;
  });
  return (
    `Exporter CPU ms per scrape by thread (utime and stime of /proc/<pid>/task/*, whole clock ticks summed over the measured scrapes): ` +
    `${parts.join(', ')}; the steady-state floor's pass p50 ${ms(r.floor.latency.p50)} ms on one thread.`
  );
}

function straceLine(what: string, s: StraceResult | undefined): string {
  if (!s) return `${what}: not run`;
  if (s.error) return `${what}: ${s.error}`;
  const some = (list: string[] = []) =>
    `${list.length}${list.length ? ' (' + list.slice(0, 5).join(', ') + (list.length > 5 ? ', …' : '') + ')' : ''}`;
  return (
    `${what}: ${s.traced} distinct paths opened/readlinked; exporter paths missing from the list: ${some(s.missingInFloor)}; ` +
    `list paths the exporter did not touch: ${some(s.notTraced)}` +
    (s.reread ? `; once-per-process paths re-read: ${some(s.reread)}` : '') +
    `; other paths (the exporter's own process metrics): ${s.other?.join(', ') || 'none'}.`
  );
}

function fleetCostLine(c: FleetCost): string {
  const per = [
    `PSS of the ${c.fleet === 'docker' ? "engine's processes" : 'sleepers'} +${mib(c.processPssPerContainer)} MiB`,
    `host MemAvailable ${signed(-c.hostMemPerContainer)} MiB (shared machine: noisy)`,
    c.diskPerContainer !== undefined ? `disk +${mib(c.diskPerContainer)} MiB` : undefined,
  ].filter(Boolean);
  return `${c.fleet === 'docker' ? 'Docker' : 'kernel-cgroup'} fleet to N=${c.n}: started in ${c.startS.toFixed(0)} s; per container ${per.join(', ')}; ${c.note}`;
}

function cgroupLimitsLine(f: NonNullable<Report['cgroupFleet']>): string {
  const refused = [...f.failedWrites].map(([file, why]) => `${file} (${why})`);
  return (
    `kernel-cgroup fleet limits, each container: ${f.limits}; ` +
    (refused.length
      ? `refused or not applied (this sandbox's root lacks CAP_SYS_RESOURCE, which some need): ${refused.join(', ')}`
      : 'every write was taken and reads back as written')
  );
}

export interface Report {
  machine: Machine;
  opts: BenchOptions;
  longRunN: number;
  results: SizeResult[];
  verdicts: Verdict[];
  breakdown?: Breakdown;
  costs: FleetCost[];
  /** The kernel-cgroup fleet's limits, and the writes the kernel refused (file → why). */
  cgroupFleet?: { limits: string; failedWrites: Map<string, string> };
  profile?: ProfileSummary;
  stages?: StageBreakdown;
  cri?: CriResult;
  load?: LoadResult;
}

function memoryRows(m: Measurement): string[] {
  const row = (label: string, pick: (s: Measurement['rss'][number]) => number | undefined) =>
    `| ${label} | ${m.rss.map((s) => (pick(s) === undefined ? '?' : mib(pick(s) ?? NaN))).join(' | ')} |`;
  return [
    `| scrape | ${m.rss.map((s) => s.scrape).join(' | ')} |`,
    `|---|${m.rss.map(() => '---:').join('|')}|`,
    row('VmRSS', (s) => s.rss),
    row('V8 heap total', (s) => s.heapTotal),
    row('V8 heap used', (s) => s.heapUsed),
    row('external (Buffers etc.)', (s) => s.external),
  ];
}

export function resultsMarkdown(rep: Report): string {
  const { machine, opts, results, verdicts, stages, cri, profile, breakdown, load } = rep;
  const out: string[] = [];
  const flags = opts.given;
  out.push(`Run of ${machine.date} (\`${flags.length ? `BENCH_FLAGS='${flags.join(' ')}' ` : ''}npm run bench\`).`);
  out.push('');
  out.push(
    `Machine: ${machine.nproc} CPUs (${machine.model}), ${machine.memory} RAM, kernel ${machine.kernel}, exporter on Node ${machine.node} (bench process Node ${machine.benchNode}), gcc ${machine.gcc}, ${machine.docker}, cgroup mode ${results[0].mode}.`
  );
  out.push(
    `Exporter started as \`${machine.exporterCommand}\` (env and node flags parsed from dist/cli.js's shebang).`
  );
  out.push('');
  out.push(markdownTable(table(results)));
  out.push('');
  const dockerNs = results.filter((r) => r.fleet === 'docker').map((r) => r.n);
  const cgroupNs = results.filter((r) => r.fleet === 'cgroups').map((r) => r.n);
  out.push(
    `Latency over ${opts.scrapes} sequential scrapes per N on Docker (${Math.max(opts.scrapes, opts.rssScrapes)} at N=${rep.longRunN})` +
      (cgroupNs.length
        ? ` and ${opts.cgroupScrapes} on the kernel-cgroup fleet (N=${cgroupNs.join(', ')}: fewer, as each takes longer)`
        : '') +
      ` after ${opts.warmup} warm-up scrapes; each floor over the same number of passes, timed in 10 blocks between the exporter's scrapes (after every tenth of them, 3 warm-up passes each), so both are measured over the same minutes. ` +
      "The **steady-state floor** performs exactly the operations of one steady-state scrape (the per-process facts — ns links, uid_map, /proc/<pid>/stat — read once before timing, as the exporter caches them); the target ratio is against it. The **cold floor** performs the full list every pass (what a reader without a cache, or the exporter's first scrape, does). " +
      '"containers seen" is the exporter\'s own isoscope_containers; "foreign" counts containers of another engine on the host, which the exporter scrapes and the floor lists include too. ' +
      `"RSS (peak)" is VmHWM over the measured scrapes (reset after the warm-up). ` +
      (dockerNs.length
        ? `Docker fleet (N=${dockerNs.join(', ')}): real busybox containers on a private engine, the exporter with its Docker socket. `
        : '') +
      (cgroupNs.length
        ? `Kernel-cgroup fleet (N=${cgroupNs.join(', ')}): the bench's own cgroups in every hierarchy with one sleeping process each (see Method), the exporter with \`--docker.socket=\` (ids only, no names).`
        : '')
  );
  out.push('');
  out.push('| target | met? | numbers |');
  out.push('|---|---|---|');
  for (const v of verdicts) out.push(`| ${v.target} | ${v.met ? '**met**' : '**not met**'} | ${v.detail} |`);
  out.push('');
  if (breakdown) {
    out.push(
      `RSS breakdown (MiB). (a) bare \`node\` with the shebang's env and flags running a program that only waits (VmRSS after ${breakdown.bareNode.settleMs / 1000} s, VmHWM over the ${breakdown.bareNode.windowMs / 1000} s after a reset); ` +
        `(b) the **idle runtime**: the exporter with the same flags, serving, with no containers (${breakdown.idleHow}), ${breakdown.idle.latency.n} scrapes; (c) the exporter at each N as in the table above. ` +
        'Warm = after the warm-up scrapes (RssAnon/RssFile/RssShmem from the same reading); peak = VmHWM over the measured scrapes.'
    );
    out.push('');
    out.push(markdownTable(breakdownTable(breakdown, results), true));
    out.push('');
  }
  const longRun = results.find((r) => r.n === rep.longRunN);
  const off = longRun?.readAheadOff;
  if (longRun && off) {
    out.push(
      `The read-ahead thread's trade at N=${longRun.n}, same containers, same ${longRun.exporter.latency.n} scrapes (the exporter's default is \`--scrape.read-ahead=auto\`: on with ${machine.nproc} CPUs):`
    );
    out.push('');
    out.push('| read-ahead | p50 ms | p95 ms | p50/steady floor | CPU ms/scrape | RSS MiB (warm) | RSS MiB (max) |');
    out.push('|---|---:|---:|---:|---:|---:|---:|');
    for (const [label, e] of [
      [machine.nproc > 1 ? 'on (default here)' : 'default', longRun.exporter],
      ['off', off],
    ] as const) {
      out.push(
        `| ${label} | ${ms(e.latency.p50)} | ${ms(e.latency.p95)} | ${(e.latency.p50 / longRun.floor.latency.p50).toFixed(2)}× | ${ms(e.cpuPerScrape * 1000)} | ${mib(e.rssAfterWarmup)} | ${mib(maxRss(e))} |`
      );
    }
    out.push('');
  }
  if (longRun && longRun.exporter.rss.length > 1) {
    out.push(
      `Memory every ${opts.rssScrapes / 10} scrapes at N=${longRun.n} (MiB; V8 figures from the exporter's own nodejs_* metrics):`
    );
    out.push('');
    out.push(...memoryRows(longRun.exporter));
    out.push('');
  }
  for (const c of rep.costs) out.push(`${fleetCostLine(c)}.`);
  if (rep.cgroupFleet) out.push(`${cgroupLimitsLine(rep.cgroupFleet)}.`);
  if (rep.costs.length || rep.cgroupFleet) out.push('');
  for (const r of results) {
    out.push(
      `N=${r.n} (${fleetLabel(r)}): ${containersLine(r)}; steady-state floor list ${r.floor.ops} operations (${r.floor.opsPerContainer.toFixed(1)} per container) ` +
        `plus ${r.floor.once} once-per-process operations before timing (${r.floor.summary}); cold floor list ${r.cold.ops} operations ` +
        `(${r.cold.opsPerContainer.toFixed(1)} per container; ${r.cold.summary}); ` +
        `exporter CPU ${r.exporter.cpuTotal.toFixed(2)} s over ${r.exporter.latency.n} scrapes in ${r.exporter.wallS.toFixed(1)} s wall; ` +
        `read errors counted by the exporter: ${r.exporter.readErrors}.`
    );
    if (r.strace) {
      out.push(
        `  ${straceLine('strace, a steady-state scrape (after the measured ones) against the steady-state list', r.strace.steady)}`
      );
      if (r.strace.cold)
        out.push(
          `  ${straceLine("strace, the exporter's first scrape (empty cache) against the cold list", r.strace.cold)}`
        );
    }
    out.push('');
    const st = Object.entries(r.exporter.stageMs).sort((a, b) => b[1] - a[1]);
    out.push(
      `  Exporter-reported collect time per scrape (isoscope_scrape_collector_duration_seconds, mean of every 10th scrape): ` +
        st.map(([c, v]) => `${c} ${ms(v)} ms`).join(', ') +
        `; sum ${ms(st.reduce((a, [, v]) => a + v, 0))} ms of p50 ${ms(r.exporter.latency.p50)} ms.`
    );
    out.push('');
    out.push(`  ${threadCpuLine(r)}`);
    out.push('');
  }
  if (stages) {
    out.push(
      `Stage breakdown at N=${stages.n} (\`--profile\`; the exporter's Exporter/Exposition classes run in the bench process (Node ${machine.benchNode}), ${stages.iterations} iterations after ${opts.warmup} warm-up ones, so steady state; ${stages.samples} samples, ${stages.series} series, ${(stages.bytes / 1024).toFixed(0)} KiB per scrape; ${(stages.allocatedPerScrape / 1e6).toFixed(1)} MB allocated per served scrape, V8's count, without the read-ahead thread):`
    );
    out.push('');
    out.push('| stage | p50 ms | p95 ms |');
    out.push('|---|---:|---:|');
    const label: Record<string, string> = {
      collect: 'Exporter.collect() (discovery + reads + parse + samples)',
      render: 'exposition.render(samples) (own writer + prom-client process metrics)',
      total: 'total',
    };
    for (const [k, v] of Object.entries(stages.phases)) out.push(`| ${label[k] ?? k} | ${ms(v.p50)} | ${ms(v.p95)} |`);
    for (const [k, v] of Object.entries(stages.fsFloors)) out.push(`| ${k} | ${ms(v.p50)} | ${ms(v.p95)} |`);
    const atN = results.find((r) => r.n === stages.n);
    if (atN) {
      out.push(
        `| steady list via C (floor.c, steady-state floor) | ${ms(atN.floor.latency.p50)} | ${ms(atN.floor.latency.p95)} |`
      );
      out.push(`| cold list via C (floor.c, cold floor) | ${ms(atN.cold.latency.p50)} | ${ms(atN.cold.latency.p95)} |`);
    }
    out.push('');
  }
  if (load) {
    out.push(
      `Load at N=${load.n}: ${load.scrapers} sequential scrapers on connections of their own, back to back for ${load.seconds} s, and a \`/healthz\` probe every 10 ms on another (exporter flags as above plus \`--web.max-requests=${load.scrapers}\`; its default is node_exporter's 40, beyond which it answers 503 by design). ` +
        `${load.scrapes} scrapes answered (p50 ${ms(load.scrapeMs.p50)} ms, p99 ${ms(load.scrapeMs.p99)} ms each, as they share collections), failed: ${Object.keys(load.failures).length ? loadFailures(load) : 'none'}; ` +
        `\`/healthz\` p50 ${ms(load.healthz.p50)} ms, p99 ${ms(load.healthz.p99)} ms, max ${ms(load.healthz.max)} ms over ${load.healthz.n} probes (${load.healthzOver20} over 20 ms); exporter CPU ${(load.cpuPerSecond * 100).toFixed(0)} % of one core, RSS ${mib(load.rssEnd)} MiB at the end, peak ${mib(load.hwm)} MiB.`,
      ''
    );
  }
  if (cri) {
    const r = cri.refresh;
    out.push(
      `Kubernetes phase: a containerd ${machine.containerd} node with its CRI plugin, ${cri.pods} pods of one container each made as kubelet makes them ` +
        `(${cri.containers} container cgroups with the sandboxes), the Docker containers gone. One CRI refresh, timed in the bench process: the first ` +
        `(Version, ListPodSandbox, ListContainers, ${cri.pods} PodSandboxStatus, ListImages) ${ms(r.firstMs)} ms; steady ones (both lists and ListImages; ` +
        `sandbox specs kept) p50 ${ms(percentile(r.steadyMs, 50))} ms, p95 ${ms(percentile(r.steadyMs, 95))} ms over ${r.steadyMs.length}, ` +
        `${ms(r.childCpuPerRefresh * 1000)} ms of CPU each in the child process that makes the calls (Node's start, gRPC and the .proto loaded, the calls). ` +
        'The exporter refreshes when a container it does not know appears (at most every 5 s) and otherwise once a minute; scrapes in between make no call and wait for none.'
    );
    out.push('');
    out.push(
      '| exporter on the CRI node | scrapes | p50 ms | p95 ms | CPU ms/scrape | RSS MiB (warm) | RSS MiB (max) |'
    );
    out.push('|---|---:|---:|---:|---:|---:|---:|');
    for (const [label, e] of [
      ['with the CRI source', cri.withCri],
      ['no metadata source (ids only)', cri.without],
      ['with the CRI source, read-ahead off (the DaemonSet: CPU limit 500m)', cri.daemonSet],
    ] as const) {
      out.push(
        `| ${label} | ${e.latency.n} | ${ms(e.latency.p50)} | ${ms(e.latency.p95)} | ${ms(e.cpuPerScrape * 1000)} | ${mib(e.rssAfterWarmup)} | ${mib(maxRss(e))} |`
      );
    }
    out.push('');
  }
  if (profile) {
    out.push(
      `CPU profile (\`--profile\`, node --cpu-prof, N=${profile.n}, ${profile.scrapes} scrapes, ${ms(profile.totalMs)} ms sampled incl. idle):`
    );
    out.push('');
    out.push('| area | ms | ms/scrape |');
    out.push('|---|---:|---:|');
    for (const [a, v] of profile.areas) out.push(`| ${a} | ${v.toFixed(0)} | ${(v / profile.scrapes).toFixed(2)} |`);
    out.push('');
    out.push('| top self time (function, file:line) | ms/scrape |');
    out.push('|---|---:|');
    for (const [k, v] of profile.top.slice(0, 15)) out.push(`| \`${k}\` | ${(v / profile.scrapes).toFixed(2)} |`);
    out.push('');
  }
  return out.join('\n');
}

/** The terminal's summary: the tables, the verdicts and the per-N lines. */
export function printReport(rep: Report): void {
  const { opts, results, verdicts, stages, profile, cri, breakdown, load } = rep;
  console.log('');
  printTable(table(results));
  const longRun = results.find((r) => r.n === rep.longRunN);
  const off = longRun?.readAheadOff;
  if (longRun && off) {
    console.log(
      `read-ahead off at N=${longRun.n}: p50 ${ms(off.latency.p50)} ms, p95 ${ms(off.latency.p95)} ms, CPU ${ms(off.cpuPerScrape * 1000)} ms/scrape, RSS ${mib(off.rssAfterWarmup)} MiB warm, max ${mib(maxRss(off))} MiB`
    );
  }
  if (breakdown) {
    console.log('');
    printTable(breakdownTable(breakdown, results), true);
  }
  console.log('');
  for (const v of verdicts) console.log(`${v.met ? 'MET    ' : 'NOT MET'}  ${v.target}: ${v.detail}`);
  if (longRun && longRun.exporter.rss.length > 1) {
    const pick: Array<[string, (s: Measurement['rss'][number]) => number | undefined]> = [
      ['VmRSS', (s) => s.rss],
      ['V8 heap total', (s) => s.heapTotal],
      ['V8 heap used', (s) => s.heapUsed],
      ['external', (s) => s.external],
    ];
    for (const [label, f] of pick)
      console.log(
        `${label.padEnd(13)} MiB every ${opts.rssScrapes / 10} scrapes (N=${longRun.n}): ${longRun.exporter.rss.map((s) => (f(s) === undefined ? '?' : mib(f(s) ?? NaN))).join(' ')}`
      );
  }
  for (const c of rep.costs) console.log(fleetCostLine(c));
  if (rep.cgroupFleet) console.log(cgroupLimitsLine(rep.cgroupFleet));
  for (const r of results) {
    const st = Object.entries(r.exporter.stageMs).sort((a, b) => b[1] - a[1]);
    console.log(`N=${r.n} collect ms/scrape: ${st.map(([c, v]) => `${c}=${ms(v)}`).join(' ')}`);
    console.log(`N=${r.n} ${threadCpuLine(r)}`);
    console.log(
      `N=${r.n} ${containersLine(r)}; steady-state list ${r.floor.ops} ops (${r.floor.opsPerContainer.toFixed(1)}/container) + ${r.floor.once} once; cold list ${r.cold.ops} ops (${r.cold.opsPerContainer.toFixed(1)}/container)`
    );
    console.log(`  floor summaries: steady ${r.floor.summary}; cold ${r.cold.summary}`);
    if (r.strace) {
      for (const [label, s] of [
        ['steady-state scrape vs steady-state list', r.strace.steady],
        ['first (cold) scrape vs cold list', r.strace.cold],
      ] as const) {
        if (!s) continue;
        console.log(
          s.error
            ? `N=${r.n} strace (${label}): ${s.error}`
            : `N=${r.n} strace (${label}): ${s.missingInFloor?.length} exporter paths missing from the list, ${s.notTraced?.length} list paths not touched` +
                `${s.reread ? `, ${s.reread.length} once-per-process paths re-read` : ''}; other: ${s.other?.join(', ') || 'none'}`
        );
      }
    }
  }
  if (stages) {
    console.log(
      `stages (N=${stages.n}, p50 ms): ${Object.entries(stages.phases)
        .map(([k, v]) => `${k}=${ms(v.p50)}`)
        .join(
          ' '
        )}; ${stages.samples} samples, ${stages.series} series, ${(stages.allocatedPerScrape / 1e6).toFixed(1)} MB allocated per served scrape`
    );
    for (const [k, v] of Object.entries(stages.fsFloors))
      console.log(`  ${k}: p50 ${ms(v.p50)} ms, p95 ${ms(v.p95)} ms`);
  }
  if (profile) {
    console.log(
      `profile (N=${profile.n}, ms/scrape): ${profile.areas.map(([a, v]) => `${a}=${(v / profile.scrapes).toFixed(2)}`).join(', ')}`
    );
    for (const [k, v] of profile.top.slice(0, 15))
      console.log(`  ${(v / profile.scrapes).toFixed(2).padStart(7)}  ${k}`);
  }
  if (load) {
    console.log(
      `load (N=${load.n}, ${load.scrapers} scrapers, ${load.seconds} s): ${load.scrapes} scrapes (p50 ${ms(load.scrapeMs.p50)} ms), failures ${JSON.stringify(load.failures)}; /healthz p50 ${ms(load.healthz.p50)} p99 ${ms(load.healthz.p99)} max ${ms(load.healthz.max)} ms (${load.healthzOver20}/${load.healthz.n} over 20 ms); CPU ${(load.cpuPerSecond * 100).toFixed(0)} %, RSS ${mib(load.rssEnd)} / peak ${mib(load.hwm)} MiB`
    );
  }
  if (cri) {
    const r = cri.refresh;
    console.log(
      `CRI (${cri.pods} pods, ${cri.containers} containers): first refresh ${ms(r.firstMs)} ms, steady refresh p50 ${ms(percentile(r.steadyMs, 50))} ms, p95 ${ms(percentile(r.steadyMs, 95))} ms, child CPU ${ms(r.childCpuPerRefresh * 1000)} ms; ` +
        `exporter p50 ${ms(cri.withCri.latency.p50)} ms with the CRI source, ${ms(cri.without.latency.p50)} ms without; RSS ${mib(cri.withCri.rssAfterWarmup)} vs ${mib(cri.without.rssAfterWarmup)} MiB`
    );
  }
}

/** Replaces the block between the markers of `docs` (or appends a Results section with them). */
export async function writeDocs(docs: string, block: string): Promise<void> {
  await mkdir(path.dirname(docs), { recursive: true });
  let text: string;
  try {
    text = await readFile(docs, 'utf8');
  } catch {
    text = `# Benchmarks\n\n## Results\n\n${BEGIN}\n${END}\n`;
  }
  const a = text.indexOf(BEGIN);
  const b = text.indexOf(END);
  text =
    a >= 0 && b > a
      ? `${text.slice(0, a + BEGIN.length)}\n${block}\n${text.slice(b)}`
      : `${text.trimEnd()}\n\n## Results\n\n${BEGIN}\n${block}\n${END}\n`;
  await writeFile(docs, text);
}
