import { METRICS } from '@isoscope/shared';
import { parseUint } from '../readers/values';
import type { Collector, Scrape } from '../scrape/scrape';
import type { Target } from '../scrape/target';
import { controllerFile, isV1, readFlatKeyed, requireKey } from './cgroupFiles';

/**
 * Memory use with cAdvisor's meanings: working set = usage − inactive file cache (floored at 0), the
 * figure the kubelet evicts on; rss/cache/mapped_file from memory.stat; OOM kills from the kernel's own
 * counter (v2 memory.events, v1 memory.oom_control) rather than /dev/kmsg, which is why cAdvisor's often
 * reads 0.
 */
export const memoryCollector: Collector = {
  name: 'memory',
  collect(scrape, target) {
    if (isV1(scrape, 'memory')) collectV1(scrape, target);
    else collectV2(scrape, target);
  },
};

function collectV2(scrape: Scrape, t: Target): void {
  const reader = scrape.reader('memory', t);
  const file = (name: string) => controllerFile(scrape, t, 'memory', name);
  const usage = reader.parse(file('memory.current'), parseUint);
  const statPath = file('memory.stat');
  const stat = readFlatKeyed(reader, statPath);
  if (usage !== undefined) scrape.emit(METRICS.memoryUsage, t, usage);
  if (stat) {
    const inactiveFile = requireKey(reader, statPath, stat, 'inactive_file');
    if (usage !== undefined && inactiveFile !== undefined) scrape.emit(METRICS.memoryWorkingSet, t, workingSet(usage, inactiveFile));
    emitKey(scrape, t, reader, statPath, stat, 'anon', METRICS.memoryRss);
    emitKey(scrape, t, reader, statPath, stat, 'file', METRICS.memoryCache);
    emitKey(scrape, t, reader, statPath, stat, 'file_mapped', METRICS.memoryMappedFile);
    // v2 statistics are hierarchical already: both scopes read the same counters, as in cAdvisor.
    emitFailures(scrape, t, stat.get('pgfault'), stat.get('pgmajfault'), stat.get('pgfault'), stat.get('pgmajfault'));
  }
  // memory.swap.current is absent without swap accounting, memory.peak before Linux 5.19.
  const swap = reader.parse(file('memory.swap.current'), parseUint, { optional: true });
  if (swap !== undefined) scrape.emit(METRICS.memorySwap, t, swap);
  const peak = reader.parse(file('memory.peak'), parseUint, { optional: true });
  if (peak !== undefined) scrape.emit(METRICS.memoryMaxUsage, t, peak);
  scrape.emit(METRICS.memoryFailcnt, t, 0);

  const events = readFlatKeyed(reader, file('memory.events'));
  if (events) {
    for (const [event, count] of events) scrape.emit(METRICS.memoryEvents, t, count, { event });
    const oomKill = events.get('oom_kill');
    if (oomKill !== undefined) scrape.emit(METRICS.oomEvents, t, oomKill);
  }
}

function collectV1(scrape: Scrape, t: Target): void {
  const reader = scrape.reader('memory', t);
  const file = (name: string) => controllerFile(scrape, t, 'memory', name);
  const usage = reader.parse(file('memory.usage_in_bytes'), parseUint);
  const statPath = file('memory.stat');
  const stat = readFlatKeyed(reader, statPath);
  if (usage !== undefined) scrape.emit(METRICS.memoryUsage, t, usage);
  if (stat) {
    const inactiveFile = requireKey(reader, statPath, stat, 'total_inactive_file');
    if (usage !== undefined && inactiveFile !== undefined) scrape.emit(METRICS.memoryWorkingSet, t, workingSet(usage, inactiveFile));
    emitKey(scrape, t, reader, statPath, stat, 'total_rss', METRICS.memoryRss);
    emitKey(scrape, t, reader, statPath, stat, 'total_cache', METRICS.memoryCache);
    emitKey(scrape, t, reader, statPath, stat, 'total_mapped_file', METRICS.memoryMappedFile);
    // total_swap is there only with swap accounting (memsw) enabled.
    const swap = stat.get('total_swap');
    if (swap !== undefined) scrape.emit(METRICS.memorySwap, t, swap);
    emitFailures(scrape, t, stat.get('pgfault'), stat.get('pgmajfault'), stat.get('total_pgfault'), stat.get('total_pgmajfault'));
  }
  const maxUsage = reader.parse(file('memory.max_usage_in_bytes'), parseUint);
  if (maxUsage !== undefined) scrape.emit(METRICS.memoryMaxUsage, t, maxUsage);
  const failcnt = reader.parse(file('memory.failcnt'), parseUint);
  if (failcnt !== undefined) scrape.emit(METRICS.memoryFailcnt, t, failcnt);
  // oom_kill appeared in memory.oom_control with Linux 4.13.
  const oomControl = readFlatKeyed(reader, file('memory.oom_control'));
  const oomKill = oomControl?.get('oom_kill');
  if (oomKill !== undefined) scrape.emit(METRICS.oomEvents, t, oomKill);
}

export function workingSet(usage: number, inactiveFile: number): number {
  return Math.max(0, usage - inactiveFile);
}

function emitKey(
  scrape: Scrape, t: Target, reader: ReturnType<Scrape['reader']>, path: string | null,
  stat: Map<string, number>, key: string, family: (typeof METRICS)[keyof typeof METRICS],
): void {
  const v = requireKey(reader, path, stat, key);
  if (v !== undefined) scrape.emit(family, t, v);
}

function emitFailures(
  scrape: Scrape, t: Target,
  pgfault: number | undefined, pgmajfault: number | undefined,
  totalPgfault: number | undefined, totalPgmajfault: number | undefined,
): void {
  const series: Array<[string, string, number | undefined]> = [
    ['pgfault', 'container', pgfault],
    ['pgmajfault', 'container', pgmajfault],
    ['pgfault', 'hierarchy', totalPgfault],
    ['pgmajfault', 'hierarchy', totalPgmajfault],
  ];
  for (const [failure_type, scope, value] of series) {
    if (value !== undefined) scrape.emit(METRICS.memoryFailures, t, value, { failure_type, scope });
  }
}
