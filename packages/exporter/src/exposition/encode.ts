import { formatValue } from './format';

/*
 * The series line of format.ts written straight into a chunk's bytes: `name{prefix,extra} value\n`, with the
 * family's name and the container's labels encoded once and copied, the family's own labels and the value
 * written byte by byte. Building each line as a string and encoding the strings allocated about four bytes
 * for every byte sent, most of a scrape's garbage (docs/benchmarks.md, "Eighth round"); this allocates
 * nothing per line but the text of a non-integer value. format.ts stays the reference spelling: the tests
 * hold the two byte for byte equal.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;
const COMMA = 0x2c;
const EQUALS = 0x3d;
const OPEN = 0x7b;
const CLOSE = 0x7d;
const SPACE = 0x20;
const MINUS = 0x2d;
const ZERO = 0x30;
const N_LOWER = 0x6e;

/** The most bytes a value takes (`String` of a double is at most 24 characters, `-1.2345678901234567e-308`). */
const VALUE_BYTES = 25;

/** `src` copied to `dst` at `at`; the end. (A loop: `set` costs more than it saves for a few dozen bytes.) */
function copy(dst: Uint8Array, at: number, src: Uint8Array): number {
  const n = src.length;
  if (n > 64) {
    dst.set(src, at);
    return at + n;
  }
  for (let i = 0; i < n; i++) dst[at + i] = src[i];
  return at + n;
}

/** An ASCII string (a label name, a number's digits) at `at`; the end. */
function ascii(dst: Uint8Array, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) dst[at++] = text.charCodeAt(i);
  return at;
}

/** A label value, escaped as the format asks and UTF-8 encoded, at `at`; the end. */
function labelValue(dst: Buffer, at: number, value: string): number {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x80) return dst.write(escapedTail(value, i), at, 'utf8') + at;
    if (c === BACKSLASH || c === QUOTE) {
      dst[at++] = BACKSLASH;
      dst[at++] = c;
    } else if (c === NEWLINE) {
      dst[at++] = BACKSLASH;
      dst[at++] = N_LOWER;
    } else {
      dst[at++] = c;
    }
  }
  return at;
}

/** The rest of a value from the first non-ASCII character on, escaped (the rare path: one string of it). */
function escapedTail(value: string, from: number): string {
  return value.slice(from).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** A sample value as formatValue spells it, at `at`; the end. Integers without a string. */
function sampleValue(dst: Uint8Array, at: number, value: number): number {
  if (!Number.isSafeInteger(value)) return ascii(dst, at, formatValue(value));
  let v = value;
  if (v < 0) {
    dst[at++] = MINUS;
    v = -v;
  }
  let digits = 1;
  for (let rest = v; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  const end = at + digits;
  for (let i = end - 1; i >= at; i--) {
    dst[i] = ZERO + (v % 10);
    v = Math.floor(v / 10);
  }
  return end;
}

/**
 * The most bytes `seriesBytes` can write for these parts: a chunk with less room than this takes the line
 * on a fresh one. Label values count six bytes per UTF-16 unit (an escape of a three-byte character).
 */
export function seriesBound(name: Uint8Array, prefix: Uint8Array, extra: Record<string, string> | undefined): number {
  let n = name.length + prefix.length + 4 + VALUE_BYTES;
  if (extra) for (const key in extra) n += key.length + 4 + 6 * extra[key].length;
  return n;
}

/**
 * `name{prefix,extra} value\n` at `at` of `dst`, which has room for `seriesBound` bytes; the end. `prefix` is
 * a container's label pairs already encoded (`labelPairs` of format.ts, as UTF-8), possibly empty; `extra`
 * the family's own labels. The same bytes as `seriesLine(name, joinLabelPairs(prefix, labelPairs(extra)),
 * value)`.
 */
export function seriesBytes(
  dst: Buffer,
  at: number,
  name: Uint8Array,
  prefix: Uint8Array,
  extra: Record<string, string> | undefined,
  value: number
): number {
  at = copy(dst, at, name);
  let pairs = prefix.length > 0;
  if (pairs || extra) {
    dst[at++] = OPEN;
    at = copy(dst, at, prefix);
    if (extra) {
      for (const key in extra) {
        if (pairs) dst[at++] = COMMA;
        pairs = true;
        at = ascii(dst, at, key);
        dst[at++] = EQUALS;
        dst[at++] = QUOTE;
        at = labelValue(dst, at, extra[key]);
        dst[at++] = QUOTE;
      }
    }
    // `{}` for an empty extra object, as joinLabelPairs writes it.
    dst[at++] = CLOSE;
  }
  dst[at++] = SPACE;
  at = sampleValue(dst, at, value);
  dst[at++] = NEWLINE;
  return at;
}
