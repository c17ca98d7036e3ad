import { parseCpuMax } from './cpuMax';
import { ParseError } from './parseError';

describe('parseCpuMax', () => {
  it('reads the default "max 100000" as no quota', () => {
    expect(parseCpuMax('max 100000\n')).toEqual({ quota: null, period: 100000 });
  });

  it('reads a quota (docker --cpus=1.5)', () => {
    expect(parseCpuMax('150000 100000\n')).toEqual({ quota: 150000, period: 100000 });
  });

  it.each(['', '\n', 'max', '150000', 'max max', '150000 100000 1', '-1 100000', '1.5 100000', '150000 0'])(
    'throws ParseError on %j',
    (text) => {
      expect(() => parseCpuMax(text)).toThrow(ParseError);
    }
  );
});
