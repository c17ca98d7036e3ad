import { parseMeminfo } from './meminfo';

describe('parseMeminfo', () => {
  it('reads kB values as bytes and unitless ones as they are', () => {
    const { values, malformed } = parseMeminfo(
      [
        'MemTotal:        4028440 kB',
        'SwapTotal:       1048572 kB',
        'SwapFree:         524288 kB',
        'HugePages_Total:       0',
        'DirectMap4k:      161664 kB',
        '',
      ].join('\n')
    );
    expect(malformed).toBe(0);
    expect(values.get('MemTotal')).toBe(4028440 * 1024);
    expect(values.get('SwapTotal')! - values.get('SwapFree')!).toBe((1048572 - 524288) * 1024);
    expect(values.get('HugePages_Total')).toBe(0);
  });

  it('counts lines that are not "Key: number [kB]" and keeps the rest', () => {
    const { values, malformed } = parseMeminfo('SwapTotal: lots kB\nSwapFree: 1 kB\nnonsense\nSwapCached: -1 kB\n');
    expect(malformed).toBe(3);
    expect([...values]).toEqual([['SwapFree', 1024]]);
  });
});
