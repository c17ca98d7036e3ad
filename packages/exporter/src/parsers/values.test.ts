import { ParseError } from './parseError';
import { isUnlimited, parseInteger, parseLimit, parseUint, V1_UNLIMITED_THRESHOLD } from './values';

describe('parseUint', () => {
  it('reads single-value files with their trailing newline', () => {
    // /sys/fs/cgroup/cpu/cpu.shares on this host
    expect(parseUint('1024\n')).toBe(1024);
    expect(parseUint('  0 \n')).toBe(0);
  });

  it("keeps v1's unlimited memory.limit_in_bytes (2^63 - 4096) exactly: it is a double", () => {
    // /sys/fs/cgroup/memory/memory.limit_in_bytes on this host
    expect(parseUint('9223372036854771712\n')).toBe(9223372036854771712);
    expect(parseUint('9223372036854771712\n')).toBe(2 ** 63 - 4096);
  });

  it('rounds values above 2^53 to the nearest Number', () => {
    expect(parseUint('18446744073709551615')).toBe(2 ** 64);
    expect(parseUint('9007199254740993')).toBe(9007199254740992);
  });

  it.each(['', '\n', 'max', '-1', '+5', '1.5', '1e3', '4 2', '0x10', '12abc'])('throws ParseError on %j', (text) => {
    expect(() => parseUint(text)).toThrow(ParseError);
  });

  it('says what it found', () => {
    expect(() => parseUint('max\n')).toThrow('expected a non-negative integer, found "max\\n"');
  });
});

describe('parseInteger', () => {
  it('reads cpu.cfs_quota_us "-1" (no quota)', () => {
    // /sys/fs/cgroup/cpu/cpu.cfs_quota_us on this host
    expect(parseInteger('-1\n')).toBe(-1);
  });

  it('reads positive values and normalises -0', () => {
    expect(parseInteger('50000\n')).toBe(50000);
    expect(Object.is(parseInteger('-0'), 0)).toBe(true);
  });

  it.each(['', '-', '--1', 'max', '1-', '- 1'])('throws ParseError on %j', (text) => {
    expect(() => parseInteger(text)).toThrow(ParseError);
  });
});

describe('parseLimit', () => {
  it('maps "max" to null', () => {
    expect(parseLimit('max\n')).toBeNull();
  });

  it('reads a number', () => {
    expect(parseLimit('536870912\n')).toBe(536870912);
  });

  it('does not treat v1 huge values as null: the caller decides with isUnlimited', () => {
    expect(parseLimit('9223372036854771712\n')).toBe(9223372036854771712);
  });

  it.each(['', 'Max', 'max max', '-1', 'unlimited'])('throws ParseError on %j', (text) => {
    expect(() => parseLimit(text)).toThrow(ParseError);
  });
});

describe('isUnlimited', () => {
  it('is true for "max" and for v1 page-counter maxima with 4K and 64K pages', () => {
    expect(isUnlimited(null)).toBe(true);
    expect(isUnlimited(9223372036854771712)).toBe(true);
    expect(isUnlimited(9223372036854710272)).toBe(true);
  });

  it('is false for real limits, even huge ones', () => {
    expect(isUnlimited(0)).toBe(false);
    expect(isUnlimited(536870912)).toBe(false);
    expect(isUnlimited(2 ** 50)).toBe(false);
    expect(isUnlimited(V1_UNLIMITED_THRESHOLD - 2 ** 20)).toBe(false);
  });
});
