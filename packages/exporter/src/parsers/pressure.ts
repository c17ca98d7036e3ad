export interface PressureLine {
  avg10: number;
  avg60: number;
  avg300: number;
  /** Cumulative stall time in microseconds. */
  totalUsec: number;
}

export interface Pressure {
  some?: PressureLine;
  full?: PressureLine;
  malformed: number;
}

const LINE = /^(some|full)\s+avg10=(\d+(?:\.\d+)?)\s+avg60=(\d+(?:\.\d+)?)\s+avg300=(\d+(?:\.\d+)?)\s+total=(\d+)$/;

const ZERO = 48;
const NINE = 57;
const DOT = 46;
const FIELDS = [' avg10=', ' avg60=', ' avg300=', ' total='] as const;
const POWERS_OF_TEN = [1, 10, 100, 1000, 10000, 100000];

/**
 * The kernel's own spelling of a PSI line, `some avg10=0.00 avg60=0.00 avg300=0.00 total=0`, read in place
 * from text[start, end): no slice, no regex match (six PSI lines per container and scrape). Undefined for
 * anything else, which the general parser below then judges.
 */
function kernelLine(text: string, start: number, end: number): PressureLine | undefined {
  let at = start + 4; // after "some" or "full"
  const numbers = [0, 0, 0, 0];
  for (let f = 0; f < FIELDS.length; f++) {
    if (!text.startsWith(FIELDS[f], at)) return undefined;
    at += FIELDS[f].length;
    let digits = 0;
    let value = 0;
    let fraction = -1;
    for (; at < end; at++) {
      const c = text.charCodeAt(at);
      if (c >= ZERO && c <= NINE) {
        value = value * 10 + (c - ZERO);
        digits++;
        if (fraction >= 0) fraction++;
      } else if (c === DOT && fraction < 0 && f < 3 && digits > 0) fraction = 0;
      else break;
    }
    // More digits than a double holds exactly, or a dot without decimals: the general path decides.
    if (digits === 0 || digits > 15 || fraction === 0 || fraction >= POWERS_OF_TEN.length) return undefined;
    // One correctly rounded division: the same double as Number() of the decimal text.
    numbers[f] = fraction > 0 ? value / POWERS_OF_TEN[fraction] : value;
  }
  if (at !== end) return undefined;
  return { avg10: numbers[0], avg60: numbers[1], avg300: numbers[2], totalUsec: numbers[3] };
}

/**
 * PSI files (cpu.pressure, memory.pressure, io.pressure): a "some" and a "full" line. Kernels before 5.13
 * have no "full" line in cpu.pressure, so a missing line is absent, not malformed.
 */
export function parsePressure(text: string): Pressure {
  const result: Pressure = { malformed: 0 };
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const kind = text.startsWith('some', start) ? 'some' : text.startsWith('full', start) ? 'full' : undefined;
    const fast = kind === undefined ? undefined : kernelLine(text, start, end);
    if (fast !== undefined) result[kind!] = fast;
    else generalLine(text.slice(start, end), result);
    start = end + 1;
  }
  return result;
}

/** Any other line: blank, other blanks, or malformed (counted). */
function generalLine(line: string, result: Pressure): void {
  const trimmed = line.trim();
  if (trimmed === '') return;
  const match = LINE.exec(trimmed);
  if (!match) {
    result.malformed++;
    return;
  }
  result[match[1] as 'some' | 'full'] = {
    avg10: Number(match[2]),
    avg60: Number(match[3]),
    avg300: Number(match[4]),
    totalUsec: Number(match[5]),
  };
}
