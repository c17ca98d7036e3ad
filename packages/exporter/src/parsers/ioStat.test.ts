import { parseIoStat } from './ioStat';

// The example output in the kernel's Documentation/admin-guide/cgroup-v2.rst (io.stat).
const DOC_EXAMPLE = `8:16 rbytes=1459200 wbytes=314773504 rios=192 wios=353 dbytes=0 dios=0
8:0 rbytes=90430464 wbytes=299008000 rios=8950 wios=1252 dbytes=50331648 dios=3021
`;

describe('parseIoStat', () => {
  it('reads the documented example, one entry per device, in file order', () => {
    const { devices, malformed } = parseIoStat(DOC_EXAMPLE);
    expect(malformed).toBe(0);
    expect(devices.map((d) => `${d.major}:${d.minor}`)).toEqual(['8:16', '8:0']);
    expect(Object.fromEntries(devices[0].values)).toEqual({
      rbytes: 1459200,
      wbytes: 314773504,
      rios: 192,
      wios: 353,
      dbytes: 0,
      dios: 0,
    });
    expect(devices[1].values.get('rbytes')).toBe(90430464);
    expect(devices[1].values.get('wios')).toBe(1252);
    expect(devices[1].values.get('dbytes')).toBe(50331648);
  });

  it('keeps lines carrying io.latency and iocost extras; "max" values are left out', () => {
    const { devices, malformed } = parseIoStat(
      '259:0 rbytes=4096 wbytes=0 rios=1 wios=0 dbytes=0 dios=0 cost.vrate=100.00 cost.usage=5 depth=max avg_lat=12 win=100 use_delay=-1 delay=0\n'
    );
    expect(malformed).toBe(0);
    const values = devices[0].values;
    expect(values.get('rbytes')).toBe(4096);
    expect(values.get('cost.vrate')).toBe(100);
    expect(values.get('avg_lat')).toBe(12);
    expect(values.get('use_delay')).toBe(-1);
    expect(values.has('depth')).toBe(false);
  });

  it('accepts a device line with no stats yet', () => {
    const { devices, malformed } = parseIoStat('253:0 \n');
    expect(malformed).toBe(0);
    expect(devices).toEqual([{ major: 253, minor: 0, values: new Map() }]);
  });

  it('returns nothing for an empty file (a cgroup that has done no IO)', () => {
    expect(parseIoStat('')).toEqual({ devices: [], malformed: 0 });
  });

  it('skips and counts bad lines, keeping the rest', () => {
    const text = `sda rbytes=1\n8:x rbytes=1\n8:1 rbytes\n8:2 rbytes=abc\n8:3 =5\n${DOC_EXAMPLE}`;
    const { devices, malformed } = parseIoStat(text);
    expect(malformed).toBe(5);
    expect(devices).toHaveLength(2);
  });

  it('keeps byte counters beyond 2^53 as the nearest Number', () => {
    expect(parseIoStat('8:0 rbytes=18446744073709551615\n').devices[0].values.get('rbytes')).toBe(2 ** 64);
  });
});
