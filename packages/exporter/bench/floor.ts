/**
 * The floor: bench/floor.c performs the cgroupfs/procfs operations of one scrape with plain syscalls. This
 * module derives the operation list by walking the paths the exporter walks (with the exporter's own
 * hierarchy, discovery and path functions), writes the lists, builds floor.c and runs it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import {
  cgroupFile,
  COLLECTORS,
  detectHierarchy,
  identifyContainerPath,
  MAX_DEPTH,
  NAMESPACE_TYPES,
  parseMountinfo,
  procsFile,
  psiFile,
  walkRoot,
} from './exporterModules';
import { MiB, stats } from './measure';
import { tryRead, tryReadlink } from './reads';
import type { FloorLists, FloorOp, FloorRun, OpKind } from './types';

const nsInode = (link: string | undefined): number | undefined => {
  const m = link === undefined ? null : /\[(\d+)\]/.exec(link);
  return m ? Number(m[1]) : undefined;
};

/**
 * The operations of one scrape, in the exporter's order: the discovery walk (readdir of every directory it
 * descends), then per container (sorted by cgroup path) cgroup.procs and each collector's files, then the
 * cross-container reads (net/dev once per network namespace). Optional files (those the exporter tries but
 * tolerates missing) are tried the same way. Mirrors src/exporter.ts and src/collectors/*.ts for v1, hybrid
 * and v2 hosts, with every collector enabled (the CLI's default).
 *
 * `once` marks the per-process facts the exporter reads only when it first meets a process and then keeps
 * (src/scrape/processCache.ts): the 8 ns links (Scrape.namespacesOf), uid_map (security) and
 * /proc/<pid>/stat (lifecycle's processStartTime, which network's sharer ordering reuses). Two readings of the
 * floor follow from it:
 *   - cold:   every op (what a first scrape, or any reader without a cache, does): `ops`;
 *   - steady: the ops without `once` (what every later scrape does): `steady`; the `once` ops are read by
 *             the floor a single time before timing, as the exporter's cache does.
 * The list covers every container the exporter's discovery finds under the hierarchy, the bench's own and
 * any other engine's (the exporter cannot be told to skip them, and the floor must do the same work);
 * `containers` lets the caller count which are which.
 */
export function floorOps(): FloorLists {
  const h = detectHierarchy(parseMountinfo(readFileSync('/proc/self/mountinfo', 'latin1')), '/sys');
  const v1 = (c: string) => h.v1.has(c);
  const ops: FloorOp[] = [];
  const add = (kind: OpKind, p: string | null) => {
    if (p !== null) ops.push({ kind, path: p, once: false });
  };
  const r = (p: string | null) => add('r', p);
  const o = (p: string | null) => add('o', p);
  const onceSeen = new Set<string>();
  const once = (kind: OpKind, p: string) => {
    if (onceSeen.has(p)) return; // cached after the first read, even within the first scrape
    onceSeen.add(p);
    ops.push({ kind, path: p, once: true });
  };

  // Discovery: readdir of the walk root and of every non-container directory below it.
  const root = walkRoot(h);
  const containers: string[] = [];
  const walk = (rel: string, depth: number) => {
    ops.push({ kind: 'd', path: path.posix.join(root, rel), once: false });
    let entries;
    try {
      entries = readdirSync(path.posix.join(root, rel), { withFileTypes: true });
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
  const bootTime = /^btime (\d+)/m.test(readFileSync('/proc/stat', 'latin1'));
  let diskstatsRead = false;
  const netOwners = new Map<number, number[]>(); // net ns inode -> pids of the containers in it

  // The machine's own series (id="/"), before the containers as the exporter reads them: the root cgroup's
  // cpu, memory and io files, then the interfaces of the host's network namespace.
  const machine = (controller: string, name: string) => cgroupFile(h, '/', controller, name);
  if (v1('cpuacct') || v1('cpu')) {
    r(machine('cpuacct', 'cpuacct.usage'));
    r(machine('cpuacct', 'cpuacct.stat'));
    r(machine('cpu', 'cpu.stat'));
  } else r(machine('cpu', 'cpu.stat'));
  if (v1('memory')) {
    for (const f of ['memory.usage_in_bytes', 'memory.stat', 'memory.max_usage_in_bytes', 'memory.failcnt'])
      r(machine('memory', f));
    r(machine('memory', 'memory.oom_control'));
  } else {
    o(machine('memory', 'memory.stat'));
    r('/proc/meminfo');
  }
  {
    let devices = false;
    const files = v1('blkio')
      ? ['blkio.throttle.io_service_bytes_recursive', 'blkio.throttle.io_serviced_recursive'].map((f) =>
          machine('blkio', f)
        )
      : [machine('io', 'io.stat')];
    for (const p of files) {
      if (v1('blkio')) r(p);
      else o(p);
      if (p !== null && /^\d+:\d+ /m.test(tryRead(p) ?? '')) devices = true;
    }
    if (devices) {
      o('/proc/diskstats');
      diskstatsRead = true;
    }
  }
  r(tryReadlink('/proc/1/ns/net') !== undefined ? '/proc/1/net/dev' : '/proc/self/net/dev');

  for (const cg of containers) {
    const file = (controller: string, name: string) => cgroupFile(h, cg, controller, name);
    const procs = procsFile(h, cg);
    r(procs);
    const pid = (procs === null ? '' : (tryRead(procs) ?? ''))
      .split('\n')
      .map(Number)
      .find((n) => Number.isInteger(n) && n > 0);
    const proc = (name: string) => `/proc/${pid}/${name}`;
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
          if (pid !== undefined && bootTime) once('r', proc('stat'));
          break;
        case 'namespaces':
          if (pid !== undefined) {
            // Read once per process (Scrape.namespacesOf caches a complete reading).
            for (const type of NAMESPACE_TYPES) once(type === 'time' ? 'L' : 'l', proc(`ns/${type}`));
            const net = nsInode(tryReadlink(proc('ns/net')));
            if (net !== undefined && net !== hostNet) netOwners.set(net, [...(netOwners.get(net) ?? []), pid]);
          }
          break;
        case 'security':
          // status every scrape (capabilities, seccomp can change); uid_map once per process.
          if (pid !== undefined) {
            r(proc('status'));
            once('r', proc('uid_map'));
          }
          break;
        case 'network':
          break; // all in finish, below
        default: {
          const unknown: never = collector;
          throw new Error(`bench/floor.ts does not know collector ${String(unknown)}: update floorOps`);
        }
      }
    }
  }
  // network's finish: one net/dev per network namespace; sharers' start times are compared first (through
  // processStartTime's cache, so already read above when lifecycle ran).
  for (const sharers of netOwners.values()) {
    if (sharers.length > 1 && bootTime) for (const p of sharers) once('r', `/proc/${p}/stat`);
    r(`/proc/${sharers[0]}/net/dev`);
  }
  return { ops, steady: ops.filter((op) => !op.once), once: ops.filter((op) => op.once), containers, mode: h.mode };
}

export function sameList(a: readonly FloorOp[], b: readonly FloorOp[]): boolean {
  return a.length === b.length && a.every((op, i) => op.kind === b[i].kind && op.path === b[i].path);
}

export async function writeList(file: string, list: readonly FloorOp[]): Promise<string> {
  await writeFile(file, list.map((op) => `${op.kind} ${op.path}`).join('\n') + '\n');
  return file;
}

/** Compiles floor.c (gcc -O2) to `out`. */
export function buildFloor(out: string): string {
  execFileSync('gcc', ['-O2', '-Wall', '-o', out, path.join(__dirname, 'floor.c')], { stdio: 'inherit' });
  return out;
}

/**
 * The floor timed in blocks between the exporter's scrapes rather than after them: each `block` runs more
 * passes (after a short warm-up of its own) and keeps their times, so the floor and the exporter are measured
 * over the same minutes of the same machine. On a VM whose speed drifts, a floor run after the exporter
 * measured another machine (docs/benchmarks.md, Method).
 */
export class InterleavedFloor {
  private readonly ns: number[] = [];
  private first = '';
  private blocks = 0;
  private unexpected = 0;

  constructor(
    private readonly floorBin: string,
    private readonly listFile: string,
    private readonly warmup: number,
    private readonly onceFile?: string
  ) {}

  block(passes: number): void {
    const args = [this.listFile, String(passes), String(this.warmup), ...(this.onceFile ? [this.onceFile] : [])];
    const res = spawnSync(this.floorBin, args, { encoding: 'utf8', maxBuffer: 64 * MiB });
    if (res.status !== 0) throw new Error(`floor failed (${res.status}): ${res.stderr}`);
    for (const line of res.stdout.trim().split('\n')) this.ns.push(Number(line));
    const summary = res.stderr.trim();
    if (!this.first) this.first = summary;
    this.unexpected += Number(/unexpected_errors=(\d+)/.exec(summary)?.[1] ?? 0);
    this.blocks++;
  }

  result(): FloorRun {
    const summary = this.first
      .replace(/passes=\d+/, `passes=${this.ns.length} blocks=${this.blocks}`)
      .replace(/unexpected_errors=\d+/, `unexpected_errors=${this.unexpected}`);
    return { latency: stats(this.ns.map((n) => n / 1e6)), summary, unexpected: this.unexpected };
  }
}
