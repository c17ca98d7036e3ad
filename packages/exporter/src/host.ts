import os from 'node:os';
import si from 'systeminformation';
import type { Logger } from './log';

export interface HostFacts {
  cpuCores: number;
  memoryBytes: number;
  kernel: string;
  os: string;
}

/**
 * Host facts, read once at start: they do not change while the exporter runs. systeminformation gives the
 * distribution's name; if it cannot (a minimal container image), Node's own view of the kernel is used.
 */
export async function readHostFacts(log: Logger): Promise<HostFacts> {
  const [osInfo, mem] = await Promise.all([
    si.osInfo().catch((err: Error) => {
      log.warn('cannot read operating system facts', { err: err.message });
      return undefined;
    }),
    si.mem().catch(() => undefined),
  ]);
  return {
    cpuCores: os.cpus().length,
    memoryBytes: mem?.total || os.totalmem(),
    kernel: osInfo?.kernel || os.release(),
    os: [osInfo?.distro, osInfo?.release].filter(Boolean).join(' ') || os.type(),
  };
}
