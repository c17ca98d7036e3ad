import fc from 'fast-check';
import { parsePressure } from './pressure';

describe('parsePressure', () => {
  it('reads cpu.pressure (this host, /sys/fs/cgroup/unified)', () => {
    const result = parsePressure(
      'some avg10=0.14 avg60=0.46 avg300=0.80 total=20104363\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n'
    );
    expect(result).toEqual({
      some: { avg10: 0.14, avg60: 0.46, avg300: 0.8, totalUsec: 20104363 },
      full: { avg10: 0, avg60: 0, avg300: 0, totalUsec: 0 },
      malformed: 0,
    });
  });

  it('reads io.pressure (this host)', () => {
    const result = parsePressure(
      'some avg10=0.02 avg60=0.22 avg300=1.67 total=16197880\nfull avg10=0.02 avg60=0.21 avg300=1.62 total=15707234\n'
    );
    expect(result.some?.totalUsec).toBe(16197880);
    expect(result.full?.totalUsec).toBe(15707234);
    expect(result.full?.avg300).toBe(1.62);
  });

  it('leaves "full" absent when the kernel has none (cpu.pressure before 5.13)', () => {
    const result = parsePressure('some avg10=0.00 avg60=0.00 avg300=0.00 total=12345\n');
    expect(result.some?.totalUsec).toBe(12345);
    expect(result.full).toBeUndefined();
    expect(result.malformed).toBe(0);
  });

  it('rejects a line with trailing garbage instead of reading a truncated total', () => {
    const result = parsePressure(
      'some avg10=0.00 avg60=0.00 avg300=0.00 total=12x\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=5 extra=1\n'
    );
    expect(result).toEqual({ malformed: 2 });
  });

  it('returns nothing for an empty file', () => {
    expect(parsePressure('')).toEqual({ malformed: 0 });
  });

  it('skips and counts bad lines, keeping the good one', () => {
    const result = parsePressure(
      'some avg10=0.00 avg60=0.00 total=1\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=99\nsome avg10=x avg60=0 avg300=0 total=1\nhalf avg10=0 avg60=0 avg300=0 total=1\n'
    );
    expect(result.malformed).toBe(3);
    expect(result.some).toBeUndefined();
    expect(result.full?.totalUsec).toBe(99);
  });

  it('reads any line as a regular expression of the format would (the kernel spelling is read in place)', () => {
    const LINE = /^(some|full)\s+avg10=(\d+(?:\.\d+)?)\s+avg60=(\d+(?:\.\d+)?)\s+avg300=(\d+(?:\.\d+)?)\s+total=(\d+)$/;
    const reference = (text: string) => {
      const result: Record<string, unknown> = { malformed: 0 };
      for (const line of text.split('\n')) {
        const trimmed = line.trim();
        if (trimmed === '') continue;
        const m = LINE.exec(trimmed);
        if (!m) (result.malformed as number)++;
        else result[m[1]] = { avg10: +m[2], avg60: +m[3], avg300: +m[4], totalUsec: +m[5] };
      }
      return result;
    };
    const decimal = fc.oneof(
      fc.nat().map(String),
      fc.tuple(fc.nat(), fc.stringMatching(/^\d{0,7}$/)).map(([i, f]) => `${i}.${f}`),
      fc.constantFrom('0.00', '12.34', '99999999999999.9', '1.', '.5', '007.10')
    );
    const total = fc.oneof(fc.bigInt({ min: 0n, max: 1n << 70n }).map(String), fc.constantFrom('', '12a', '0'));
    const blank = fc.constantFrom(' ', '  ', '\t', '');
    const line = fc.oneof(
      fc
        .tuple(fc.constantFrom('some', 'full', 'somex', 'Some'), blank, decimal, decimal, decimal, total, blank)
        .map(([k, b, a, c, d, t, e]) => `${k} avg10=${a}${b || ' '}avg60=${c} avg300=${d} total=${t}${e}`),
      fc.string({ maxLength: 40 })
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 4 }), (lines) => {
        const text = lines.join('\n');
        expect(parsePressure(text)).toEqual(reference(text));
      }),
      { numRuns: 3000 }
    );
  });
});
