import { readdirSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { runChildProgram } from './child/program';
import { readPseudoFile } from './files/pseudoFile';
import type { Logger } from './log/logger';
import { parseInteger } from './parsers/values';

export interface HostFacts {
  cpuCores: number;
  /** Distinct (package, core) pairs among the online CPUs; undefined when sysfs has no CPU topology. */
  cpuPhysicalCores?: number;
  /** Distinct packages (sockets) among the online CPUs; undefined with the physical cores. */
  cpuSockets?: number;
  memoryBytes: number;
  /** Swap space the host has (SwapTotal), used or not; 0 without swap. */
  swapBytes?: number;
  kernel: string;
  os: string;
}

/** What the host-facts process reports on its standard output, as JSON. */
interface ReadFacts {
  osInfo: { distro?: string; release?: string; kernel?: string } | { error: string };
  memTotal?: number;
  swapTotal?: number;
}

/** The host-facts process gets this long before it is killed and Node's own view is used. */
const READ_LIMIT_MS = 15_000;

/**
 * Host facts, read once at start: they do not change while the exporter runs. systeminformation gives the
 * distribution's name; if it cannot (a minimal container image), Node's own view of the kernel is used.
 *
 * It runs in a short-lived child process, not in this one: whatever a process touches of the node binary (the
 * sources and code cache of the built-in modules the library loads) stays resident for the process's whole
 * life, even after the thread that touched it is gone, which a short-lived thread does not avoid
 * (docs/benchmarks.md, "Why the code is shaped this way").
 */
export async function readHostFacts(log: Logger, sysfs = '/sys'): Promise<HostFacts> {
  const facts = await readInChild().catch((err: Error): ReadFacts => ({ osInfo: { error: err.message } }));
  if ('error' in facts.osInfo) log.warn('cannot read operating system facts', { err: facts.osInfo.error });
  const osInfo = 'error' in facts.osInfo ? undefined : facts.osInfo;
  const topology = readCpuTopology(sysfs);
  if (!topology)
    log.debug('no CPU topology: machine_cpu_physical_cores and _sockets left out', { path: join(sysfs, CPU_DIR) });
  return {
    cpuCores: os.cpus().length,
    cpuPhysicalCores: topology?.physicalCores,
    cpuSockets: topology?.sockets,
    memoryBytes: facts.memTotal || os.totalmem(),
    swapBytes: facts.swapTotal,
    kernel: osInfo?.kernel || os.release(),
    os: [osInfo?.distro, osInfo?.release].filter(Boolean).join(' ') || os.type(),
  };
}

const CPU_DIR = 'devices/system/cpu';

/**
 * Physical cores and sockets as cAdvisor counts them: the distinct `core_id`s within each distinct
 * `physical_package_id` of `<sysfs>/devices/system/cpu/cpu<N>/topology`. An offline CPU has no topology dir
 * and is not counted, nor is one whose files are unreadable; undefined when no CPU has a readable topology.
 */
export function readCpuTopology(sysfs: string): { physicalCores: number; sockets: number } | undefined {
  const dir = join(sysfs, CPU_DIR);
  let entries: string[];
  try {
    entries = readdirSync(dir).filter((e) => /^cpu\d+$/.test(e));
  } catch {
    return undefined;
  }
  const cores = new Set<string>();
  const packages = new Set<number>();
  for (const cpu of entries) {
    try {
      const read = (file: string) => parseInteger(readPseudoFile(join(dir, cpu, 'topology', file)));
      const pkg = read('physical_package_id');
      cores.add(`${pkg}:${read('core_id')}`);
      packages.add(pkg);
    } catch {
      // Offline, or not a topology this kernel describes: left out, as cAdvisor leaves it.
    }
  }
  return cores.size === 0 ? undefined : { physicalCores: cores.size, sockets: packages.size };
}

function readInChild(): Promise<ReadFacts> {
  // The module path is resolved here: the child's own `require` would look from the working directory.
  return runChildProgram<ReadFacts>('host facts', hostFactsProgram, {
    args: [require.resolve('systeminformation')],
    timeoutMs: READ_LIMIT_MS,
    maxBytes: 1 << 20,
  });
}

/** The child's whole program: self-contained, since it runs from its source text (`node -e`). */
export function hostFactsProgram(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports -- a child program runs from its source text
  const si = require(process.argv[1]) as typeof import('systeminformation');
  void Promise.all([
    si.osInfo().then(
      (o) => ({ distro: o.distro, release: o.release, kernel: o.kernel }),
      (err: Error) => ({ error: err.message })
    ),
    si.mem().then(
      (m) => ({ memTotal: m.total, swapTotal: m.swaptotal }),
      () => ({})
    ),
  ]).then(([osInfo, mem]) => process.stdout.write(JSON.stringify({ osInfo, ...mem })));
}
