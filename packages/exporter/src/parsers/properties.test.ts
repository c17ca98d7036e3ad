/**
 * Every parser, fed arbitrary text (as a hostile or broken host's file can be: any bytes, read as latin1)
 * or arbitrary strings, returns a value or throws its own ParseError, and nothing else: no TypeError, no
 * RangeError, no hang. The files' reader counts a ParseError as one read error (files/reader.ts); anything
 * else would fail the whole collector.
 */
import fc from 'fast-check';
import { parseBlkio } from './blkio';
import { parseBoundedJson } from './boundedJson';
import { parseCpuList } from './cpuList';
import { parseCpuMax } from './cpuMax';
import { cpuWeightToShares } from './cpuWeight';
import { parseDevice } from './device';
import { parseDiskstats, parseDiskstatsWithErrors } from './diskstats';
import { parseFlatKeyed } from './flatKeyed';
import { mapsRootToHostRoot, parseIdMap } from './idMap';
import { parseIoStat } from './ioStat';
import { parseMountinfo } from './mountinfo';
import { parseNetDev } from './netDev';
import { parseNamespaceLink } from './nsLink';
import { ParseError } from './parseError';
import { parsePressure } from './pressure';
import { parseBootTime, parseProcPidStat } from './procStat';
import { parseProcStatus } from './procStatus';
import { parseInteger, parseLimit, parseLimitOrZero, parseUint, tryParseUint } from './values';

const PARSERS: Record<string, (text: string) => unknown> = {
  parseBlkio,
  parseBoundedJson: (text) => parseBoundedJson(text, { maxBytes: 4096, maxValues: 256 }),
  parseCpuList,
  parseCpuMax,
  parseDevice,
  parseDiskstats,
  parseDiskstatsWithErrors,
  parseFlatKeyed,
  parseIdMap: (text) => mapsRootToHostRoot(parseIdMap(text).ranges),
  parseIoStat,
  parseMountinfo,
  parseNetDev,
  parseNamespaceLink,
  parsePressure,
  parseProcPidStat,
  parseBootTime,
  parseProcStatus,
  tryParseUint,
  parseUint,
  parseInteger,
  parseLimit,
  parseLimitOrZero,
};

/** Bytes as the exporter reads a file: latin1, NUL and high bytes included. */
const fileBytes = fc.uint8Array({ maxLength: 2048 }).map((b) => Buffer.from(b).toString('latin1'));
/** Text close to what the kernel writes: digits, keys, separators, signs, "max", huge numbers. */
const kernelish = fc
  .array(
    fc.oneof(
      fc.constantFrom(' ', '\n', '\t', ':', '=', '-', ',', '/', '(', ')', 'max', 'some', 'full', 'avg10=', 'total='),
      fc.constantFrom('18446744073709551615', '18446744073709551616', '99999999999999999999999', '-1', '0x1f'),
      fc.nat().map(String),
      fc.stringMatching(/^[a-z_.]{1,12}$/)
    ),
    { maxLength: 80 }
  )
  .map((parts) => parts.join(''));
const anyText = fc.oneof(fileBytes, kernelish, fc.string({ unit: 'binary', maxLength: 512 }));

function onlyValueOrParseError(parse: (text: string) => unknown, text: string): void {
  try {
    parse(text);
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
  }
}

describe.each(Object.entries(PARSERS))('%s on arbitrary input', (_name, parse) => {
  it('returns a value or throws its ParseError, nothing else', () => {
    fc.assert(
      fc.property(anyText, (text) => onlyValueOrParseError(parse, text)),
      { numRuns: 500 }
    );
  });
});

describe('number parsers on arbitrary numbers', () => {
  it('cpuWeightToShares gives shares or its ParseError for any number', () => {
    fc.assert(fc.property(fc.double(), (w) => onlyValueOrParseError(() => cpuWeightToShares(w), '')));
  });

  it('tryParseUint takes every u64 and nothing past it', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (n) => tryParseUint(n.toString()) === Number(n))
    );
    fc.assert(
      fc.property(fc.bigInt({ min: 2n ** 64n, max: 2n ** 80n }), (n) => tryParseUint(n.toString()) === undefined)
    );
  });
});
