import { CPU_LABEL_TOTAL, METRICS } from '@isoscope/shared';
import { parseUint } from '../parsers/values';
import { FlatKeys } from '../parsers/flatKeyed';
import type { Scrape } from '../scrape/scrape';
import type { Collector } from './collector';
import type { Target } from '../scrape/target';
import { controllerFile, isV1, readFlatKeyed, requireKey } from './cgroupFiles';

/** cpuacct.stat counts in USER_HZ ticks, which Linux fixes at 100 per second for user space. */
const USER_HZ = 100;
const TOTAL = { cpu: CPU_LABEL_TOTAL };

/**
 * CPU time and CFS throttling. v2: cpu.stat (µs). v1: cpuacct.usage (ns) and cpuacct.stat (ticks) for
 * time, cpu.stat (throttled_time in ns) for throttling. Throttling keys exist only where the cpu
 * controller is enabled, so their absence is not an error. The machine's are the same files of the root
 * cgroup, as cAdvisor reads them: v2's root cpu.stat has the time and no throttling (nothing limits the
 * root), v1's root files have both.
 */
export const cpuCollector: Collector = {
  name: 'cpu',
  collect,
  machine: collect,
};

type ThrottlingKey = 'nr_periods' | 'nr_throttled';
const THROTTLING: ThrottlingKey[] = ['nr_periods', 'nr_throttled'];
/** The keys read from each file (what a kernel adds over time is skipped without being cut out). */
const V2_CPU_STAT = new FlatKeys(['usage_usec', 'user_usec', 'system_usec', 'throttled_usec', ...THROTTLING]);
const V1_CPUACCT_STAT = new FlatKeys(['user', 'system']);
const V1_CPU_STAT = new FlatKeys(['throttled_time', ...THROTTLING]);

function collect(scrape: Scrape, target: Target): void {
  if (isV1(scrape, 'cpuacct') || isV1(scrape, 'cpu')) collectV1(scrape, target);
  else collectV2(scrape, target);
}

function collectV2(scrape: Scrape, t: Target): void {
  const reader = scrape.reader('cpu', t);
  const path = controllerFile(scrape, t, 'cpu', 'cpu.stat');
  const stat = readFlatKeyed(reader, path, V2_CPU_STAT);
  if (!stat) return;
  const usage = requireKey(reader, path, stat, 'usage_usec');
  const user = requireKey(reader, path, stat, 'user_usec');
  const system = requireKey(reader, path, stat, 'system_usec');
  if (usage !== undefined) scrape.emit(METRICS.cpuUsageSeconds, t, usage / 1e6, TOTAL);
  if (user !== undefined) scrape.emit(METRICS.cpuUserSeconds, t, user / 1e6);
  if (system !== undefined) scrape.emit(METRICS.cpuSystemSeconds, t, system / 1e6);
  emitThrottling(scrape, t, stat, stat.get('throttled_usec'), 1e6);
}

function collectV1(scrape: Scrape, t: Target): void {
  const reader = scrape.reader('cpu', t);
  const usage = reader.parse(controllerFile(scrape, t, 'cpuacct', 'cpuacct.usage'), parseUint);
  if (usage !== undefined) scrape.emit(METRICS.cpuUsageSeconds, t, usage / 1e9, TOTAL);
  const acctPath = controllerFile(scrape, t, 'cpuacct', 'cpuacct.stat');
  const acct = readFlatKeyed(reader, acctPath, V1_CPUACCT_STAT);
  if (acct) {
    const user = requireKey(reader, acctPath, acct, 'user');
    const system = requireKey(reader, acctPath, acct, 'system');
    if (user !== undefined) scrape.emit(METRICS.cpuUserSeconds, t, user / USER_HZ);
    if (system !== undefined) scrape.emit(METRICS.cpuSystemSeconds, t, system / USER_HZ);
  }
  const stat = readFlatKeyed(reader, controllerFile(scrape, t, 'cpu', 'cpu.stat'), V1_CPU_STAT);
  if (stat) emitThrottling(scrape, t, stat, stat.get('throttled_time'), 1e9);
}

function emitThrottling(
  scrape: Scrape,
  t: Target,
  stat: { get(key: ThrottlingKey): number | undefined },
  throttled: number | undefined,
  perSecond: number
): void {
  const periods = stat.get('nr_periods');
  const throttledPeriods = stat.get('nr_throttled');
  if (periods !== undefined) scrape.emit(METRICS.cpuCfsPeriods, t, periods);
  if (throttledPeriods !== undefined) scrape.emit(METRICS.cpuCfsThrottledPeriods, t, throttledPeriods);
  if (throttled !== undefined) scrape.emit(METRICS.cpuCfsThrottledSeconds, t, throttled / perSecond);
}
