import { ParseError } from './parseError';

const MIN_WEIGHT = 1;
const MAX_WEIGHT = 10000;

/**
 * cgroup v2 cpu.weight → the v1 cpu.shares that container_spec_cpu_shares reports.
 *
 * Source: cAdvisor container/common/helpers.go, convertCPUWeightToCPULimit (v0.5x main):
 * shares = 2 + ((weight − 1) · 262142) / 9999 in uint64, i.e. truncating division, and an error for a
 * weight outside [1, 10000]. We copy the truncation exactly so dashboards see cAdvisor's numbers:
 * weight 100 (the kernel default, and what newer runc writes for 1024 shares) → 2597, not 1024;
 * weight 39 (what runc ≤ 1.3 wrote for Docker's default 1024 shares) → 998.
 *
 * It is not the inverse of opencontainers/cgroups' ConvertCPUSharesToCgroupV2Value: the old linear
 * forward formula also truncates, so shares do not round-trip, and the current one (runc PR 4785) is a
 * log-quadratic curve that maps 1024 → 100. cAdvisor ignored both, and compatibility is the point here.
 */
export function cpuWeightToShares(weight: number): number {
  if (!Number.isInteger(weight) || weight < MIN_WEIGHT || weight > MAX_WEIGHT) {
    throw new ParseError(`a cpu.weight integer in [${MIN_WEIGHT}, ${MAX_WEIGHT}]`, String(weight));
  }
  return 2 + Math.floor(((weight - 1) * 262142) / 9999);
}
