#!/usr/bin/env node
/**
 * `npm run bench`: the exporter's scrape cost against real containers, and the floor it is compared with.
 *
 * For each container count N (default 50 and 200) it starts N `sleep 3600` busybox containers with small
 * limits on a private Docker engine (test/live/engine.ts), starts the built CLI (dist/cli.js) on loopback
 * with that engine's socket for names, and measures from this process:
 *   - scrape latency p50/p95 (sequential GET /metrics on a keep-alive connection),
 *   - exporter CPU seconds per scrape (utime+stime of the exporter pid from /proc/<pid>/stat),
 *   - exporter VmRSS after warm-up, and (at the largest N) VmRSS every 100 scrapes over a long run;
 * then the floor: bench/floor.c, compiled here with gcc -O2, performs the same cgroupfs/procfs reads for the
 * same containers (the list is derived by walking the same paths as the exporter, with the exporter's own
 * hierarchy/path functions) once per pass, timed over the same number of passes, in two readings:
 *   - steady-state floor: exactly what one steady-state scrape does (~25 ops per container); the per-process
 *     facts the exporter caches (ns links, uid_map, /proc/<pid>/stat) are read once before timing. The
 *     target ratio (p50 ≤ 1.5× the floor) is against this one.
 *   - cold floor: the full list (~35 ops per container) every pass, what a reader without a cache does.
 * With strace present, the exporter's first scrape is traced against the cold list and a scrape after the
 * measured ones against the steady-state list (both should come out 0 missing / 0 untouched). The lists
 * cover every container the exporter finds, including another engine's on the same host (reported).
 *
 * Results go to stdout (a table) and into docs/benchmarks.md between the `bench:results` markers (the rest of
 * that file, e.g. the analysis, is kept). Everything started here (engine, containers, exporter, strace, temp
 * dirs) is removed on success, on failure and on Ctrl-C.
 *
 * Flags: --sizes=50,200  --scrapes=300 (per N)  --rss-scrapes=1000 (at the largest N)  --warmup=20
 *        --concurrency=8 (parallel `docker run`s)  --profile (also a --cpu-prof run at the largest N)
 *        --no-build  --no-docs  --no-strace  --node-flags=--a,--b (node flags for the exporter, for experiments)
 *        --exporter-flags=--a=1,--b (exporter flags for every measured run)
 *        --no-compare (skip the second run at the largest N with the read-ahead thread off)
 *        --no-cri (skip the Kubernetes phase)  --cri-pods=100 (pods of one container each in it)
 * The Kubernetes phase (bench/cri.ts) runs last, with the Docker containers gone: a containerd node with its
 * CRI plugin and --cri-pods pods (twice as many container cgroups with the sandboxes), the cost of one CRI
 * refresh, and the exporter's RSS and scrape time with the CRI source against the same exporter without it.
 * Flags can also be given as BENCH_FLAGS='--profile …' (npm swallows `npm run bench -- --profile`).
 * Needs root, dockerd/containerd/runc, busybox-static and gcc (the engine's prerequisites plus a compiler).
 */
'use strict';

const { spawn, spawnSync, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const fsp = require('node:fs/promises');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const PKG = path.resolve(__dirname, '..');
const ROOT = path.resolve(PKG, '..', '..');
const DIST = path.join(PKG, 'dist');
const DOCS = path.join(ROOT, 'docs', 'benchmarks.md');
const BEGIN = '<!-- bench:results:begin (written by `npm run bench`; edit outside these markers) -->';
const END = '<!-- bench:results:end -->';
const MiB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------------------
// Options

function parseFlags(argv) {
  const opts = {
    sizes: [50, 200],
    scrapes: 300,
    rssScrapes: 1000,
    warmup: 20,
    concurrency: 8,
    profile: false,
    build: true,
    docs: true,
    strace: true,
    nodeFlags: [],
    exporterFlags: [],
    compare: true,
    cri: true,
    criPods: 100,
  };
  for (const arg of argv) {
    const [k, v] = arg.replace(/^--/, '').split('=');
    switch (k) {
      case 'sizes':
        opts.sizes = v
          .split(',')
          .map(Number)
          .filter((n) => n > 0)
          .sort((a, b) => a - b);
        break;
      case 'scrapes':
        opts.scrapes = Number(v);
        break;
      case 'rss-scrapes':
        opts.rssScrapes = Number(v);
        break;
      case 'warmup':
        opts.warmup = Number(v);
        break;
      case 'concurrency':
        opts.concurrency = Number(v);
        break;
      case 'profile':
        opts.profile = true;
        break;
      case 'no-build':
        opts.build = false;
        break;
      case 'no-docs':
        opts.docs = false;
        break;
      case 'no-strace':
        opts.strace = false;
        break;
      case 'node-flags':
        opts.nodeFlags = arg
          .slice(arg.indexOf('=') + 1)
          .split(',')
          .filter(Boolean);
        break;
      case 'exporter-flags':
        opts.exporterFlags = arg
          .slice(arg.indexOf('=') + 1)
          .split(',')
          .filter(Boolean);
        break;
      case 'no-compare':
        opts.compare = false;
        break;
      case 'no-cri':
        opts.cri = false;
        break;
      case 'cri-pods':
        opts.criPods = Number(v);
        break;
      default:
        throw new Error(`unknown flag ${arg}`);
    }
  }
  // Fewer than 100 scrapes is for checking the bench itself (e.g. --sizes=20 --scrapes=30), not for numbers.
  if (opts.sizes.length === 0 || !(opts.scrapes >= 10) || !(opts.rssScrapes >= 10))
    throw new Error('need --sizes, --scrapes >= 10 and --rss-scrapes >= 10');
  return opts;
}

// ---------------------------------------------------------------------------------------------------------
// Cleanup: every resource registers an undo step; they run in reverse order once, on success, error or signal.

const undo = [];
let cleaningUp = null;
function onCleanup(what, fn) {
  const entry = { what, fn };
  undo.push(entry);
  return () => {
    const i = undo.indexOf(entry);
    if (i >= 0) undo.splice(i, 1);
  };
}
function cleanup() {
  cleaningUp ??= (async () => {
    while (undo.length > 0) {
      const { what, fn } = undo.pop();
      try {
        await fn();
      } catch (err) {
        process.stderr.write(`bench: cleanup of ${what} failed: ${err.message}\n`);
      }
    }
  })();
  return cleaningUp;
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    process.stderr.write(`\nbench: ${sig}, cleaning up…\n`);
    cleanup().finally(() => process.exit(130));
  });
}

// ---------------------------------------------------------------------------------------------------------
// The TypeScript test harness (engine.ts, exporterProcess.ts), loaded as is: @swc/core (a root
// devDependency, already used by jest) strips the types when Node requires a .ts file.

function registerTs() {
  const swc = require('@swc/core');
  require.extensions['.ts'] = (module, filename) => {
    const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
      filename,
      module: { type: 'commonjs' },
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      sourceMaps: false,
    });
    module._compile(code, filename);
  };
}

// ---------------------------------------------------------------------------------------------------------
// Small helpers

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}
function stats(values) {
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

/** utime+stime of a process, in seconds. */
function cpuSeconds(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14, stime field 15.
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** VmRSS of a process, in bytes. */
function rssBytes(pid) {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

/**
 * The largest VmRSS of a measured run, in bytes: the kernel's high-water mark over the measured scrapes
 * (VmHWM, reset after the warm-up), which sees the peak inside a scrape that samples between scrapes miss.
 */
function maxRss(measurement) {
  return Math.max(...measurement.rss.map((s) => s.rss), measurement.peakRss ?? 0);
}

/** VmHWM of a process, in bytes; reset it first with resetPeakRss. */
function peakRssBytes(pid) {
  const m = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

/** Resets a process's VmHWM to its current RSS (proc(5), clear_refs "5"); false where that is refused. */
function resetPeakRss(pid) {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

function machineInfo() {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown';
  const memKb = Number(/^MemTotal:\s+(\d+)/m.exec(fs.readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0);
  let gccVersion = 'unknown';
  try {
    gccVersion = execFileSync('gcc', ['-dumpfullversion'], { encoding: 'utf8' }).trim();
  } catch {
    /* reported as unknown */
  }
  let dockerVersion = 'unknown';
  try {
    dockerVersion = execFileSync('dockerd', ['--version'], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` },
    }).trim();
  } catch {
    /* reported as unknown */
  }
  let containerdVersion = 'unknown';
  try {
    containerdVersion =
      execFileSync('containerd', ['--version'], { encoding: 'utf8' }).trim().split(/\s+/)[2] ?? 'unknown';
  } catch {
    /* reported as unknown */
  }
  return {
    containerd: containerdVersion,
    nproc: os.availableParallelism ? os.availableParallelism() : os.cpus().length,
    model,
    memory: `${(memKb / 1024 / 1024).toFixed(1)} GiB`,
    kernel: os.release(),
    node: process.version,
    gcc: gccVersion,
    docker: dockerVersion,
    date: new Date().toISOString(),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Scraping: one keep-alive connection, sequential GETs, latency measured from request to last body byte.

function makeScraper(url) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const target = new URL('/metrics', url);
  const once = () =>
    new Promise((resolve, reject) => {
      const t0 = process.hrtime.bigint();
      const req = http.get(target, { agent }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
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

/** Sum of the values of one metric family in an exposition (optionally with a label filter). */
function metricValues(text, name) {
  const out = [];
  const re = new RegExp(`^${name}(\\{[^}]*\\})? (\\S+)`, 'gm');
  let m;
  while ((m = re.exec(text)) !== null) out.push({ labels: m[1] ?? '', value: Number(m[2]) });
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// The floor's operation list: the files one scrape reads, found by walking the paths the exporter walks.

function loadExporterModules() {
  return {
    hierarchy: require(path.join(DIST, 'cgroup', 'hierarchy.js')),
    discovery: require(path.join(DIST, 'cgroup', 'discovery.js')),
    paths: require(path.join(DIST, 'cgroup', 'paths.js')),
    mountinfo: require(path.join(DIST, 'readers', 'mountinfo.js')),
    shared: require('@isoscope/shared'),
  };
}

function tryRead(p) {
  try {
    return fs.readFileSync(p, 'latin1');
  } catch {
    return undefined;
  }
}
function tryReadlink(p) {
  try {
    return fs.readlinkSync(p);
  } catch {
    return undefined;
  }
}
const nsInode = (link) => (link ? Number(/\[(\d+)\]/.exec(link)?.[1]) : undefined);

/**
 * The operations of one scrape, in the exporter's order: the discovery walk (readdir of every directory it
 * descends), then per container (sorted by cgroup path) cgroup.procs and each collector's files, then the
 * cross-container reads (net/dev once per network namespace). Optional files (those the exporter tries but
 * tolerates missing) are tried the same way. Mirrors src/exporter.ts and src/collectors/*.ts for v1, hybrid
 * and v2 hosts, with every collector enabled (the CLI's default).
 *
 * Each op is [kind, path, once]. `once` marks the per-process facts the exporter reads only when it first
 * meets a process and then keeps (src/scrape/processCache.ts): the 8 ns links (Scrape.namespacesOf),
 * uid_map (security) and /proc/<pid>/stat (lifecycle's processStartTime, which network's sharer ordering
 * reuses). Two readings of the floor follow from it:
 *   - cold:   every op (what a first scrape, or any reader without a cache, does): `ops`;
 *   - steady: the ops without `once` (what every later scrape does): `steady`; the `once` ops are read by
 *             the floor a single time before timing, as the exporter's cache does.
 * The list covers every container the exporter's discovery finds under the hierarchy, the bench's own and
 * any other engine's (the exporter cannot be told to skip them, and the floor must do the same work);
 * `containers` lets the caller count which are which.
 */
function floorOps(mod) {
  const { detectHierarchy, cgroupFile, psiFile, procsFile } = mod.hierarchy;
  const { walkRoot, MAX_DEPTH } = mod.discovery;
  const { identifyContainerPath } = mod.paths;
  const { NAMESPACE_TYPES, COLLECTORS } = mod.shared;
  const h = detectHierarchy(mod.mountinfo.parseMountinfo(fs.readFileSync('/proc/self/mountinfo', 'latin1')), '/sys');
  const v1 = (c) => h.v1.has(c);
  const ops = [];
  const r = (p) => p !== null && ops.push(['r', p, false]);
  const o = (p) => p !== null && ops.push(['o', p, false]);
  const onceSeen = new Set();
  const once = (kind, p) => {
    if (onceSeen.has(p)) return; // cached after the first read, even within the first scrape
    onceSeen.add(p);
    ops.push([kind, p, true]);
  };

  // Discovery: readdir of the walk root and of every non-container directory below it.
  const root = walkRoot(h);
  const containers = [];
  const walk = (rel, depth) => {
    ops.push(['d', path.posix.join(root, rel), false]);
    let entries;
    try {
      entries = fs.readdirSync(path.posix.join(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory() || e.name.endsWith('.mount')) continue;
      const childRel = rel === '/' ? `/${e.name}` : `${rel}/${e.name}`;
      if (identifyContainerPath(childRel)) containers.push(childRel);
      else if (depth + 1 < MAX_DEPTH) walk(childRel, depth + 1);
    }
  };
  walk('/', 0);
  containers.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

  const hostNet = nsInode(tryReadlink('/proc/1/ns/net')) ?? nsInode(tryReadlink('/proc/self/ns/net'));
  const bootTime = /^btime (\d+)/m.test(fs.readFileSync('/proc/stat', 'latin1'));
  let diskstatsRead = false;
  const netOwners = new Map(); // net ns inode -> pids of the containers in it
  const pids = [];

  for (const cg of containers) {
    const file = (controller, name) => cgroupFile(h, cg, controller, name);
    const procs = procsFile(h, cg);
    r(procs);
    const pid = (tryRead(procs) ?? '')
      .split('\n')
      .map(Number)
      .find((n) => Number.isInteger(n) && n > 0);
    pids.push(pid);
    const proc = pid === undefined ? null : (name) => `/proc/${pid}/${name}`;
    for (const collector of COLLECTORS) {
      switch (collector) {
        case 'cpu':
          if (v1('cpuacct') || v1('cpu')) {
            r(file('cpuacct', 'cpuacct.usage'));
            r(file('cpuacct', 'cpuacct.stat'));
            r(file('cpu', 'cpu.stat'));
          } else r(file('cpu', 'cpu.stat'));
          break;
        case 'memory':
          if (v1('memory')) {
            for (const f of ['memory.usage_in_bytes', 'memory.stat']) r(file('memory', f));
            for (const f of ['memory.max_usage_in_bytes', 'memory.failcnt', 'memory.oom_control']) r(file('memory', f));
          } else {
            r(file('memory', 'memory.current'));
            r(file('memory', 'memory.stat'));
            o(file('memory', 'memory.swap.current'));
            o(file('memory', 'memory.peak'));
            r(file('memory', 'memory.events'));
          }
          break;
        case 'limits':
          if (v1('cpu')) for (const f of ['cpu.cfs_quota_us', 'cpu.cfs_period_us', 'cpu.shares']) r(file('cpu', f));
          else {
            o(file('cpu', 'cpu.max'));
            o(file('cpu', 'cpu.weight'));
          }
          if (v1('cpuset')) {
            const eff = file('cpuset', 'cpuset.effective_cpus');
            o(eff);
            if (eff !== null && tryRead(eff) === undefined) o(file('cpuset', 'cpuset.cpus'));
          } else o(file('cpuset', 'cpuset.cpus.effective'));
          if (v1('memory')) {
            r(file('memory', 'memory.limit_in_bytes'));
            o(file('memory', 'memory.memsw.limit_in_bytes'));
            r(file('memory', 'memory.soft_limit_in_bytes'));
          } else {
            r(file('memory', 'memory.max'));
            o(file('memory', 'memory.swap.max'));
            r(file('memory', 'memory.min'));
          }
          break;
        case 'tasks':
          r(file('pids', 'pids.current'));
          r(file('pids', 'pids.max'));
          break;
        case 'io': {
          let devices = false;
          if (v1('blkio')) {
            for (const f of ['blkio.throttle.io_service_bytes_recursive', 'blkio.throttle.io_serviced_recursive']) {
              const p = file('blkio', f);
              r(p);
              if (p !== null && /^\d+:\d+ /m.test(tryRead(p) ?? '')) devices = true;
            }
          } else {
            const p = file('io', 'io.stat');
            o(p);
            if (p !== null && /^\d+:\d+ /m.test(tryRead(p) ?? '')) devices = true;
          }
          if (devices && !diskstatsRead) {
            o('/proc/diskstats');
            diskstatsRead = true;
          }
          break;
        }
        case 'pressure':
          for (const f of ['cpu.pressure', 'memory.pressure', 'io.pressure']) o(psiFile(h, cg, f));
          break;
        case 'lifecycle':
          // The Docker list API carries no start time, so the exporter reads the init's /proc/<pid>/stat,
          // once per process (processStartTime caches it).
          if (proc && bootTime) once('r', proc('stat'));
          break;
        case 'namespaces':
          if (proc) {
            // Read once per process (Scrape.namespacesOf caches a complete reading).
            for (const type of NAMESPACE_TYPES) once(type === 'time' ? 'L' : 'l', proc(`ns/${type}`));
            const net = nsInode(tryReadlink(proc('ns/net')));
            if (net !== undefined && net !== hostNet) netOwners.set(net, [...(netOwners.get(net) ?? []), pid]);
          }
          break;
        case 'security':
          // status every scrape (capabilities, seccomp can change); uid_map once per process.
          if (proc) {
            r(proc('status'));
            once('r', proc('uid_map'));
          }
          break;
        case 'network':
          break; // all in finish, below
        default:
          throw new Error(`bench/run.js does not know collector ${collector}: update floorOps`);
      }
    }
  }
  // network's finish: one net/dev per network namespace; sharers' start times are compared first (through
  // processStartTime's cache, so already read above when lifecycle ran).
  for (const sharers of netOwners.values()) {
    if (sharers.length > 1 && bootTime) for (const p of sharers) once('r', `/proc/${p}/stat`);
    r(`/proc/${sharers[0]}/net/dev`);
  }
  return { ops, steady: ops.filter((op) => !op[2]), once: ops.filter((op) => op[2]), containers, pids, mode: h.mode };
}

// ---------------------------------------------------------------------------------------------------------
// strace check: the files one exporter scrape really touches, against a floor list. Used twice per N: the
// exporter's first scrape against the cold list, and a scrape after the measured ones against the steady list
// (`cached` then names the once-per-process paths, which a steady-state scrape must not touch).

async function straceOneScrape(pid, scraper, tmp, ops, cached = []) {
  const out = path.join(tmp, `strace-${pid}-${Date.now()}.txt`);
  const child = spawn(
    'strace',
    ['-f', '-qq', '-e', 'trace=openat,open,readlink,readlinkat', '-o', out, '-p', String(pid)],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    }
  );
  const forget = onCleanup('strace', () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  await sleep(1500); // attach to every thread
  if (child.exitCode !== null) {
    forget();
    return { error: `strace exited: ${err.trim()}` };
  }
  await scraper.once();
  await sleep(200);
  child.kill('SIGINT');
  await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
  forget();
  const traced = new Map(); // path -> kind
  for (const line of fs.readFileSync(out, 'utf8').split('\n')) {
    let m = /(?:openat\(AT_FDCWD, |open\()"([^"]+)", ([A-Z_|]+)/.exec(line);
    if (m) {
      traced.set(m[1], m[2].includes('O_DIRECTORY') ? 'd' : 'r');
      continue;
    }
    m = /readlink(?:at\(AT_FDCWD, |\()"([^"]+)"/.exec(line);
    if (m) traced.set(m[1], 'l');
  }
  const listed = new Set(ops.map(([, p]) => p));
  const containerPath = (p) => p.startsWith('/sys/fs/cgroup') || /^\/proc\/\d+\//.test(p) || p === '/proc/diskstats';
  // A container started by someone else between deriving the list and this scrape shows up here too.
  const missingInFloor = [...traced.keys()].filter((p) => containerPath(p) && !listed.has(p));
  const notTraced = [...listed].filter((p) => !traced.has(p));
  const other = [...traced.keys()].filter((p) => !containerPath(p));
  const reread = cached.length ? cached.map(([, p]) => p).filter((p) => traced.has(p)) : undefined;
  return { traced: traced.size, listed: listed.size, missingInFloor, notTraced, other, reread };
}

// ---------------------------------------------------------------------------------------------------------
// One measurement at N containers.

/**
 * The exporter with extra node flags (--cpu-prof is not allowed in NODE_OPTIONS, so test/support's
 * startExporter cannot pass it): same command line and readiness check, same shape of result.
 */
function startExporterWithNodeFlags(nodeFlags, args, timeoutMs) {
  const child = spawn(
    process.execPath,
    [...nodeFlags, path.join(DIST, 'cli.js'), '--web.listen-address=127.0.0.1:0', ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    }
  );
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`exporter did not listen in time\n${output}`));
    }, timeoutMs);
    const onExit = (code) => {
      clearTimeout(timer);
      clearInterval(poll);
      reject(new Error(`exporter exited with ${code}\n${output}`));
    };
    child.once('exit', onExit);
    const poll = setInterval(() => {
      const m = /msg=listening address=127\.0\.0\.1:(\d+)/.exec(output);
      if (!m) return;
      clearInterval(poll);
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve({
        child,
        url: `http://127.0.0.1:${m[1]}`,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    }, 20);
  });
}

/** `firstScrape(pid, scraper)`, if given, runs before the warm-up: it does the exporter's first (cold) scrape. */
async function measureExporter({
  startExporter,
  engine,
  scrapes,
  warmup,
  rssEvery,
  extraArgs = [],
  nodeFlags,
  firstScrape,
}) {
  const args = [`--docker.socket=${engine.socketPath}`, ...extraArgs];
  const exporter = nodeFlags
    ? await startExporterWithNodeFlags(nodeFlags, args, 30_000)
    : await startExporter(args, 30_000);
  const stopExporter = async () => {
    const exited = new Promise((r) => (exporter.child.exitCode !== null ? r() : exporter.child.once('exit', r)));
    await exporter.stop();
    await Promise.race([exited, sleep(10_000)]);
    if (exporter.child.exitCode === null && exporter.child.signalCode === null) exporter.child.kill('SIGKILL');
  };
  const forget = onCleanup('exporter', stopExporter);
  const pid = exporter.child.pid;
  const scraper = makeScraper(exporter.url);
  try {
    const first = firstScrape ? await firstScrape(pid, scraper) : undefined;
    let body = '';
    for (let i = 0; i < warmup; i++) body = (await scraper.once()).body.toString('latin1');
    const containersSeen = metricValues(body, 'isoscope_containers').reduce((a, s) => a + s.value, 0);
    const rssAfterWarmup = rssBytes(pid);
    const mem = (text) => ({
      heapUsed: metricValues(text, 'nodejs_heap_size_used_bytes')[0]?.value,
      heapTotal: metricValues(text, 'nodejs_heap_size_total_bytes')[0]?.value,
      external: metricValues(text, 'nodejs_external_memory_bytes')[0]?.value,
    });
    const rss = [{ scrape: 0, rss: rssAfterWarmup, ...mem(body) }];
    const durations = new Map(); // collector -> summed seconds over sampled scrapes
    let sampled = 0;
    const latencies = [];
    let bytes = 0;
    const peakReset = resetPeakRss(pid);
    const cpu0 = cpuSeconds(pid);
    const t0 = process.hrtime.bigint();
    for (let i = 1; i <= scrapes; i++) {
      const res = await scraper.once();
      latencies.push(res.ms);
      bytes = res.body.length;
      const sampleDurations = i % 10 === 0;
      const sampleRss = rssEvery && i % rssEvery === 0;
      if (sampleDurations || sampleRss) {
        const text = res.body.toString('latin1');
        if (sampleDurations) {
          sampled++;
          for (const s of metricValues(text, 'isoscope_scrape_collector_duration_seconds')) {
            const c = /collector="([^"]+)"/.exec(s.labels)[1];
            durations.set(c, (durations.get(c) ?? 0) + s.value);
          }
        }
        if (sampleRss) rss.push({ scrape: i, rss: rssBytes(pid), ...mem(text) });
        body = text;
      }
    }
    const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = cpuSeconds(pid) - cpu0;
    const peakRss = peakReset ? peakRssBytes(pid) : undefined;
    const readErrors = metricValues(body, 'isoscope_read_errors_total').reduce((a, s) => a + s.value, 0);
    const containersSeenEnd = metricValues(body, 'isoscope_containers').reduce((a, s) => a + s.value, 0);
    return {
      pid,
      scraper,
      stop: async () => {
        scraper.close();
        forget();
        await stopExporter();
      },
      first,
      result: {
        containersSeen,
        containersSeenEnd,
        latency: stats(latencies),
        cpuPerScrape: cpu / scrapes,
        cpuTotal: cpu,
        wallS,
        rssAfterWarmup,
        rss,
        peakRss,
        bytes,
        readErrors,
        stageMs: Object.fromEntries([...durations].map(([c, s]) => [c, (s / sampled) * 1000])),
      },
    };
  } catch (err) {
    scraper.close();
    forget();
    await stopExporter();
    throw err;
  }
}

/** The floor over `listFile`; with `onceFile`, that list is performed once before the warm-up, untimed. */
function runFloor(floorBin, listFile, passes, warmup, onceFile) {
  const args = [listFile, String(passes), String(warmup), ...(onceFile ? [onceFile] : [])];
  const res = spawnSync(floorBin, args, { encoding: 'utf8', maxBuffer: 64 * MiB });
  if (res.status !== 0) throw new Error(`floor failed (${res.status}): ${res.stderr}`);
  const ns = res.stdout.trim().split('\n').map(Number);
  const summary = res.stderr.trim();
  const unexpected = Number(/unexpected_errors=(\d+)/.exec(summary)?.[1] ?? 0);
  return { latency: stats(ns.map((n) => n / 1e6)), summary, unexpected };
}

// ---------------------------------------------------------------------------------------------------------
// Stage breakdown (--profile): the exporter's own classes in this process, timed per phase (Exporter.collect,
// then Exposition.render of its samples, as Exporter.scrape does), and the floor lists read through Node's fs,
// to separate "Node's fs layer" from "the exporter's work".

async function stageBreakdown(mod, engine, lists, iterations, warmup) {
  const { loadEnvironment } = require(path.join(DIST, 'app.js'));
  const { Exporter } = require(path.join(DIST, 'exporter.js'));
  const { Exposition } = require(path.join(DIST, 'exposition.js'));
  const { DockerMetadataSource } = require(path.join(DIST, 'runtime', 'docker.js'));
  const { readPseudoFile } = require(path.join(DIST, 'scrape', 'files.js'));
  const { silentLogger } = require(path.join(DIST, 'log.js'));
  const collectors = new Set(mod.shared.COLLECTORS);
  const env = loadEnvironment({ procfs: '/proc', sysfs: '/sys', namespaceReference: 'auto' }, silentLogger);
  const exposition = new Exposition(collectors);
  const metadata = new DockerMetadataSource({ socketPath: engine.socketPath });
  const exporter = new Exporter({ env, collectors, exposition, metadata });
  const now = () => process.hrtime.bigint();
  const msSince = (t) => Number(now() - t) / 1e6;
  const phases = { collect: [], render: [], total: [] };
  let samples = 0;
  let series = 0;
  let bytes = 0;
  // The first iteration is the cold scrape (empty process cache); the warm-up absorbs it, as in the CLI runs.
  for (let i = 0; i < warmup + iterations; i++) {
    const t0 = now();
    const s = await exporter.collect();
    const t1 = now();
    const rendered = await exposition.render(s); // a string, or (since the exposition writes bytes) a Buffer
    if (i < warmup) continue;
    phases.collect.push(Number(t1 - t0) / 1e6);
    phases.render.push(msSince(t1));
    phases.total.push(msSince(t0));
    samples = s.length;
    const text = typeof rendered === 'string' ? rendered : rendered.toString('utf8'); // untimed
    series = text.split('\n').filter((l) => l && !l.startsWith('#')).length;
    bytes = Buffer.byteLength(text);
  }
  // The floor lists through Node: readFileSync/readlinkSync/readdirSync (how the exporter read before), and
  // readPseudoFile (how it reads now: open, one read into a reused buffer, close).
  const variant =
    (readFile) =>
    ([k, p]) => {
      try {
        if (k === 'r' || k === 'o') readFile(p);
        else if (k === 'l' || k === 'L') fs.readlinkSync(p);
        else fs.readdirSync(p, { withFileTypes: true });
      } catch {
        /* optional */
      }
    };
  const viaReadFileSync = variant((p) => fs.readFileSync(p, 'latin1'));
  const viaPseudo = variant(readPseudoFile);
  const runs = {
    'steady list via node readFileSync (the reads of the exporter before the change)': [lists.steady, viaReadFileSync],
    "steady list via the exporter's readPseudoFile": [lists.steady, viaPseudo],
    "cold list via the exporter's readPseudoFile": [lists.cold, viaPseudo],
  };
  for (const op of lists.once) viaPseudo(op); // as the C steady floor: the once-list read once, untimed
  const fsFloors = {};
  for (const [name, [list, op]] of Object.entries(runs)) {
    const times = [];
    for (let i = 0; i < warmup + iterations; i++) {
      const t0 = now();
      for (const o of list) op(o);
      if (i >= warmup) times.push(msSince(t0));
    }
    fsFloors[name] = stats(times);
  }
  return {
    iterations,
    samples,
    series,
    bytes,
    phases: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, stats(v)])),
    fsFloors,
  };
}

// ---------------------------------------------------------------------------------------------------------
// CPU profile (--profile): self time by function and by area, from a .cpuprofile.

function summarizeProfile(file) {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dt = prof.timeDeltas;
  for (let i = 0; i < prof.samples.length; i++)
    self.set(prof.samples[i], (self.get(prof.samples[i]) ?? 0) + (dt[i] ?? 0));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fnTotals = new Map();
  const areaTotals = new Map();
  const area = (url, name) => {
    if (name === '(idle)') return 'idle';
    if (name === '(garbage collector)') return 'GC';
    if (name === '(program)') return 'V8/native (program)';
    if (url.includes('/prom-client/')) return 'prom-client (process metrics only)';
    if (url.includes('/dist/exposition.js')) return 'exposition (JS)';
    if (
      url.includes('/dist/scrape/') ||
      url.includes('/dist/collectors/') ||
      url.includes('/dist/readers/') ||
      url.includes('/dist/procfs/')
    ) {
      return 'collectors + parsers (JS)';
    }
    if (url.includes('/dist/cgroup/')) return 'discovery (JS)';
    if (url.includes('/dist/')) return 'exporter other (JS)';
    if (url.startsWith('node:') || url === '')
      return name.startsWith('read') || name.startsWith('open') || name === 'close'
        ? 'fs syscalls (node:fs bindings)'
        : `node internals`;
    return 'other';
  };
  for (const [id, us] of self) {
    const n = byId.get(id);
    const { functionName, url, lineNumber } = n.callFrame;
    const key = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${lineNumber + 1}`;
    fnTotals.set(key, (fnTotals.get(key) ?? 0) + us);
    const a = area(url, functionName);
    areaTotals.set(a, (areaTotals.get(a) ?? 0) + us);
  }
  const top = [...fnTotals].sort((a, b) => b[1] - a[1]).slice(0, 25);
  const areas = [...areaTotals].sort((a, b) => b[1] - a[1]);
  return {
    totalMs: total / 1000,
    top: top.map(([k, us]) => [k, us / 1000]),
    areas: areas.map(([k, us]) => [k, us / 1000]),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Reporting

const ms = (x) => (x < 10 ? x.toFixed(2) : x.toFixed(1));
const mib = (b) => (b / MiB).toFixed(1);

function judge(results, opts, cri) {
  const largest = results[results.length - 1];
  const at200 = results.find((r) => r.n === 200) ?? largest;
  const lines = [];
  for (const r of results) {
    const ratio = r.exporter.latency.p50 / r.floor.latency.p50;
    const coldRatio = r.exporter.latency.p50 / r.cold.latency.p50;
    lines.push({
      target: `p50 scrape ≤ 1.5× steady-state floor (N=${r.n}${r.floor.containers !== r.n ? `, ${r.floor.containers} containers scraped` : ''})`,
      met: ratio <= 1.5,
      detail: `${ms(r.exporter.latency.p50)} ms vs steady-state floor ${ms(r.floor.latency.p50)} ms = ${ratio.toFixed(2)}× (vs the cold floor ${ms(r.cold.latency.p50)} ms: ${coldRatio.toFixed(2)}×)`,
    });
  }
  const at200Max = maxRss(at200.exporter);
  lines.push({
    target: `RSS ≤ 80 MB at N=${at200.n}`,
    met: at200.exporter.rssAfterWarmup <= 80 * 1e6 && at200Max <= 80 * 1e6,
    detail: `${mib(at200.exporter.rssAfterWarmup)} MiB after warm-up, max ${mib(at200Max)} MiB during the run (80 MB = 76.3 MiB)`,
  });
  const rss = largest.exporter.rss;
  if (rss.length > 1) {
    const first = rss[0].rss;
    const last = rss[rss.length - 1].rss;
    const max = maxRss(largest.exporter);
    const tolerance = Math.max(2 * MiB, 0.05 * first);
    lines.push({
      target: `no RSS growth over ${opts.rssScrapes} scrapes (N=${largest.n})`,
      met: last - first <= tolerance,
      detail: `first ${mib(first)}, last ${mib(last)}, max ${mib(max)} MiB: ${last - first >= 0 ? '+' : ''}${mib(last - first)} MiB (tolerance ${mib(tolerance)} MiB)`,
    });
  }
  if (cri) {
    const e = cri.withCri;
    const max = maxRss(e);
    lines.push({
      target: `RSS ≤ 80 MB with the CRI source (${cri.containers} CRI containers, ${cri.pods} pods)`,
      met: e.rssAfterWarmup <= 80 * 1e6 && max <= 80 * 1e6,
      detail: `${mib(e.rssAfterWarmup)} MiB after warm-up, max ${mib(max)} MiB over ${e.latency.n} scrapes; without a metadata source ${mib(cri.without.rssAfterWarmup)} MiB (the CRI source adds ${mib(e.rssAfterWarmup - cri.without.rssAfterWarmup)} MiB)`,
    });
    const d = cri.daemonSet;
    lines.push({
      target: `RSS ≤ 80 MB as the DaemonSet runs it (CPU limit 500m: read-ahead off; ${cri.containers} CRI containers)`,
      met: d.rssAfterWarmup <= 80 * 1e6 && maxRss(d) <= 80 * 1e6,
      detail: `${mib(d.rssAfterWarmup)} MiB after warm-up, max ${mib(maxRss(d))} MiB over ${d.latency.n} scrapes; p50 ${ms(d.latency.p50)} ms`,
    });
  }
  return lines;
}

function table(results) {
  const header = [
    'N',
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
      (r.exporter.bytes / 1024).toFixed(0),
    ];
  });
  return { header, rows };
}

function printTable({ header, rows }) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padStart(widths[i])).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

function markdownTable({ header, rows }) {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---:').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

function containersLine(r) {
  const foreign = r.floor.containers - r.floor.ownContainers;
  return foreign > 0
    ? `the floor lists cover ${r.floor.containers} containers, every one the exporter scrapes: ${r.floor.ownContainers} of the bench's own and ${foreign} of another engine on the host`
    : `the floor lists cover ${r.floor.containers} containers, all the bench's own`;
}

function straceLine(what, s) {
  if (!s) return `${what}: not run`;
  if (s.error) return `${what}: ${s.error}`;
  const some = (list) =>
    `${list.length}${list.length ? ' (' + list.slice(0, 5).join(', ') + (list.length > 5 ? ', …' : '') + ')' : ''}`;
  return (
    `${what}: ${s.traced} distinct paths opened/readlinked; exporter paths missing from the list: ${some(s.missingInFloor)}; ` +
    `list paths the exporter did not touch: ${some(s.notTraced)}` +
    (s.reread ? `; once-per-process paths re-read: ${some(s.reread)}` : '') +
    `; other paths (the exporter's own process metrics): ${s.other.join(', ') || 'none'}.`
  );
}

function resultsMarkdown(machine, opts, results, verdicts, profile, stages, cri) {
  const out = [];
  const flags = [...(process.env.BENCH_FLAGS ?? '').split(/\s+/).filter(Boolean), ...process.argv.slice(2)];
  out.push(`Run of ${machine.date} (\`${flags.length ? `BENCH_FLAGS='${flags.join(' ')}' ` : ''}npm run bench\`).`);
  out.push('');
  out.push(
    `Machine: ${machine.nproc} CPUs (${machine.model}), ${machine.memory} RAM, kernel ${machine.kernel}, Node ${machine.node}, gcc ${machine.gcc}, ${machine.docker}, cgroup mode ${results[0].mode}.`
  );
  out.push('');
  out.push(markdownTable(table(results)));
  out.push('');
  out.push(
    `Latency over ${opts.scrapes} sequential scrapes per N (${Math.max(opts.scrapes, opts.rssScrapes)} at N=${results[results.length - 1].n}) after ${opts.warmup} warm-up scrapes; each floor over the same number of passes after ${opts.warmup} warm-up passes. ` +
      "The **steady-state floor** performs exactly the operations of one steady-state scrape (the per-process facts — ns links, uid_map, /proc/<pid>/stat — read once before timing, as the exporter caches them); the target ratio is against it. The **cold floor** performs the full list every pass (what a reader without a cache, or the exporter's first scrape, does). " +
      '"containers seen" is the exporter\'s own isoscope_containers; "foreign" counts containers of another engine on the host, which the exporter scrapes and the floor lists include too.'
  );
  out.push('');
  out.push('| target | met? | numbers |');
  out.push('|---|---|---|');
  for (const v of verdicts) out.push(`| ${v.target} | ${v.met ? '**met**' : '**not met**'} | ${v.detail} |`);
  out.push('');
  const largest = results[results.length - 1];
  const off = largest.readAheadOff;
  if (off) {
    out.push(
      `The read-ahead thread's trade at N=${largest.n}, same containers, same ${largest.exporter.latency.n} scrapes (the exporter's default is \`--scrape.read-ahead=auto\`: on with ${machine.nproc} CPUs):`
    );
    out.push('');
    out.push('| read-ahead | p50 ms | p95 ms | p50/steady floor | CPU ms/scrape | RSS MiB (warm) | RSS MiB (max) |');
    out.push('|---|---:|---:|---:|---:|---:|---:|');
    for (const [label, e] of [
      [machine.nproc > 1 ? 'on (default here)' : 'default', largest.exporter],
      ['off', off],
    ]) {
      out.push(
        `| ${label} | ${ms(e.latency.p50)} | ${ms(e.latency.p95)} | ${(e.latency.p50 / largest.floor.latency.p50).toFixed(2)}× | ${ms(e.cpuPerScrape * 1000)} | ${mib(e.rssAfterWarmup)} | ${mib(maxRss(e))} |`
      );
    }
    out.push('');
  }
  if (largest.exporter.rss.length > 1) {
    out.push(
      `Memory every ${opts.rssScrapes / 10} scrapes at N=${largest.n} (MiB; V8 figures from the exporter's own nodejs_* metrics):`
    );
    out.push('');
    out.push(`| scrape | ${largest.exporter.rss.map((s) => s.scrape).join(' | ')} |`);
    out.push(`|---|${largest.exporter.rss.map(() => '---:').join('|')}|`);
    const row = (label, key) =>
      `| ${label} | ${largest.exporter.rss.map((s) => (s[key] === undefined ? '?' : mib(s[key]))).join(' | ')} |`;
    out.push(row('VmRSS', 'rss'));
    out.push(row('V8 heap total', 'heapTotal'));
    out.push(row('V8 heap used', 'heapUsed'));
    out.push(row('external (Buffers etc.)', 'external'));
    out.push('');
  }
  for (const r of results) {
    out.push(
      `N=${r.n}: ${containersLine(r)}; steady-state floor list ${r.floor.ops} operations (${r.floor.opsPerContainer.toFixed(1)} per container) ` +
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
    const stages = Object.entries(r.exporter.stageMs).sort((a, b) => b[1] - a[1]);
    out.push(
      `  Exporter-reported collect time per scrape (isoscope_scrape_collector_duration_seconds, mean of every 10th scrape): ` +
        stages.map(([c, v]) => `${c} ${ms(v)} ms`).join(', ') +
        `; sum ${ms(stages.reduce((a, [, v]) => a + v, 0))} ms of p50 ${ms(r.exporter.latency.p50)} ms.`
    );
    out.push('');
  }
  if (stages) {
    out.push(
      `Stage breakdown at N=${stages.n} (\`--profile\`; the exporter's Exporter/Exposition classes run in the bench process, ${stages.iterations} iterations after ${opts.warmup} warm-up ones, so steady state; ${stages.samples} samples, ${stages.series} series, ${(stages.bytes / 1024).toFixed(0)} KiB per scrape):`
    );
    out.push('');
    out.push('| stage | p50 ms | p95 ms |');
    out.push('|---|---:|---:|');
    const label = {
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
    ]) {
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

async function writeDocs(block) {
  await fsp.mkdir(path.dirname(DOCS), { recursive: true });
  let text;
  try {
    text = await fsp.readFile(DOCS, 'utf8');
  } catch {
    text = `# Benchmarks\n\n## Results\n\n${BEGIN}\n${END}\n`;
  }
  const a = text.indexOf(BEGIN);
  const b = text.indexOf(END);
  text =
    a >= 0 && b > a
      ? `${text.slice(0, a + BEGIN.length)}\n${block}\n${text.slice(b)}`
      : `${text.trimEnd()}\n\n## Results\n\n${BEGIN}\n${block}\n${END}\n`;
  await fsp.writeFile(DOCS, text);
}

// ---------------------------------------------------------------------------------------------------------

async function startContainers(engine, from, to, concurrency) {
  const ids = [];
  let next = from;
  const errors = [];
  const worker = async () => {
    while (next < to && errors.length === 0) {
      const i = next++;
      try {
        ids.push(await engine.run(`bench-${i}`, ['--memory=32m', '--cpus=0.2', '--pids-limit=32'], ['sleep', '3600']));
      } catch (err) {
        errors.push(err);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (errors.length) throw errors[0];
  return ids;
}

/** Safety net after engine.stop(): kill and remove any cgroup still named after one of our containers. */
function removeLeftoverCgroups(ids) {
  let left = 0;
  for (const controller of fs.readdirSync('/sys/fs/cgroup')) {
    for (const id of ids) {
      for (const dir of [
        `/sys/fs/cgroup/${controller}/docker/${id}`,
        `/sys/fs/cgroup/${controller}/system.slice/docker-${id}.scope`,
      ]) {
        if (!fs.existsSync(dir)) continue;
        left++;
        for (const pid of (tryRead(path.join(dir, 'cgroup.procs')) ?? '').split('\n').filter(Boolean)) {
          try {
            process.kill(Number(pid), 'SIGKILL');
          } catch {
            /* gone */
          }
        }
        try {
          fs.rmdirSync(dir);
        } catch {
          /* busy a moment longer; reported */
        }
      }
    }
  }
  return left;
}

async function main() {
  // `npm run bench -- --profile` loses the flag (the root script re-runs npm, which takes --profile as its own
  // config), so flags can also come from BENCH_FLAGS.
  const opts = parseFlags([...(process.env.BENCH_FLAGS ?? '').split(/\s+/).filter(Boolean), ...process.argv.slice(2)]);
  if (process.getuid?.() !== 0) throw new Error('the bench starts its own dockerd and must run as root');
  if (opts.build) {
    console.error('bench: building the exporter (turbo, cached when unchanged)…');
    const b = spawnSync('npx', ['turbo', 'run', 'build', '--filter=@isoscope/exporter', '--output-logs=errors-only'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    if (b.status !== 0) throw new Error('build failed');
  }
  if (!fs.existsSync(path.join(DIST, 'cli.js'))) throw new Error(`${DIST}/cli.js missing: run npx turbo run build`);

  const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'isoscope-bench-'));
  onCleanup('temp dir', () => fsp.rm(tmp, { recursive: true, force: true }));
  const floorBin = path.join(tmp, 'floor');
  execFileSync('gcc', ['-O2', '-Wall', '-o', floorBin, path.join(__dirname, 'floor.c')], { stdio: 'inherit' });
  const hasStrace = opts.strace && spawnSync('strace', ['-V']).status === 0;

  registerTs();
  const { startEngine } = require(path.join(PKG, 'test', 'live', 'engine.ts'));
  const { startExporter } = require(path.join(PKG, 'test', 'support', 'exporterProcess.ts'));
  const mod = loadExporterModules();
  const machine = machineInfo();

  console.error('bench: starting a private Docker engine…');
  const engine = await startEngine();
  const ids = [];
  onCleanup('engine', async () => {
    try {
      await engine.stop();
    } finally {
      const left = removeLeftoverCgroups(ids);
      if (left > 0) process.stderr.write(`bench: removed ${left} leftover container cgroup dir(s)\n`);
    }
  });
  console.error(
    `bench: engine ready in ${engine.timings.daemonReadyMs} ms, image in ${engine.timings.imageImportMs} ms`
  );

  const results = [];
  let profile;
  let stages;
  const largestN = opts.sizes[opts.sizes.length - 1];
  for (const n of opts.sizes) {
    const t0 = Date.now();
    ids.push(...(await startContainers(engine, ids.length, n, opts.concurrency)));
    console.error(`bench: ${ids.length} containers running (+${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    await sleep(2000); // let the last starts settle

    const longRun = n === largestN;
    const scrapes = longRun ? Math.max(opts.scrapes, opts.rssScrapes) : opts.scrapes;
    console.error(`bench: N=${n}: ${opts.warmup} warm-up + ${scrapes} scrapes…`);
    // The cold list before the exporter's first scrape (traced against it), the lists again after the measured
    // scrapes (the floor runs and the steady-state trace use these).
    const before = floorOps(mod);
    const firstScrape = hasStrace
      ? async (pid, scraper) => {
          console.error(`bench: N=${n}: strace of the exporter's first (cold) scrape…`);
          return straceOneScrape(pid, scraper, tmp, before.ops);
        }
      : undefined;
    const m = await measureExporter({
      startExporter,
      engine,
      scrapes,
      warmup: opts.warmup,
      rssEvery: longRun ? Math.round(opts.rssScrapes / 10) : 0,
      nodeFlags: opts.nodeFlags.length ? opts.nodeFlags : undefined,
      firstScrape,
      extraArgs: opts.exporterFlags,
    });
    const { ops, steady, once, containers, mode } = floorOps(mod);
    const sameList = (a, b) => a.length === b.length && a.every((op, i) => op[0] === b[i][0] && op[1] === b[i][1]);
    if (!sameList(before.ops, ops))
      console.error(
        `bench: warning: N=${n}: the floor list changed during the run (${before.ops.length} → ${ops.length} ops; another engine's containers came or went?)`
      );
    const writeList = async (name, list) => {
      const file = path.join(tmp, `floor-${n}-${name}.list`);
      await fsp.writeFile(file, list.map(([k, p]) => `${k} ${p}`).join('\n') + '\n');
      return file;
    };
    const [coldFile, steadyFile, onceFile] = await Promise.all([
      writeList('cold', ops),
      writeList('steady', steady),
      writeList('once', once),
    ]);
    let strace;
    if (hasStrace) {
      console.error(`bench: N=${n}: strace of one steady-state scrape…`);
      strace = { cold: m.first, steady: await straceOneScrape(m.pid, m.scraper, tmp, steady, once) };
    }
    await m.stop();
    console.error(
      `bench: N=${n}: steady-state floor, ${steady.length} ops × ${scrapes} passes (${once.length} once-per-process ops before timing)…`
    );
    const floor = runFloor(floorBin, steadyFile, scrapes, opts.warmup, onceFile);
    console.error(`bench: N=${n}: cold floor, ${ops.length} ops × ${scrapes} passes…`);
    const cold = runFloor(floorBin, coldFile, scrapes, opts.warmup);
    // Which of the listed containers are the bench's own: the rest belong to another engine on the host,
    // which the exporter scrapes too (and so the floor lists them too).
    const own = new Set(ids);
    const ownListed = containers.filter((c) => own.has(mod.paths.identifyContainerPath(c)?.containerId)).length;
    if (containers.length !== m.result.containersSeen || containers.length !== m.result.containersSeenEnd) {
      console.error(
        `bench: warning: exporter saw ${m.result.containersSeen}…${m.result.containersSeenEnd} containers, the floor list has ${containers.length} (another engine on the host?)`
      );
    }
    if (ownListed !== containers.length) {
      console.error(
        `bench: warning: N=${n}: ${containers.length - ownListed} of the ${containers.length} containers the exporter scrapes (and the floor lists) belong to another engine; the numbers are for ${containers.length} containers, not ${n}`
      );
    }
    results.push({
      n,
      mode,
      exporter: m.result,
      strace,
      floor: {
        ...floor,
        ops: steady.length,
        opsPerContainer: steady.length / containers.length,
        containers: containers.length,
        ownContainers: ownListed,
        once: once.length,
      },
      cold: { ...cold, ops: ops.length, opsPerContainer: ops.length / containers.length },
    });

    // The trade the read-ahead thread makes, measured on the same containers: the same long run without it.
    if (opts.compare && longRun && !opts.exporterFlags.some((f) => f.startsWith('--scrape.read-ahead'))) {
      console.error(`bench: N=${n}: the same ${scrapes} scrapes with --scrape.read-ahead=off…`);
      const off = await measureExporter({
        startExporter,
        engine,
        scrapes,
        warmup: opts.warmup,
        rssEvery: Math.round(opts.rssScrapes / 10),
        nodeFlags: opts.nodeFlags.length ? opts.nodeFlags : undefined,
        extraArgs: [...opts.exporterFlags, '--scrape.read-ahead=off'],
      });
      await off.stop();
      results[results.length - 1].readAheadOff = off.result;
    }

    if (opts.profile && longRun) {
      console.error(`bench: N=${n}: stage breakdown in-process, 100 iterations…`);
      stages = { n, ...(await stageBreakdown(mod, engine, { steady, once, cold: ops }, 100, opts.warmup)) };
      const profDir = path.join(tmp, 'prof');
      await fsp.mkdir(profDir);
      const pscrapes = 200;
      console.error(`bench: N=${n}: --cpu-prof run, ${pscrapes} scrapes…`);
      const p = await measureExporter({
        startExporter,
        engine,
        scrapes: pscrapes,
        warmup: opts.warmup,
        nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${profDir}`],
      });
      await p.stop();
      await sleep(500);
      const file = (await fsp.readdir(profDir)).find((f) => f.endsWith('.cpuprofile'));
      if (file) {
        profile = { n, scrapes: pscrapes + opts.warmup, ...summarizeProfile(path.join(profDir, file)) };
      } else console.error('bench: no .cpuprofile written');
    }
  }

  let cri;
  if (opts.cri) {
    console.error(
      `bench: Kubernetes phase: stopping the Docker engine, starting a containerd node with ${opts.criPods} pods…`
    );
    await engine.stop();
    const { startCriFleet, measureRefresh } = require(path.join(__dirname, 'cri.ts'));
    const t0 = Date.now();
    const fleet = await startCriFleet(opts.criPods);
    onCleanup('containerd node', () => fleet.node.stop());
    console.error(
      `bench: ${fleet.containers} CRI containers running (+${((Date.now() - t0) / 1000).toFixed(0)} s); timing 50 CRI refreshes…`
    );
    const refresh = await measureRefresh(fleet, 50);
    const longScrapes = Math.max(opts.scrapes, opts.rssScrapes);
    const criArgs = [...opts.exporterFlags, '--docker.socket=', `--cri.socket=${fleet.node.socketPath}`];
    console.error(`bench: CRI: ${opts.warmup} warm-up + ${longScrapes} scrapes with the CRI source…`);
    const withCri = await measureExporter({
      startExporter,
      engine,
      scrapes: longScrapes,
      warmup: opts.warmup,
      rssEvery: Math.round(opts.rssScrapes / 10),
      extraArgs: criArgs,
    });
    const named = metricValues(
      (await withCri.scraper.once()).body.toString('latin1'),
      'isoscope_metadata_source_up'
    ).find((s) => s.labels.includes('source="cri"'))?.value;
    await withCri.stop();
    if (named !== 1) throw new Error("the exporter did not reach the bench node's CRI socket");
    console.error(`bench: CRI: ${opts.warmup} warm-up + ${opts.scrapes} scrapes without a metadata source (ids only)…`);
    const without = await measureExporter({
      startExporter,
      engine,
      scrapes: opts.scrapes,
      warmup: opts.warmup,
      rssEvery: 0,
      extraArgs: [...opts.exporterFlags, '--docker.socket=', '--cri.socket='],
    });
    await without.stop();
    // deploy/kubernetes limits the pod to 500m of CPU, under which --scrape.read-ahead=auto runs without the
    // thread: the exporter as the DaemonSet runs it.
    console.error(
      `bench: CRI: ${opts.warmup} warm-up + ${opts.scrapes} scrapes as the DaemonSet runs it (read-ahead off)…`
    );
    const daemonSet = await measureExporter({
      startExporter,
      engine,
      scrapes: opts.scrapes,
      warmup: opts.warmup,
      rssEvery: Math.round(opts.scrapes / 10),
      extraArgs: [...criArgs, '--scrape.read-ahead=off'],
    });
    await daemonSet.stop();
    cri = {
      pods: fleet.pods.length,
      containers: fleet.containers,
      refresh,
      withCri: withCri.result,
      without: without.result,
      daemonSet: daemonSet.result,
    };
  }

  const verdicts = judge(results, opts, cri);
  console.log('');
  printTable(table(results));
  const offRun = results[results.length - 1].readAheadOff;
  if (offRun) {
    console.log(
      `read-ahead off at N=${results[results.length - 1].n}: p50 ${ms(offRun.latency.p50)} ms, p95 ${ms(offRun.latency.p95)} ms, CPU ${ms(offRun.cpuPerScrape * 1000)} ms/scrape, RSS ${mib(offRun.rssAfterWarmup)} MiB warm, max ${mib(maxRss(offRun))} MiB`
    );
  }
  console.log('');
  for (const v of verdicts) console.log(`${v.met ? 'MET    ' : 'NOT MET'}  ${v.target}: ${v.detail}`);
  const largest = results[results.length - 1];
  if (largest.exporter.rss.length > 1) {
    for (const [label, key] of [
      ['VmRSS', 'rss'],
      ['V8 heap total', 'heapTotal'],
      ['V8 heap used', 'heapUsed'],
      ['external', 'external'],
    ]) {
      console.log(
        `${label.padEnd(13)} MiB every ${opts.rssScrapes / 10} scrapes (N=${largest.n}): ${largest.exporter.rss.map((s) => (s[key] === undefined ? '?' : mib(s[key]))).join(' ')}`
      );
    }
  }
  for (const r of results) {
    const stages = Object.entries(r.exporter.stageMs).sort((a, b) => b[1] - a[1]);
    console.log(`N=${r.n} collect ms/scrape: ${stages.map(([c, v]) => `${c}=${ms(v)}`).join(' ')}`);
    console.log(
      `N=${r.n} ${containersLine(r)}; steady-state list ${r.floor.ops} ops (${r.floor.opsPerContainer.toFixed(1)}/container) + ${r.floor.once} once; cold list ${r.cold.ops} ops (${r.cold.opsPerContainer.toFixed(1)}/container)`
    );
    console.log(`  floor summaries: steady ${r.floor.summary}; cold ${r.cold.summary}`);
    if (r.strace) {
      for (const [label, s] of [
        ['steady-state scrape vs steady-state list', r.strace.steady],
        ['first (cold) scrape vs cold list', r.strace.cold],
      ]) {
        if (!s) continue;
        console.log(
          s.error
            ? `N=${r.n} strace (${label}): ${s.error}`
            : `N=${r.n} strace (${label}): ${s.missingInFloor.length} exporter paths missing from the list, ${s.notTraced.length} list paths not touched` +
                `${s.reread ? `, ${s.reread.length} once-per-process paths re-read` : ''}; other: ${s.other.join(', ') || 'none'}`
        );
      }
    }
  }
  if (stages) {
    console.log(
      `stages (N=${stages.n}, p50 ms): ${Object.entries(stages.phases)
        .map(([k, v]) => `${k}=${ms(v.p50)}`)
        .join(' ')}; ${stages.samples} samples, ${stages.series} series`
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
  if (cri) {
    const r = cri.refresh;
    console.log(
      `CRI (${cri.pods} pods, ${cri.containers} containers): first refresh ${ms(r.firstMs)} ms, steady refresh p50 ${ms(percentile(r.steadyMs, 50))} ms, p95 ${ms(percentile(r.steadyMs, 95))} ms, child CPU ${ms(r.childCpuPerRefresh * 1000)} ms; ` +
        `exporter p50 ${ms(cri.withCri.latency.p50)} ms with the CRI source, ${ms(cri.without.latency.p50)} ms without; RSS ${mib(cri.withCri.rssAfterWarmup)} vs ${mib(cri.without.rssAfterWarmup)} MiB`
    );
  }
  if (opts.docs) {
    await writeDocs(resultsMarkdown(machine, opts, results, verdicts, profile, stages, cri));
    console.log(`\nwrote ${path.relative(ROOT, DOCS)}`);
  }
}

main()
  .then(() => cleanup())
  .then(() => process.exit(0))
  .catch(async (err) => {
    process.stderr.write(`bench: ${err.stack ?? err}\n`);
    await cleanup();
    process.exit(1);
  });
