import { parseCpuList } from './cpuList';
import { ParseError } from './parseError';

describe('parseCpuList', () => {
  it('reads cpuset.cpus of this host', () => {
    expect(parseCpuList('0-1\n')).toEqual([0, 1]);
  });

  it('expands ranges and single CPUs', () => {
    expect(parseCpuList('0-3,8,10-11\n')).toEqual([0, 1, 2, 3, 8, 10, 11]);
    expect(parseCpuList('5')).toEqual([5]);
    expect(parseCpuList('0-4,6,8-10')).toHaveLength(9);
  });

  it('returns no CPUs for an empty file (an unset v2 cpuset.cpus)', () => {
    expect(parseCpuList('')).toEqual([]);
    expect(parseCpuList('\n')).toEqual([]);
  });

  it('sorts and removes duplicates', () => {
    expect(parseCpuList('8,0-2,1')).toEqual([0, 1, 2, 8]);
  });

  it.each(['garbage', '0-', '-3', '3-1', '0,,1', '0-3:2', '1 2', '0-99999999'])('throws ParseError on %j', (text) => {
    expect(() => parseCpuList(text)).toThrow(ParseError);
  });
});
