import { cpuWeightToShares } from './cpuWeight';
import { ParseError } from './parseError';

describe('cpuWeightToShares', () => {
  it("reports the kernel's default weight 100 as cAdvisor does: 2597", () => {
    expect(cpuWeightToShares(100)).toBe(2597);
  });

  it("reports weight 39 (old runc for Docker's default 1024 shares) as 998, as cAdvisor does", () => {
    expect(cpuWeightToShares(39)).toBe(998);
  });

  it('maps the ends of the range onto the ends of the shares range', () => {
    expect(cpuWeightToShares(1)).toBe(2);
    expect(cpuWeightToShares(10000)).toBe(262144);
  });

  it('truncates like Go integer division instead of rounding', () => {
    // (2 - 1) * 262142 / 9999 = 26.22 → 26; (5 - 1) * 262142 / 9999 = 104.87 → 104
    expect(cpuWeightToShares(2)).toBe(28);
    expect(cpuWeightToShares(5)).toBe(106);
  });

  it.each([0, 10001, -1, 1.5, NaN])('throws ParseError for weight %p', (weight) => {
    expect(() => cpuWeightToShares(weight)).toThrow(ParseError);
  });
});
