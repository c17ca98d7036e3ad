import { ParseError } from './parseError';
import { tryParseUint } from './values';

export interface CpuMax {
  /** Microseconds per period; null when "max" (no quota). */
  quota: number | null;
  period: number;
}

/** v2 cpu.max: "$MAX $PERIOD", where $MAX may be "max". */
export function parseCpuMax(text: string): CpuMax {
  const fields = text.trim().split(/\s+/);
  const expected = '"<quota|max> <period>"';
  if (fields.length !== 2) throw new ParseError(expected, text);
  const quota = fields[0] === 'max' ? null : tryParseUint(fields[0]);
  const period = tryParseUint(fields[1]);
  // A zero period would make quota/period (the CPU count users chart) infinite.
  if (quota === undefined || period === undefined || period === 0) throw new ParseError(expected, text);
  return { quota, period };
}
