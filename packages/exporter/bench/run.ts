/**
 * `npm run bench` (through bench/launch.js): the exporter's scrape cost against real containers, and the floor
 * it is compared with. This module orchestrates; each step is a module of its own:
 *
 *   options.ts      the flags (see USAGE there, or `--help`)
 *   launcher.ts     the exporter as users run it: dist/cli.js with the env and node flags of its shebang, on
 *                   the node binary of `--node` (default: the one running the bench)
 *   fleet.ts        the Docker fleet: a private engine (@isoscope/test-support) and N busybox `sleep` containers
 *   cgroupFleet.ts  the kernel-cgroup fleet for the N that do not fit as containers (above --docker-max):
 *                   the bench's own cgroups in every hierarchy, Docker's layout, limits, one sleeper each
 *   measure.ts      scraper, CPU from /proc/<pid>/stat, RSS (VmRSS, VmHWM reset after the warm-up, the
 *                   anon/file split), percentiles, one measured exporter run, the bare node
 *   floor.ts        the floor's operation lists (walked with the exporter's own functions) and floor.c
 *   strace.ts       the exporter's first and a steady-state scrape traced against the lists
 *   profile.ts      --profile: stage breakdown in-process and a --cpu-prof run's summary
 *   cri.ts          the Kubernetes phase: a containerd node with its CRI plugin
 *   load.ts         the load phase: concurrent scrapers and a /healthz probe at the long-run N
 *   report.ts       verdicts, tables, the docs/benchmarks.md results block
 *   reads.ts        /proc and cgroupfs reads that may find the file gone
 *   exporterModules.ts  every import of exporter internals and test support
 *
 * Phases: (a) bare node and (b) the idle exporter for the RSS breakdown; the Docker fleet at each N up to
 * --docker-max (50 and 200), with the long run, the read-ahead comparison and --profile at the largest; the
 * kernel-cgroup fleet at each larger N (1,000), the engine gone; the Kubernetes phase. Everything started
 * here is removed on success, on failure and on Ctrl-C. Needs root, dockerd/containerd/runc, busybox-static,
 * gcc (and strace for the list check).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSleeper, emptySysfs, LIMITS_WRITTEN, startCgroupFleet } from './cgroupFleet';
import { measureLoad, type LoadResult } from './load';
import { cleanup, cleanUpOnSignals, errorMessage, interrupted, onCleanup } from './cleanup';
import { measureRefresh, startCriFleet } from './cri';
import { EXPORTER_CLI, identifyContainerPath, REPO_ROOT, sleep } from './exporterModules';
import { startDockerFleet } from './fleet';
import { buildFloor, floorOps, InterleavedFloor, sameList, writeList } from './floor';
import { describeLaunch, type Launch, launchFor } from './launcher';
import { measureBareNode, measureExporter, metricValues } from './measure';
import { type BenchOptions, fleetOf, longRunSize, parseFlags } from './options';
import { stageBreakdown, summarizeProfile } from './profile';
import { judge, machineInfo, printReport, type Report, resultsMarkdown, writeDocs } from './report';
import { haveStrace, straceOneScrape } from './strace';
import type { Breakdown, CriResult, FleetKind, ProfileSummary, SizeResult, StageBreakdown } from './types';

const DOCS = path.join(REPO_ROOT, 'docs', 'benchmarks.md');

interface Context {
  opts: BenchOptions;
  launch: Launch;
  tmp: string;
  floorBin: string;
  strace: boolean;
  longRunN: number;
  stages?: StageBreakdown;
  profile?: ProfileSummary;
}

/** One N: the measured exporter run (strace before and after), both floors, and at the long-run N the extras. */
/** The floors run in this many blocks between the exporter's scrapes, each after this many warm-up passes. */
const FLOOR_BLOCKS = 10;
const FLOOR_BLOCK_WARMUP = 3;

async function measureSize(
  ctx: Context,
  n: number,
  fleet: FleetKind,
  metadataArgs: string[],
  own: ReadonlySet<string>,
  dockerSocket: string | undefined
): Promise<SizeResult> {
  const { opts, launch, tmp } = ctx;
  const longRun = n === ctx.longRunN;
  const scrapes = longRun
    ? Math.max(opts.scrapes, opts.rssScrapes)
    : fleet === 'docker'
      ? opts.scrapes
      : opts.cgroupScrapes;
  const args = [...metadataArgs, ...opts.exporterFlags];
  console.error(`bench: N=${n}: ${opts.warmup} warm-up + ${scrapes} scrapes…`);
  // The cold list before the exporter's first scrape (traced against it), the lists again after the measured
  // scrapes (the floor runs and the steady-state trace use these).
  const before = floorOps();
  // Both floors are timed in FLOOR_BLOCKS blocks between the exporter's scrapes, over the lists as they were
  // at the start (checked against the lists after the run below).
  const [coldFile, steadyFile, onceFile] = await Promise.all([
    writeList(path.join(tmp, `floor-${n}-cold.list`), before.ops),
    writeList(path.join(tmp, `floor-${n}-steady.list`), before.steady),
    writeList(path.join(tmp, `floor-${n}-once.list`), before.once),
  ]);
  const steadyFloor = new InterleavedFloor(ctx.floorBin, steadyFile, FLOOR_BLOCK_WARMUP, onceFile);
  const coldFloor = new InterleavedFloor(ctx.floorBin, coldFile, FLOOR_BLOCK_WARMUP);
  const betweenEvery = Math.ceil(scrapes / FLOOR_BLOCKS);
  let floorPasses = 0;
  const m = await measureExporter({
    launch,
    args,
    scrapes,
    warmup: opts.warmup,
    rssEvery: longRun ? Math.round(opts.rssScrapes / 10) : 0,
    nodeFlags: opts.nodeFlags,
    betweenEvery,
    between: () => {
      const passes = Math.min(betweenEvery, scrapes - floorPasses);
      floorPasses += passes;
      steadyFloor.block(passes);
      coldFloor.block(passes);
    },
    firstScrape: ctx.strace
      ? (pid, scraper) => {
          console.error(`bench: N=${n}: strace of the exporter's first (cold) scrape…`);
          return straceOneScrape(pid, scraper, tmp, before.ops);
        }
      : undefined,
  });
  const lists = floorOps();
  if (!sameList(before.ops, lists.ops))
    console.error(
      `bench: warning: N=${n}: the floor list changed during the run (${before.ops.length} → ${lists.ops.length} ops; another engine's containers came or went?)`
    );
  let strace: SizeResult['strace'];
  if (ctx.strace) {
    console.error(`bench: N=${n}: strace of one steady-state scrape…`);
    strace = { cold: m.first, steady: await straceOneScrape(m.pid, m.scraper, tmp, lists.steady, lists.once) };
  }
  await m.stop();
  const floor = steadyFloor.result();
  const cold = coldFloor.result();
  // Which of the listed containers are the bench's own: the rest belong to another engine on the host,
  // which the exporter scrapes too (and so the floor lists them too).
  const containers = lists.containers;
  const ownListed = containers.filter((c) => own.has(identifyContainerPath(c)?.containerId ?? '')).length;
  if (containers.length !== m.result.containersSeen || containers.length !== m.result.containersSeenEnd)
    console.error(
      `bench: warning: exporter saw ${m.result.containersSeen}…${m.result.containersSeenEnd} containers, the floor list has ${containers.length} (another engine on the host?)`
    );
  if (ownListed !== containers.length)
    console.error(
      `bench: warning: N=${n}: ${containers.length - ownListed} of the ${containers.length} containers the exporter scrapes (and the floor lists) are not the bench's; the numbers are for ${containers.length} containers, not ${n}`
    );
  const result: SizeResult = {
    n,
    fleet,
    mode: lists.mode,
    exporter: m.result,
    strace,
    floor: {
      ...floor,
      ops: lists.steady.length,
      opsPerContainer: lists.steady.length / Math.max(1, containers.length),
      containers: containers.length,
      ownContainers: ownListed,
      once: lists.once.length,
    },
    cold: { ...cold, ops: lists.ops.length, opsPerContainer: lists.ops.length / Math.max(1, containers.length) },
  };

  // The trade the read-ahead thread makes, measured on the same containers: the same long run without it.
  if (opts.compare && longRun && !opts.exporterFlags.some((f) => f.startsWith('--scrape.read-ahead'))) {
    console.error(`bench: N=${n}: the same ${scrapes} scrapes with --scrape.read-ahead=off…`);
    const off = await measureExporter({
      launch,
      args: [...args, '--scrape.read-ahead=off'],
      scrapes,
      warmup: opts.warmup,
      rssEvery: Math.round(opts.rssScrapes / 10),
      nodeFlags: opts.nodeFlags,
    });
    await off.stop();
    result.readAheadOff = off.result;
  }

  if (opts.profile && longRun) {
    console.error(`bench: N=${n}: stage breakdown in-process, 100 iterations…`);
    ctx.stages = await stageBreakdown(
      n,
      dockerSocket,
      { steady: lists.steady, once: lists.once, cold: lists.ops },
      100,
      opts.warmup
    );
    const profDir = path.join(tmp, 'prof');
    await mkdir(profDir);
    const pscrapes = 200;
    console.error(`bench: N=${n}: --cpu-prof run, ${pscrapes} scrapes…`);
    const p = await measureExporter({
      launch,
      args,
      scrapes: pscrapes,
      warmup: opts.warmup,
      rssEvery: 0,
      nodeFlags: [...opts.nodeFlags, '--cpu-prof', `--cpu-prof-dir=${profDir}`],
    });
    await p.stop();
    await sleep(500);
    const file = (await readdir(profDir)).find((f) => f.endsWith('.cpuprofile'));
    if (file) ctx.profile = { n, scrapes: pscrapes + opts.warmup, ...summarizeProfile(path.join(profDir, file)) };
    else console.error('bench: no .cpuprofile written');
  }
  return result;
}

async function criPhase(ctx: Context): Promise<CriResult> {
  const { opts, launch } = ctx;
  console.error(`bench: Kubernetes phase: a containerd node with ${opts.criPods} pods…`);
  const t0 = Date.now();
  const fleet = await startCriFleet(opts.criPods);
  const forget = onCleanup('containerd node', () => fleet.node.stop());
  console.error(
    `bench: ${fleet.containers} CRI containers running (+${((Date.now() - t0) / 1000).toFixed(0)} s); timing 50 CRI refreshes…`
  );
  const refresh = await measureRefresh(fleet, 50);
  const longScrapes = Math.max(opts.scrapes, opts.rssScrapes);
  const criArgs = [...opts.exporterFlags, '--docker.socket=', `--cri.socket=${fleet.node.socketPath}`];
  const run = async (what: string, args: string[], scrapes: number, rssEvery: number) => {
    console.error(`bench: CRI: ${opts.warmup} warm-up + ${scrapes} scrapes ${what}…`);
    return measureExporter({ launch, args, scrapes, warmup: opts.warmup, rssEvery, nodeFlags: opts.nodeFlags });
  };
  const withCri = await run('with the CRI source', criArgs, longScrapes, Math.round(opts.rssScrapes / 10));
  const named = metricValues(
    (await withCri.scraper.once()).body.toString('latin1'),
    'isoscope_metadata_source_up'
  ).find((s) => s.labels.includes('source="cri"'))?.value;
  await withCri.stop();
  if (named !== 1) throw new Error("the exporter did not reach the bench node's CRI socket");
  const without = await run(
    'without a metadata source (ids only)',
    [...opts.exporterFlags, '--docker.socket=', '--cri.socket='],
    opts.scrapes,
    0
  );
  await without.stop();
  // deploy/kubernetes limits the pod to 500m of CPU, under which --scrape.read-ahead=auto runs without the
  // thread: the exporter as the DaemonSet runs it.
  const daemonSet = await run(
    'as the DaemonSet runs it (read-ahead off)',
    [...criArgs, '--scrape.read-ahead=off'],
    opts.scrapes,
    Math.round(opts.scrapes / 10)
  );
  await daemonSet.stop();
  forget();
  await fleet.node.stop();
  return {
    pods: fleet.pods.length,
    containers: fleet.containers,
    refresh,
    withCri: withCri.result,
    without: without.result,
    daemonSet: daemonSet.result,
  };
}

async function main(): Promise<void> {
  cleanUpOnSignals();
  const argv = [...(process.env.BENCH_FLAGS ?? '').split(/\s+/).filter(Boolean), ...process.argv.slice(2)];
  const opts = parseFlags(argv, process.execPath);
  if (process.getuid?.() !== 0) throw new Error('the bench starts its own dockerd and cgroups and must run as root');
  if (opts.build) {
    console.error('bench: building the exporter (turbo, cached when unchanged)…');
    const b = spawnSync('npx', ['turbo', 'run', 'build', '--filter=@isoscope/exporter', '--output-logs=errors-only'], {
      cwd: REPO_ROOT,
      stdio: 'inherit',
    });
    if (b.status !== 0) throw new Error('build failed');
  }
  if (!existsSync(EXPORTER_CLI)) throw new Error(`${EXPORTER_CLI} missing: run npx turbo run build`);

  const tmp = await mkdtemp(path.join(os.tmpdir(), 'isoscope-bench-'));
  onCleanup('temp dir', () => rm(tmp, { recursive: true, force: true }));
  const dockerSizes = opts.sizes.filter((n) => fleetOf(opts, n) === 'docker');
  const cgroupSizes = opts.sizes.filter((n) => fleetOf(opts, n) === 'cgroups');
  const launch = launchFor(opts.node);
  const ctx: Context = {
    opts,
    launch,
    tmp,
    floorBin: buildFloor(path.join(tmp, 'floor')),
    strace: opts.strace && haveStrace(),
    longRunN: longRunSize(opts),
  };
  const sleeperBin = cgroupSizes.length ? buildSleeper(path.join(tmp, 'sleeper')) : '';
  const machine = machineInfo({
    path: opts.node,
    version: launch.version,
    command: describeLaunch(launch, opts.nodeFlags),
  });
  console.error(`bench: exporter runs as: ${machine.exporterCommand} (Node ${launch.version})`);

  const results: SizeResult[] = [];
  const costs: Report['costs'] = [];
  let cgroupFleet: Report['cgroupFleet'];
  let load: LoadResult | undefined;

  const bareNode = opts.breakdown ? await measureBareNode(launch) : undefined;
  if (bareNode) console.error(`bench: bare node: VmRSS ${(bareNode.rss / 2 ** 20).toFixed(1)} MiB`);

  const docker = dockerSizes.length
    ? (console.error('bench: starting a private Docker engine…'), await startDockerFleet())
    : undefined;
  const dockerArgs = docker ? [`--docker.socket=${docker.engine.socketPath}`] : ['--docker.socket='];

  let breakdown: Breakdown | undefined;
  if (bareNode) {
    const sysfs = emptySysfs(path.join(tmp, 'idle-sysfs'));
    console.error(
      `bench: idle exporter (no containers: --path.sysfs=${sysfs}): ${opts.warmup} warm-up + ${opts.scrapes} scrapes…`
    );
    const idle = await measureExporter({
      launch,
      args: [...dockerArgs, `--path.sysfs=${sysfs}`, ...opts.exporterFlags],
      scrapes: opts.scrapes,
      warmup: opts.warmup,
      rssEvery: 0,
      nodeFlags: opts.nodeFlags,
    });
    await idle.stop();
    if (idle.result.containersSeen !== 0)
      throw new Error(`the idle exporter found ${idle.result.containersSeen} containers`);
    breakdown = {
      bareNode,
      idle: idle.result,
      idleHow:
        "`--path.sysfs` at an empty copy of this host's cgroup mount points, the real /proc" +
        (docker ? ', the Docker socket as at N' : ', `--docker.socket=`'),
    };
  }

  if (docker) {
    for (const n of dockerSizes) {
      const cost = await docker.growTo(n, opts.concurrency);
      costs.push(cost);
      console.error(`bench: ${docker.ids.length} containers running (+${cost.startS.toFixed(0)} s)`);
      results.push(await measureSize(ctx, n, 'docker', dockerArgs, new Set(docker.ids), docker.engine.socketPath));
      if (n === ctx.longRunN && opts.loadScrapers > 0) {
        console.error(`bench: N=${n}: load, ${opts.loadScrapers} concurrent scrapers for ${opts.loadSeconds} s…`);
        load = await measureLoad(
          n,
          launch,
          [...dockerArgs, ...opts.exporterFlags],
          opts.loadScrapers,
          opts.loadSeconds,
          opts.nodeFlags
        );
      }
    }
    // The later phases must not see these containers.
    await docker.stop();
  }

  if (cgroupSizes.length) {
    console.error('bench: the kernel-cgroup fleet…');
    const fleet = await startCgroupFleet(sleeperBin);
    cgroupFleet = { limits: LIMITS_WRITTEN, failedWrites: fleet.failedWrites };
    try {
      for (const n of cgroupSizes) {
        const cost = await fleet.growTo(n);
        costs.push(cost);
        console.error(`bench: ${fleet.containers.length} kernel-cgroup containers (+${cost.startS.toFixed(0)} s)`);
        const own = new Set(fleet.containers.map((c) => c.id));
        results.push(await measureSize(ctx, n, 'cgroups', ['--docker.socket='], own, undefined));
        if (n === ctx.longRunN && opts.loadScrapers > 0 && !load) {
          console.error(`bench: N=${n}: load, ${opts.loadScrapers} concurrent scrapers for ${opts.loadSeconds} s…`);
          load = await measureLoad(
            n,
            launch,
            ['--docker.socket=', ...opts.exporterFlags],
            opts.loadScrapers,
            opts.loadSeconds,
            opts.nodeFlags
          );
        }
      }
    } finally {
      await fleet.stop();
    }
  }

  const cri = opts.cri ? await criPhase(ctx) : undefined;

  const verdicts = judge(results, opts, ctx.longRunN, breakdown, cri, load);
  const report: Report = {
    machine,
    opts,
    longRunN: ctx.longRunN,
    results,
    verdicts,
    breakdown,
    costs,
    cgroupFleet,
    profile: ctx.profile,
    stages: ctx.stages,
    cri,
    load,
  };
  printReport(report);
  if (opts.docs) {
    const docs = opts.docsFile ? path.resolve(opts.docsFile) : DOCS;
    await writeDocs(docs, resultsMarkdown(report));
    console.log(`\nwrote ${docs}`);
  }
}

main()
  .then(() => cleanup())
  .then(() => process.exit(0))
  .catch(async (err: unknown) => {
    if (!interrupted())
      process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : errorMessage(err)}\n`);
    await cleanup();
    process.exit(1);
  });
