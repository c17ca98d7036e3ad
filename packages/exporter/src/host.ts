import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Logger } from './log';

export interface HostFacts {
  cpuCores: number;
  memoryBytes: number;
  kernel: string;
  os: string;
}

/** What the host-facts thread reports. */
interface ThreadFacts {
  osInfo: { distro?: string; release?: string; kernel?: string } | { error: string };
  memTotal?: number;
}

/**
 * Host facts, read once at start: they do not change while the exporter runs. systeminformation gives the
 * distribution's name; if it cannot (a minimal container image), Node's own view of the kernel is used.
 *
 * It runs in a short-lived thread: loaded in the main thread, the library (and the modules it pulls in)
 * stayed resident for the exporter's whole life, ~0.5–1 MiB, to be used once (docs/benchmarks.md).
 */
export async function readHostFacts(log: Logger): Promise<HostFacts> {
  const facts = await readInThread().catch((err: Error) => ({ osInfo: { error: err.message }, memTotal: undefined }));
  if ('error' in facts.osInfo) log.warn('cannot read operating system facts', { err: facts.osInfo.error });
  const osInfo = 'error' in facts.osInfo ? undefined : facts.osInfo;
  return {
    cpuCores: os.cpus().length,
    memoryBytes: facts.memTotal || os.totalmem(),
    kernel: osInfo?.kernel || os.release(),
    os: [osInfo?.distro, osInfo?.release].filter(Boolean).join(' ') || os.type(),
  };
}

function readInThread(): Promise<ThreadFacts> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(`(${hostFactsThread.toString()})()`, {
      eval: true,
      // Resolved here: the thread's own `require` would look from the working directory.
      workerData: { module: require.resolve('systeminformation') },
    });
    worker.once('message', (facts: ThreadFacts) => {
      resolve(facts);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`host facts thread exited with code ${code}`)));
  });
}

/** The thread's whole program: self-contained, since it runs from its source text. */
export function hostFactsThread(): void {
  const { parentPort, workerData } = require('node:worker_threads') as typeof import('node:worker_threads');
  const si = require((workerData as { module: string }).module) as typeof import('systeminformation');
  void Promise.all([
    si.osInfo().then(
      (o) => ({ distro: o.distro, release: o.release, kernel: o.kernel }),
      (err: Error) => ({ error: err.message }),
    ),
    si.mem().then((m) => m.total, () => undefined),
  ]).then(([osInfo, memTotal]) => parentPort!.postMessage({ osInfo, memTotal }));
}
