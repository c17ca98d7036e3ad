/**
 * The Docker fleet: a private Docker engine (test/live/engine.ts: its own dockerd and containerd on temp
 * dirs, vfs storage, no bridge) and N busybox `sleep 3600` containers with small limits, grown N by N. It
 * also measures what the containers cost the host (the engine's processes' PSS, MemAvailable, disk), which is
 * what decides whether an N fits the machine as real containers.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import { errorMessage, onCleanup } from './cleanup';
import { type Engine, signal, sleep, startEngine } from './exporterModules';
import { pidsIn, tryRead } from './reads';
import type { FleetCost } from './types';

export const CONTAINER_LIMITS = ['--memory=32m', '--cpus=0.2', '--pids-limit=32'];

export function memAvailable(): number {
  return Number(/^MemAvailable:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'latin1'))?.[1] ?? NaN) * 1024;
}

/** PSS of every process whose command line names the engine's temp dir (dockerd, containerd, the shims). */
export function enginePss(baseDir: string): { pss: number; processes: number; threads: number } {
  let pss = 0;
  let processes = 0;
  let threads = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = tryRead(`/proc/${entry}/cmdline`);
    if (!cmdline?.includes(baseDir + '/')) continue;
    const kb = /^Pss:\s+(\d+) kB/m.exec(tryRead(`/proc/${entry}/smaps_rollup`) ?? '')?.[1];
    if (kb === undefined) continue;
    pss += Number(kb) * 1024;
    processes++;
    threads += Number(/^Threads:\s+(\d+)/m.exec(tryRead(`/proc/${entry}/status`) ?? '')?.[1] ?? 0);
  }
  return { pss, processes, threads };
}

function diskUsage(dir: string): number {
  try {
    return Number(execFileSync('du', ['-sb', dir], { encoding: 'utf8' }).split('\t')[0]);
  } catch {
    return NaN;
  }
}

export interface DockerFleet {
  engine: Engine;
  ids: string[];
  /** Grows the fleet to n containers; returns what the added ones cost. */
  growTo(n: number, concurrency: number): Promise<FleetCost>;
  stop(): Promise<void>;
}

/** Safety net after engine.stop(): kill and remove any cgroup still named after one of our containers. */
function removeLeftoverCgroups(ids: readonly string[]): number {
  let left = 0;
  for (const controller of readdirSync('/sys/fs/cgroup')) {
    for (const id of ids) {
      for (const dir of [
        `/sys/fs/cgroup/${controller}/docker/${id}`,
        `/sys/fs/cgroup/${controller}/system.slice/docker-${id}.scope`,
      ]) {
        if (!existsSync(dir)) continue;
        left++;
        for (const pid of pidsIn(dir)) signal(pid, 'SIGKILL');
        try {
          rmdirSync(dir);
        } catch {
          /* busy a moment longer; reported */
        }
      }
    }
  }
  return left;
}

export async function startDockerFleet(): Promise<DockerFleet> {
  const engine = await startEngine();
  const ids: string[] = [];
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      await engine.stop();
    } finally {
      const left = removeLeftoverCgroups(ids);
      if (left > 0) process.stderr.write(`bench: removed ${left} leftover container cgroup dir(s)\n`);
    }
  };
  const forget = onCleanup('Docker engine', stop);
  console.error(
    `bench: engine ready in ${engine.timings.daemonReadyMs} ms, image in ${engine.timings.imageImportMs} ms`
  );

  const growTo = async (n: number, concurrency: number) => {
    const from = ids.length;
    const engine0 = enginePss(engine.baseDir);
    const before = { mem: memAvailable(), disk: diskUsage(engine.dataRoot) };
    const t0 = Date.now();
    let next = from;
    const errors: unknown[] = [];
    const worker = async () => {
      while (next < n && errors.length === 0) {
        const i = next++;
        try {
          ids.push(await engine.run(`bench-${i}`, CONTAINER_LIMITS, ['sleep', '3600']));
        } catch (err) {
          errors.push(err);
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    if (errors.length) throw new Error(`docker run failed: ${errorMessage(errors[0])}`);
    const startS = (Date.now() - t0) / 1000;
    await sleep(2000); // let the last starts settle
    const added = Math.max(1, ids.length - from);
    const after = enginePss(engine.baseDir);
    return {
      fleet: 'docker' as const,
      n,
      startS,
      hostMemPerContainer: (before.mem - memAvailable()) / added,
      processPssPerContainer: (after.pss - engine0.pss) / added,
      diskPerContainer: (diskUsage(engine.dataRoot) - before.disk) / added,
      // Containers' own processes (the sleeps) are not counted: their command lines do not name the dir.
      note: `${after.processes} engine processes (dockerd, containerd, one shim per container) with ${after.threads} threads, ${((after.threads - engine0.threads) / added).toFixed(1)} more per container (pid_max ${readFileSync('/proc/sys/kernel/pid_max', 'latin1').trim()} for the whole machine)`,
    };
  };
  return {
    engine,
    ids,
    growTo,
    stop: async () => {
      forget();
      await stop();
    },
  };
}
