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

export interface FlatKeyed<K extends string = string> {
  values: Map<K, number>;
  malformed: number;
}

/**
 * The keys a reader wants from a flat-keyed file, looked up in the text where they stand: a line's key is
 * compared with the wanted keys of its length, never cut out of the text. memory.stat has ~70 lines on v1
 * and a collector wants nine of them; a string per key and a map of every line were megabytes of garbage
 * per scrape at 200 containers (docs/benchmarks.md, "Eighth round").
 */
export class FlatKeys<K extends string> {
  private readonly byLength: K[][] = [];

  constructor(readonly keys: readonly K[]) {
    for (const key of keys) (this.byLength[key.length] ??= []).push(key);
  }

  /** The wanted key that `text` spells from `start` to `end`, if it is one. */
  match(text: string, start: number, end: number): K | undefined {
    const candidates = this.byLength[end - start];
    if (candidates === undefined) return undefined;
    for (const key of candidates) if (text.startsWith(key, start)) return key;
    return undefined;
  }

  has(key: string): key is K {
    return (this.keys as readonly string[]).includes(key);
  }
}

/** Digits a double holds exactly whatever they are (10^15 < 2^53): summed in place, no string. */
const EXACT_DIGITS = 15;

/** The decimal number of text[start, end), all digits (isKernelLine); undefined past u64. */
function digitsAt(text: string, start: number, end: number): number | undefined {
  if (end - start > EXACT_DIGITS) return tryParseUint(text.slice(start, end));
  let value = 0;
  for (let i = start; i < end; i++) value = value * 10 + (text.charCodeAt(i) - ZERO);
  return value;
}

/**
 * "key value" per line: v2 cpu.stat, memory.stat, memory.events, cgroup.stat; v1 cpu.stat, cpuacct.stat,
 * memory.stat, memory.oom_control. Keys are looked up by name because the kernel adds keys over time and
 * memory.stat promises no order. With `wanted`, only those keys are kept (every line is still checked, and
 * a malformed one counted, whatever its key).
 */
export function parseFlatKeyed<K extends string = string>(text: string, wanted?: FlatKeys<K>): FlatKeyed<K> {
  const values = new Map<K, number>();
  let malformed = 0;
  // Fast path for the kernel's own format, "key value\n", matched in place; anything else (blank lines,
  // extra blanks, bad values) goes through the general line parser below.
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const space = text.indexOf(' ', start);
    if (space > start && space < end - 1 && isKernelLine(text, start, space, end)) {
      const key = wanted ? wanted.match(text, start, space) : (text.slice(start, space) as K);
      // A key not wanted still has its value checked when it may be past u64 (the only way digits fail).
      if (key !== undefined || end - space - 1 > EXACT_DIGITS) {
        const value = digitsAt(text, space + 1, end);
        if (value === undefined) malformed++;
        else if (key !== undefined) values.set(key, value);
      }
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
    if (!wanted || wanted.has(fields[0])) values.set(fields[0] as K, value);
  }
  return { values, malformed };
}
