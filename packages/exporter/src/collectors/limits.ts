import { METRICS } from '@isoscope/shared';
import { parseCpuList } from '../parsers/cpuList';
import { parseCpuMax } from '../parsers/cpuMax';
import { cpuWeightToShares } from '../parsers/cpuWeight';
import { parseInteger, parseLimitOrZero, parseUint, V1_UNLIMITED_THRESHOLD } from '../parsers/values';
import type { Scrape } from '../scrape/scrape';
import type { Collector } from './collector';
import type { Target } from '../scrape/target';
import { controllerFile, isV1 } from './cgroupFiles';

/**
 * The container's spec, reported as cAdvisor does: no memory limit → 0; no CPU quota → no quota series
 * (the period is still there); CPU weight on v2 → the v1 shares it stands for.
 */
export const limitsCollector: Collector = {
  name: 'limits',
  collect(scrape, target) {
    collectCpu(scrape, target);
    collectCpuset(scrape, target);
    collectMemory(scrape, target);
  },
};

function collectCpu(scrape: Scrape, t: Target): void {
  const reader = scrape.reader('limits', t);
  const file = (name: string) => controllerFile(scrape, t, 'cpu', name);
  if (isV1(scrape, 'cpu')) {
    const quota = reader.parse(file('cpu.cfs_quota_us'), parseInteger);
    const period = reader.parse(file('cpu.cfs_period_us'), parseUint);
    const shares = reader.parse(file('cpu.shares'), parseUint);
    if (quota !== undefined && quota > 0) scrape.emit(METRICS.specCpuQuota, t, quota);
    if (period !== undefined) scrape.emit(METRICS.specCpuPeriod, t, period);
    if (shares !== undefined) scrape.emit(METRICS.specCpuShares, t, shares);
    return;
  }
  // Without the cpu controller enabled for the cgroup, v2 has no cpu.max / cpu.weight: nothing to report.
  const max = reader.parse(file('cpu.max'), parseCpuMax, { optional: true });
  if (max) {
    if (max.quota !== null) scrape.emit(METRICS.specCpuQuota, t, max.quota);
    scrape.emit(METRICS.specCpuPeriod, t, max.period);
  }
  // The default weight 100 reads 2597 in cAdvisor and here.
  const shares = reader.parse(file('cpu.weight'), parseWeightAsShares, { optional: true });
  if (shares !== undefined) scrape.emit(METRICS.specCpuShares, t, shares);
}

function collectCpuset(scrape: Scrape, t: Target): void {
  const reader = scrape.reader('limits', t);
  // The effective set is what the scheduler honours (an empty cpuset.cpus inherits the parent's); old v1
  // kernels lack cpuset.effective_cpus, where cpuset.cpus is all there is.
  const read = (file: string) =>
    reader.parse(controllerFile(scrape, t, 'cpuset', file), parseCpuList, { optional: true });
  const cpus = isV1(scrape, 'cpuset')
    ? (read('cpuset.effective_cpus') ?? read('cpuset.cpus'))
    : read('cpuset.cpus.effective');
  if (cpus !== undefined && cpus.length > 0) scrape.emit(METRICS.specCpusetCpus, t, cpus.length);
}

function collectMemory(scrape: Scrape, t: Target): void {
  const reader = scrape.reader('limits', t);
  const file = (name: string) => controllerFile(scrape, t, 'memory', name);
  if (isV1(scrape, 'memory')) {
    const limit = reader.parse(file('memory.limit_in_bytes'), parseV1Limit);
    // memsw files exist only with swap accounting enabled.
    const swapLimit = reader.parse(file('memory.memsw.limit_in_bytes'), parseV1Limit, { optional: true });
    const reservation = reader.parse(file('memory.soft_limit_in_bytes'), parseV1Limit);
    if (limit !== undefined) scrape.emit(METRICS.specMemoryLimit, t, limit);
    if (swapLimit !== undefined) scrape.emit(METRICS.specMemorySwapLimit, t, swapLimit);
    if (reservation !== undefined) scrape.emit(METRICS.specMemoryReservationLimit, t, reservation);
    return;
  }
  const limit = reader.parse(file('memory.max'), parseLimitOrZero);
  const swapLimit = reader.parse(file('memory.swap.max'), parseLimitOrZero, { optional: true });
  const reservation = reader.parse(file('memory.min'), parseLimitOrZero);
  if (limit !== undefined) scrape.emit(METRICS.specMemoryLimit, t, limit);
  if (swapLimit !== undefined) scrape.emit(METRICS.specMemorySwapLimit, t, swapLimit);
  if (reservation !== undefined) scrape.emit(METRICS.specMemoryReservationLimit, t, reservation);
}

/**
 * A v1 memory limit file. v1 writes "no limit" as the largest page-aligned signed 64-bit number
 * (9223372036854771712 with 4 KiB pages); anything above 2^62 is that marker, reported as 0 as cAdvisor does.
 */
function parseV1Limit(text: string): number {
  const v = parseUint(text);
  return v > V1_UNLIMITED_THRESHOLD ? 0 : v;
}

/** cpu.weight as the v1 shares it stands for: cAdvisor's conversion, truncating as Go does. */
function parseWeightAsShares(text: string): number {
  return cpuWeightToShares(parseUint(text));
}
