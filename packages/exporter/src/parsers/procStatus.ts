export interface ProcStatus {
  name?: string;
  /** 0 disabled, 1 strict, 2 filter. */
  seccomp?: number;
  noNewPrivs?: boolean;
  capEff?: bigint;
  capBnd?: bigint;
  threads?: number;
  /** Known fields whose value could not be read (the field is then absent). */
  malformed: number;
}

const WANTED = ['Name', 'Seccomp', 'NoNewPrivs', 'CapEff', 'CapBnd', 'Threads'];
const HEX_MASK = /^[0-9a-fA-F]{1,32}$/;
const DECIMAL = /^\d+$/;

/**
 * /proc/<pid>/status. Only the fields the security and tasks collectors use; a field with a bad value is
 * left out and counted so the caller can count an error without losing the others.
 */
export function parseProcStatus(text: string): ProcStatus {
  const status: ProcStatus = { malformed: 0 };
  // Scanned in place rather than split into lines: the file has ~55 lines and we want 6 of them, for
  // every container on every scrape.
  for (let start = 0; start < text.length;) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const colon = text.indexOf(':', start);
    const lineStart = start;
    start = end + 1;
    if (colon <= lineStart || colon > end) continue;
    const key = wantedKey(text, lineStart, colon);
    if (key === undefined) continue;
    const raw = text.slice(colon + 1, end);
    const value = raw.trim();
    let ok = true;
    switch (key) {
      case 'Name':
        // Only the separator tab is stripped: a comm may itself begin or end with blanks.
        status.name = unescapeName(raw.startsWith('\t') ? raw.slice(1) : raw.trimStart());
        break;
      case 'Seccomp':
        ok = DECIMAL.test(value);
        if (ok) status.seccomp = Number(value);
        break;
      case 'NoNewPrivs':
        ok = value === '0' || value === '1';
        if (ok) status.noNewPrivs = value === '1';
        break;
      case 'CapEff':
        ok = HEX_MASK.test(value);
        if (ok) status.capEff = BigInt(`0x${value}`);
        break;
      case 'CapBnd':
        ok = HEX_MASK.test(value);
        if (ok) status.capBnd = BigInt(`0x${value}`);
        break;
      case 'Threads':
        ok = DECIMAL.test(value);
        if (ok) status.threads = Number(value);
        break;
    }
    if (!ok) status.malformed++;
  }
  return status;
}

/** The wanted field that text[start, colon) names, if any (a loop: a closure per line was garbage). */
function wantedKey(text: string, start: number, colon: number): string | undefined {
  for (const key of WANTED) if (key.length === colon - start && text.startsWith(key, start)) return key;
  return undefined;
}

/** The kernel escapes only newline (as \n) and backslash (as \\) in the Name field; tabs stay raw. */
function unescapeName(escaped: string): string {
  return escaped.replace(/\\([\\n])/g, (_, c: string) => (c === 'n' ? '\n' : '\\'));
}

/** Number of capabilities in a CapEff/CapBnd mask. */
export function countBits(mask: bigint): number {
  if (mask < 0n) throw new RangeError('countBits expects a non-negative mask');
  let count = 0;
  // 32 bits at a time: a BigInt shift per bit allocated a BigInt per bit.
  for (let rest = mask; rest > 0n; rest >>= 32n) {
    let word = Number(rest & 0xffffffffn);
    for (; word !== 0; word = Math.floor(word / 2)) count += word % 2;
  }
  return count;
}
