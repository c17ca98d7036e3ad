import { ParseError } from './parseError';
import { parseBootTime, parseProcPidStat } from './procStat';

// /proc/self/stat of `cat` on this host.
const CAT =
  '6440 (cat) R 6374 6374 4913 0 -1 4194304 104 0 0 0 0 0 0 0 20 0 1 0 2167451 3133440 390 18446744073709551615 94764990132224 94764990152105 140726620391984 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 94764990168112 94764990169728 94765470535680 140726620396246 140726620396266 140726620396266 140726620397547 0\n';

// A copy of sleep named "x) (y z" on this host: comm with spaces and both parentheses.
const TRICKY =
  '7132 (x) (y z) S 7129 7129 4913 0 -1 4194304 134 0 0 0 0 0 0 0 20 0 1 0 2174691 2990080 411 18446744073709551615 93969431392256 93969431410185 140736872841232 0 0 0 0 6 0 1 0 0 17 1 0 0 0 0 0 93969431424272 93969431425536 93969442492416 140736872848100 140736872848116 140736872848116 140736872849387 0\n';

describe('parseProcPidStat', () => {
  it('reads starttime (field 22) in clock ticks', () => {
    expect(parseProcPidStat(CAT)).toEqual({ startTimeTicks: 2167451 });
  });

  it('is not fooled by spaces and parentheses in comm', () => {
    expect(parseProcPidStat(TRICKY).startTimeTicks).toBe(2174691);
  });

  it('handles comm ending in ")" and comm holding a newline', () => {
    const rest = ' S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 424242 0 0';
    expect(parseProcPidStat(`9 (a)))${rest}`).startTimeTicks).toBe(424242);
    expect(parseProcPidStat(`9 (a\nb)${rest}`).startTimeTicks).toBe(424242);
  });

  it.each([
    ['empty', ''],
    ['no comm', '6440 cat R 6374'],
    ['truncated', '6440 (cat) R 6374 6374 4913 0 -1'],
    ['non-numeric starttime', '9 (a) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 soon 0 0'],
  ])('throws ParseError when %s', (_, text) => {
    expect(() => parseProcPidStat(text)).toThrow(ParseError);
  });
});

// The start of /proc/stat on this host (the intr line shortened).
const PROC_STAT = `cpu  4581 0 6153 4316811 1923 0 60 57 0 0
cpu0 1763 0 2443 2160776 119 0 15 24 0 0
cpu1 2818 0 3709 2156035 1804 0 44 32 0 0
intr 643778 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 1 14 0 0 0 0 4334
ctxt 1178764
btime 1795728176
processes 6442
procs_running 1
procs_blocked 0
softirq 676223 0 210825 4 8513 42691 0 4 298006 0 116180
`;

describe('parseBootTime', () => {
  it('reads btime in seconds since the epoch', () => {
    expect(parseBootTime(PROC_STAT)).toBe(1795728176);
  });

  it('throws ParseError when there is no btime line', () => {
    expect(() => parseBootTime('')).toThrow(ParseError);
    expect(() => parseBootTime('cpu  1 2 3\nctxt 5\n')).toThrow(ParseError);
  });

  it('throws ParseError on a malformed btime line rather than reading another', () => {
    expect(() => parseBootTime('btime soon\nbtimex 5\n')).toThrow(ParseError);
  });
});
