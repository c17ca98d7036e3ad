import os from 'node:os';
import { runChildProgram } from './child/program';
import type { Logger } from './log/logger';

export interface HostFacts {
  cpuCores: number;
  memoryBytes: number;
  kernel: string;
  os: string;
}

/** What the host-facts process reports on its standard output, as JSON. */
interface ReadFacts {
  osInfo: { distro?: string; release?: string; kernel?: string } | { error: string };
  memTotal?: number;
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
export async function readHostFacts(log: Logger): Promise<HostFacts> {
  const facts = await readInChild().catch((err: Error): ReadFacts => ({ osInfo: { error: err.message } }));
  if ('error' in facts.osInfo) log.warn('cannot read operating system facts', { err: facts.osInfo.error });
  const osInfo = 'error' in facts.osInfo ? undefined : facts.osInfo;
  return {
    cpuCores: os.cpus().length,
    memoryBytes: facts.memTotal || os.totalmem(),
    kernel: osInfo?.kernel || os.release(),
    os: [osInfo?.distro, osInfo?.release].filter(Boolean).join(' ') || os.type(),
  };
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
      (m) => m.total,
      () => undefined
    ),
  ]).then(([osInfo, memTotal]) => process.stdout.write(JSON.stringify({ osInfo, memTotal })));
}
