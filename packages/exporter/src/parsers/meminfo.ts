import { tryParseUint } from './values';

export interface Meminfo {
  /** Key → bytes (values in `kB` times 1024; the few without a unit, like HugePages_Total, as they are). */
  values: Map<string, number>;
  malformed: number;
}

/** /proc/meminfo: "Key:" then blanks, a decimal number and an optional " kB" (proc(5)). */
export function parseMeminfo(text: string): Meminfo {
  const values = new Map<string, number>();
  let malformed = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const m = /^([^\s:]+):\s+(\d+)(?: (kB))?\s*$/.exec(line);
    const n = m ? tryParseUint(m[2]) : undefined;
    if (!m || n === undefined) {
      malformed++;
      continue;
    }
    values.set(m[1], m[3] ? n * 1024 : n);
  }
  return { values, malformed };
}
