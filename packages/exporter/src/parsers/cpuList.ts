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
  const cpus: number[] = [];
  // The kernel writes its lists ascending and without overlap, straight into the array; any other order
  // goes through a set (bounded by MAX_CPUS, however often a hostile file repeats a range) and a sort.
  let unordered: Set<number> | undefined;
  for (const part of trimmed.split(',')) {
    const match = RANGE.exec(part);
    if (!match) throw new ParseError('a CPU list like "0-3,8"', text);
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    if (last < first || last >= MAX_CPUS) throw new ParseError('a CPU list like "0-3,8"', text);
    if (!unordered && cpus.length > 0 && first <= cpus[cpus.length - 1]) unordered = new Set(cpus);
    for (let cpu = first; cpu <= last; cpu++) {
      if (unordered) unordered.add(cpu);
      else cpus.push(cpu);
    }
  }
  return unordered ? [...unordered].sort(ascending) : cpus;
}

const RANGE = /^(\d+)(?:-(\d+))?$/;

function ascending(a: number, b: number): number {
  return a - b;
}
