import { tryParseUint } from './values';

const SPACE = 32;
const TAB = 9;
const CR = 13;
const ZERO = 48;
const NINE = 57;

/** "key value" exactly as the kernel writes it: a key without blanks, one space, only decimal digits. */
function isKernelLine(text: string, start: number, space: number, end: number): boolean {
  for (let i = start; i < space; i++) {
    const c = text.charCodeAt(i);
    if (c === TAB || c === CR || c === SPACE) return false;
  }
  for (let i = space + 1; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < ZERO || c > NINE) return false;
  }
  return true;
}

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
  // Fast path for the kernel's own format, "key value\n", matched in place; anything else (blank lines,
  // extra blanks, bad values) goes through the general line parser below. memory.stat alone has ~40
  // lines per container and scrape, and splitting every line cost megabytes of garbage per scrape.
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const space = text.indexOf(' ', start);
    if (space > start && space < end - 1 && isKernelLine(text, start, space, end)) {
      values.set(text.slice(start, space), Number(text.slice(space + 1, end)));
      start = end + 1;
      continue;
    }
    const line = text.slice(start, end);
    start = end + 1;
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
