import { ParseError } from './parseError';

const UINT = /^\d+$/;
const INT = /^-?\d+$/;

/**
 * Kernel counters are u64; Number() rounds anything above 2^53 to the nearest double, which is what the
 * brief asks for (exposition is float64 anyway).
 */
export function tryParseUint(token: string): number | undefined {
  if (!UINT.test(token)) return undefined;
  // Past u64 is no kernel's number (Number() alone cannot tell 2^64 from 2^64 - 1): malformed.
  if (token.length >= U64_MAX.length && isAboveU64(token)) return undefined;
  return Number(token);
}

const U64_MAX = '18446744073709551615';

/** Whether a string of digits is more than 2^64 - 1 (leading zeros allowed). */
function isAboveU64(digits: string): boolean {
  const significant = digits.replace(/^0+(?=\d)/, '');
  return significant.length > U64_MAX.length || (significant.length === U64_MAX.length && significant > U64_MAX);
}

export function parseUint(text: string): number {
  const value = tryParseUint(text.trim());
  if (value === undefined) throw new ParseError('a non-negative integer', text);
  return value;
}

/** For v1 files that use -1 as "no limit" (cpu.cfs_quota_us). */
export function parseInteger(text: string): number {
  const trimmed = text.trim();
  if (!INT.test(trimmed)) throw new ParseError('an integer', text);
  const value = Number(trimmed);
  // "-0" would otherwise leak a negative zero into comparisons with Object.is and into the exposition.
  return value === 0 ? 0 : value;
}

/** cgroup v2 limit files (memory.max, pids.max, memory.swap.max) say "max" for none. */
export function parseLimit(text: string): number | null {
  if (text.trim() === 'max') return null;
  try {
    return parseUint(text);
  } catch {
    throw new ParseError('"max" or a non-negative integer', text);
  }
}

/** A v2 limit file as cAdvisor reports it: "max" (no limit) is 0. */
export function parseLimitOrZero(text: string): number {
  return parseLimit(text) ?? 0;
}

/**
 * v1 has no "max": an unset memory limit reads PAGE_COUNTER_MAX pages in bytes (9223372036854771712 with
 * 4 KiB pages, a little less with 64 KiB pages). cAdvisor's users expect those to mean "none", and no real
 * limit comes near 2^62 bytes.
 */
export const V1_UNLIMITED_THRESHOLD = 2 ** 62;

export function isUnlimited(limit: number | null): boolean {
  return limit === null || limit >= V1_UNLIMITED_THRESHOLD;
}
