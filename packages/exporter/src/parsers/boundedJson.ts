import { ParseError } from './parseError';

/**
 * JSON from outside the exporter (a runtime API's answer), parsed only when the heap can hold what it
 * becomes. Bytes alone do not bound that: `[{},{},…]` costs V8 ~64 bytes of heap per 3 bytes of text, so a
 * 16 MiB body of it is ~350 MiB, past the exporter's 256 MiB heap, where V8 aborts the process rather than
 * throw. Every value but the first follows a `[`, `,` or `:`, so counting those bytes (in strings too, which
 * only overcounts) bounds the values JSON.parse can make; with at most `maxValues` of them and `maxBytes` of
 * text the heap it takes is bounded (docs/benchmarks.md, "Bounds": measured).
 */
export interface JsonLimits {
  maxBytes: number;
  maxValues: number;
}

/** 16 MiB and a million values: ~5,000 containers of a real Docker list; ~100 MiB of heap at the worst. */
export const RUNTIME_JSON_LIMITS: JsonLimits = { maxBytes: 16 * 1024 * 1024, maxValues: 1024 * 1024 };

const COMMA = 0x2c;
const COLON = 0x3a;
const BRACKET = 0x5b;

/** The parsed value, or a ParseError when the text is too big, has too many values or is not JSON. */
export function parseBoundedJson(text: string | Buffer, limits: JsonLimits = RUNTIME_JSON_LIMITS): unknown {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  if (bytes.length > limits.maxBytes)
    throw new ParseError(`JSON of at most ${limits.maxBytes} bytes`, `${bytes.length} bytes`);
  let values = 1;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === COMMA || c === COLON || c === BRACKET) values++;
  }
  if (values > limits.maxValues)
    throw new ParseError(`JSON of at most ${limits.maxValues} values`, `${values} separators`);
  const source = typeof text === 'string' ? text : bytes.toString('utf8');
  try {
    return JSON.parse(source) as unknown;
  } catch (err) {
    throw new ParseError('JSON', `${source.slice(0, 40)} (${(err as Error).message})`);
  }
}
