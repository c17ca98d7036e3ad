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

const HEX_MASK = /^[0-9a-fA-F]{1,32}$/;
const DECIMAL = /^\d+$/;

/**
 * /proc/<pid>/status. Only the fields the security and tasks collectors use; a field with a bad value is
 * left out and counted so the caller can count an error without losing the others.
 */
export function parseProcStatus(text: string): ProcStatus {
  const status: ProcStatus = { malformed: 0 };
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon);
    const raw = line.slice(colon + 1);
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

/** The kernel escapes only newline (as \n) and backslash (as \\) in the Name field; tabs stay raw. */
function unescapeName(escaped: string): string {
  return escaped.replace(/\\([\\n])/g, (_, c: string) => (c === 'n' ? '\n' : '\\'));
}

/** Number of capabilities in a CapEff/CapBnd mask. */
export function countBits(mask: bigint): number {
  if (mask < 0n) throw new RangeError('countBits expects a non-negative mask');
  let count = 0;
  for (let rest = mask; rest > 0n; rest >>= 1n) count += Number(rest & 1n);
  return count;
}
