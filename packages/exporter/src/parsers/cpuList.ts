import { ParseError } from './parseError';

/**
 * No kernel supports this many CPUs (x86 NR_CPUS tops out at 8192); the cap stops a corrupt "0-4294967295"
 * from allocating billions of entries.
 */
const MAX_CPUS = 65536;

/**
 * The kernel's list format (cpuset.cpus, cpuset.cpus.effective, cpuset.mems, /sys/devices/system/cpu/online):
 * "0-3,8,10-11". Empty means no CPUs listed (an unset v2 cpuset.cpus). Returned ascending and unique.
 */
export function parseCpuList(text: string): number[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  const cpus = new Set<number>();
  for (const part of trimmed.split(',')) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!match) throw new ParseError('a CPU list like "0-3,8"', text);
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    if (last < first || last >= MAX_CPUS) throw new ParseError('a CPU list like "0-3,8"', text);
    for (let cpu = first; cpu <= last; cpu++) cpus.add(cpu);
  }
  return [...cpus].sort(ascending);
}

function ascending(a: number, b: number): number {
  return a - b;
}
