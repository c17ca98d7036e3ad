export interface IdRange {
  inside: number;
  outside: number;
  length: number;
}

export interface IdMap {
  ranges: IdRange[];
  malformed: number;
}

const UINT32_MAX = 4294967295;

/** /proc/<pid>/uid_map and gid_map: "inside outside length" per line, right-aligned in columns. */
export function parseIdMap(text: string): IdMap {
  const ranges: IdRange[] = [];
  let malformed = 0;
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    const fields = trimmed.split(/\s+/);
    const numbers = fields.map((f) => (/^\d+$/.test(f) ? Number(f) : NaN));
    if (numbers.length !== 3 || numbers.some((n) => !(n <= UINT32_MAX)) || numbers[2] === 0) {
      malformed++;
      continue;
    }
    ranges.push({ inside: numbers[0], outside: numbers[1], length: numbers[2] });
  }
  return { ranges, malformed };
}

/**
 * Whether uid 0 in the namespace is uid 0 on the host, i.e. container root is host root. The initial
 * namespace reads "0 0 4294967295"; a rootless or userns-remapped container maps 0 elsewhere or not at all.
 */
export function mapsRootToHostRoot(ranges: readonly IdRange[]): boolean {
  return ranges.some((r) => r.inside === 0 && r.outside === 0 && r.length > 0);
}
