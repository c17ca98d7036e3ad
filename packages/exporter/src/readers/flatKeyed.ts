import { tryParseUint } from './values';

export interface FlatKeyed {
  values: Map<string, number>;
  malformed: number;
}

/**
 * "key value" per line: v2 cpu.stat, memory.stat, memory.events, cgroup.stat; v1 cpu.stat, cpuacct.stat,
 * memory.stat, memory.oom_control. Keys are looked up by name because the kernel adds keys over time and
 * memory.stat promises no order.
 */
export function parseFlatKeyed(text: string): FlatKeyed {
  const values = new Map<string, number>();
  let malformed = 0;
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    const fields = trimmed.split(/\s+/);
    const value = fields.length === 2 ? tryParseUint(fields[1]) : undefined;
    if (value === undefined) {
      malformed++;
      continue;
    }
    values.set(fields[0], value);
  }
  return { values, malformed };
}
