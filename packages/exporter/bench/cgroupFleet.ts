/**
 * The kernel-cgroup fleet: N containers without a runtime, for the N that do not fit the machine as real
 * Docker containers. Each is a real cgroup in every mounted hierarchy (each v1 controller and named
 * hierarchy, and the cgroup2 one), laid out as Docker's systemd cgroup driver lays out a container whose
 * parent is a slice of its own (`docker run --cgroup-parent=isoscope_bench.slice` →
 * `/isoscope_bench.slice/docker-<64 hex>.scope`), with Docker's limits for `--memory=32m --cpus=0.2
 * --pids-limit=32` written, and one sleeping process moved in: the init of bench/sleeper.c, in namespaces
 * of its own (mount, UTS, IPC, network, PID), its parent outside the cgroup as a shim is.
 *
 * Why this layout: the exporter recognises Docker's cgroupfs layout only at the hierarchy root
 * (`/docker/<id>`, which another engine on the host shares), and `<parent>/docker/<id>` is no layout it
 * knows; the systemd driver's `docker-<id>.scope` it accepts under any parent, so the bench's containers
 * live under a parent of its own, are identified as Docker's, and nothing else is touched. The exporter's
 * discovery walk, file reads and the floor are the same as for real containers.
 *
 * Everything is removed on success, on failure and on Ctrl-C (processes by pid, cgroups deepest first), and
 * a run starts by removing what a crashed run left under its parent.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { errorMessage, onCleanup } from './cleanup';
import { signal, sleep } from './exporterModules';
import { memAvailable } from './fleet';
import { pidsIn, tryRead } from './reads';
import type { FleetCost } from './types';

/** The bench's own parent cgroup in every hierarchy. */
export const CGROUP_PARENT = 'isoscope_bench.slice';

/** What Docker writes for --memory=32m --cpus=0.2 --pids-limit=32 (v1 file → value; v2 file → value). */
const V1_LIMITS: Record<string, Record<string, string>> = {
  memory: { 'memory.limit_in_bytes': String(32 * 1024 * 1024) },
  cpu: { 'cpu.cfs_period_us': '100000', 'cpu.cfs_quota_us': '20000' },
  pids: { 'pids.max': '32' },
};
const V2_LIMITS: Record<string, string> = {
  'memory.max': String(32 * 1024 * 1024),
  'cpu.max': '20000 100000',
  'pids.max': '32',
};

interface Hierarchy {
  /** Mount point, e.g. /sys/fs/cgroup/memory or /sys/fs/cgroup/unified. */
  mount: string;
  /** v1 controllers on it (empty for a named hierarchy such as name=systemd), or 'v2'. */
  controllers: string[] | 'v2';
}

/** Every cgroup hierarchy mounted with its whole tree visible (root "/"), one mount point each. */
export function mountedHierarchies(): Hierarchy[] {
  const seen = new Map<string, Hierarchy>();
  for (const line of readFileSync('/proc/self/mountinfo', 'latin1').split('\n')) {
    const fields = line.split(' ');
    const dash = fields.indexOf('-');
    if (dash < 0) continue;
    const [root, mount] = [fields[3], fields[4]];
    const [fsType, , superOptions = ''] = fields.slice(dash + 1);
    if (root !== '/' || (fsType !== 'cgroup' && fsType !== 'cgroup2')) continue;
    const controllers =
      fsType === 'cgroup2'
        ? ('v2' as const)
        : superOptions.split(',').filter((o) => /^[a-z_]+$/.test(o) && !['rw', 'ro', 'xattr', 'noprefix'].includes(o));
    // One mount per superblock is enough (the same hierarchy can be mounted twice).
    const key = `${fields[2]}`;
    if (!seen.has(key)) seen.set(key, { mount, controllers });
  }
  return [...seen.values()].sort((a, b) => (a.mount < b.mount ? -1 : 1));
}

/** PSS of one process, in bytes (0 when it is gone). */
function pssOf(pid: number): number {
  const kb = /^Pss:\s+(\d+) kB/m.exec(tryRead(`/proc/${pid}/smaps_rollup`) ?? '')?.[1];
  return kb === undefined ? 0 : Number(kb) * 1024;
}

const kill = (pid: number): void => signal(pid, 'SIGKILL');

/** rmdir with retries: a cgroup is busy until its last task has exited. */
async function removeCgroup(dir: string): Promise<boolean> {
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      rmdirSync(dir);
      return true;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return true;
      if (code !== 'EBUSY') throw err;
      for (const pid of pidsIn(dir)) kill(pid);
      await sleep(20 + attempt * 10);
    }
  }
  return false;
}

/**
 * Removes the bench's parent and everything in it from every hierarchy: the processes in its cgroups
 * (SIGKILL by pid: under this parent there are only the bench's sleepers), then the cgroups, deepest first.
 */
export async function removeBenchCgroups(
  hierarchies = mountedHierarchies()
): Promise<{ cgroups: number; pids: number }> {
  let cgroups = 0;
  let pids = 0;
  for (const h of hierarchies) {
    const parent = path.join(h.mount, CGROUP_PARENT);
    if (!existsSync(parent)) continue;
    const children = readdirSync(parent, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => path.join(parent, e.name));
    for (const dir of children) {
      for (const pid of pidsIn(dir)) {
        kill(pid);
        pids++;
      }
    }
    for (const dir of children) if (await removeCgroup(dir)) cgroups++;
    if (await removeCgroup(parent)) cgroups++;
  }
  return { cgroups, pids };
}

export interface CgroupContainer {
  id: string;
  /** Path relative to every hierarchy's root. */
  path: string;
  /** The init, in the cgroups, and its parent (the stand-in shim). */
  initPid: number;
  shim: ChildProcess;
}

/** The limits the fleet writes, for the report. */
export const LIMITS_WRITTEN = [
  ...Object.entries(V1_LIMITS).flatMap(([, files]) => Object.entries(files).map(([f, v]) => `${f}=${v}`)),
  ...Object.entries(V2_LIMITS).map(([f, v]) => `${f}=${v} (v2 only)`),
].join(', ');

export interface CgroupFleet {
  containers: CgroupContainer[];
  /** Writes that failed (file → error), e.g. those needing CAP_SYS_RESOURCE. */
  failedWrites: Map<string, string>;
  growTo(n: number): Promise<FleetCost>;
  stop(): Promise<void>;
}

/** Builds bench/sleeper.c (static where libc.a is there, so a sleeper pair costs a few hundred KiB). */
export function buildSleeper(out: string): string {
  const src = path.join(__dirname, 'sleeper.c');
  try {
    execFileSync('gcc', ['-O2', '-Wall', '-static', '-o', out, src], { stdio: 'pipe' });
  } catch {
    execFileSync('gcc', ['-O2', '-Wall', '-o', out, src], { stdio: 'inherit' });
  }
  return out;
}

function startSleeper(bin: string): Promise<{ shim: ChildProcess; initPid: number }> {
  const shim = spawn(bin, [], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  shim.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    shim.once('error', reject);
    shim.once('exit', (code) => reject(new Error(`sleeper exited with ${code}: ${err.trim()}`)));
    shim.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^(\d+)\n/.exec(out);
      if (m) {
        shim.removeAllListeners('exit');
        resolve({ shim, initPid: Number(m[1]) });
      }
    });
  });
}

/** The pid of the bench that owns CGROUP_PARENT, so two benches on one machine never take each other's. */
const LOCK_FILE = path.join('/run', `${CGROUP_PARENT}.bench-pid`);

function takeLock(): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(LOCK_FILE, `${process.pid}\n`, { flag: 'wx' });
      return () => {
        if ((tryRead(LOCK_FILE) ?? '').trim() === `${process.pid}`) rmSync(LOCK_FILE, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number((tryRead(LOCK_FILE) ?? '').trim());
      if (owner > 0 && owner !== process.pid && existsSync(`/proc/${owner}`))
        throw new Error(`another bench (pid ${owner}, ${LOCK_FILE}) is using ${CGROUP_PARENT}: wait for it to end`);
      rmSync(LOCK_FILE, { force: true }); // left by a bench that is gone
    }
  }
  throw new Error(`cannot take ${LOCK_FILE}`);
}

export async function startCgroupFleet(sleeperBin: string): Promise<CgroupFleet> {
  const hierarchies = mountedHierarchies();
  if (hierarchies.length === 0) throw new Error('no cgroup hierarchy mounted');
  const unlock = takeLock();
  onCleanup('kernel-cgroup fleet lock', unlock);
  const left = await removeBenchCgroups(hierarchies);
  if (left.cgroups > 0)
    console.error(
      `bench: removed ${left.cgroups} cgroups (${left.pids} processes) left by an earlier run under ${CGROUP_PARENT}`
    );

  const containers: CgroupContainer[] = [];
  const failedWrites = new Map<string, string>();
  const write = (file: string, value: string, required: boolean) => {
    const name = path.basename(file);
    try {
      writeFileSync(file, value);
    } catch (err) {
      if (required) throw new Error(`cannot write ${value} to ${file}: ${errorMessage(err)}`);
      if (!failedWrites.has(name)) failedWrites.set(name, (err as NodeJS.ErrnoException).code ?? errorMessage(err));
      return;
    }
    // A limit the kernel took but changed (or ignored) counts as refused too.
    if (name !== 'cgroup.procs' && name !== 'cgroup.subtree_control') {
      const back = (tryRead(file) ?? '').trim();
      if (back !== value && !failedWrites.has(name)) failedWrites.set(name, `reads back ${JSON.stringify(back)}`);
    }
  };
  /** A new cgroup under `parentDir` in hierarchy h, set up as runc sets up a container's. */
  const makeCgroup = (h: Hierarchy, parentDir: string, dir: string, limits: boolean) => {
    mkdirSync(dir);
    if (h.controllers !== 'v2' && h.controllers.includes('cpuset')) {
      // A v1 cpuset cgroup takes no task until it has CPUs and memory nodes: the parent's, as runc copies them.
      for (const f of ['cpuset.cpus', 'cpuset.mems'])
        write(path.join(dir, f), (tryRead(path.join(parentDir, f)) ?? '').trim(), true);
    }
    if (h.controllers === 'v2') {
      // Children get the controllers this cgroup may hand down (none on a hybrid host's unified hierarchy).
      const available = (tryRead(path.join(dir, 'cgroup.controllers')) ?? '').trim().split(/\s+/).filter(Boolean);
      if (!limits && available.length)
        write(path.join(dir, 'cgroup.subtree_control'), available.map((c) => `+${c}`).join(' '), false);
      if (limits)
        for (const [f, v] of Object.entries(V2_LIMITS))
          if (existsSync(path.join(dir, f))) write(path.join(dir, f), v, false);
    } else if (limits) {
      for (const c of h.controllers)
        for (const [f, v] of Object.entries(V1_LIMITS[c] ?? {})) write(path.join(dir, f), v, false);
    }
  };

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const c of containers) {
      kill(c.initPid);
      if (c.shim.pid !== undefined && c.shim.exitCode === null && c.shim.signalCode === null) kill(c.shim.pid);
    }
    await Promise.all(
      containers.map(
        (c) =>
          new Promise<void>((r) => {
            if (c.shim.exitCode !== null || c.shim.signalCode !== null) return r();
            c.shim.once('exit', () => r());
            setTimeout(r, 5000);
          })
      )
    );
    const removed = await removeBenchCgroups(hierarchies);
    const still = hierarchies.filter((h) => existsSync(path.join(h.mount, CGROUP_PARENT)));
    if (still.length)
      process.stderr.write(`bench: could not remove ${CGROUP_PARENT} from ${still.map((h) => h.mount).join(', ')}\n`);
    else if (removed.pids > 0)
      process.stderr.write(`bench: killed ${removed.pids} stray processes in the bench cgroups\n`);
  };
  const forget = onCleanup('kernel-cgroup fleet', stop);

  try {
    for (const h of hierarchies) makeCgroup(h, h.mount, path.join(h.mount, CGROUP_PARENT), false);
  } catch (err) {
    forget();
    await stop();
    throw err;
  }

  const addOne = async () => {
    const id = randomBytes(32).toString('hex');
    const rel = `/${CGROUP_PARENT}/docker-${id}.scope`;
    for (const h of hierarchies) makeCgroup(h, path.join(h.mount, CGROUP_PARENT), path.join(h.mount, rel), true);
    const { shim, initPid } = await startSleeper(sleeperBin);
    containers.push({ id, path: rel, initPid, shim });
    for (const h of hierarchies) write(path.join(h.mount, rel, 'cgroup.procs'), String(initPid), true);
  };

  const growTo = async (n: number): Promise<FleetCost> => {
    const from = containers.length;
    const mem0 = memAvailable();
    const t0 = Date.now();
    // A few at a time: each is a handful of mkdirs and writes and one fork.
    let next = from;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < n) {
          next++;
          await addOne();
        }
      })
    );
    const startS = (Date.now() - t0) / 1000;
    await sleep(1000);
    let pss = 0;
    for (const c of containers) for (const pid of [c.initPid, c.shim.pid ?? 0]) pss += pssOf(pid);
    return {
      fleet: 'cgroups',
      n,
      startS,
      hostMemPerContainer: (mem0 - memAvailable()) / Math.max(1, containers.length - from),
      processPssPerContainer: pss / Math.max(1, containers.length),
      note: `${hierarchies.length} hierarchies (${hierarchies.map((h) => path.basename(h.mount)).join(', ')}); two processes per container (the init in the cgroups, its parent outside)`,
    };
  };

  return {
    containers,
    failedWrites,
    growTo,
    stop: async () => {
      forget();
      await stop();
    },
  };
}

/**
 * An empty cgroup tree for the idle exporter of the RSS breakdown: one empty directory per mounted hierarchy,
 * at the place `--path.sysfs=<returned dir>` rebases it to. The exporter then starts as on this host (same
 * mode, same controllers, the real /proc) and finds no containers.
 */
export function emptySysfs(dir: string): string {
  for (const h of mountedHierarchies()) {
    const at = h.mount.indexOf('/fs/cgroup');
    if (at < 0) throw new Error(`cgroup mount ${h.mount} is not under a sysfs: cannot rebase it`);
    mkdirSync(path.join(dir, h.mount.slice(at)), { recursive: true });
  }
  return dir;
}
