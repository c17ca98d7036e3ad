import { join } from 'node:path';
import { METRICS } from '@isoscope/shared';
import { parseProcPidStat } from '../parsers/procStat';
import type { Scrape } from '../scrape/scrape';
import type { Collector } from './collector';
import type { Target } from '../scrape/target';

/** /proc/<pid>/stat counts start time in clock ticks since boot; USER_HZ is 100 on Linux. */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * Start time: the runtime's, when it told us; else when the container's first process started (its
 * init, for every runtime that puts one in the cgroup first), from procfs and the boot time.
 */
export const lifecycleCollector: Collector = {
  name: 'lifecycle',
  collect(scrape, t) {
    const start = t.meta.startedAt ?? processStartTime(scrape, t);
    if (start !== undefined) scrape.emit(METRICS.startTime, t, start);
    scrape.emit(METRICS.lastSeen, t, Math.floor(scrape.now));
  },
};

/** When the container's process started (read once per process: it never changes). */
export function processStartTime(scrape: Scrape, t: Target): number | undefined {
  const { bootTime, procfs, processes } = scrape.env;
  const facts = processes.of(t);
  if (!facts || bootTime === undefined) return undefined;
  if (facts.startTime === undefined) {
    const stat = scrape.reader('lifecycle', t).parse(join(procfs, String(t.pid), 'stat'), parseProcPidStat);
    if (stat !== undefined) facts.startTime = bootTime + stat.startTimeTicks / CLOCK_TICKS_PER_SECOND;
  }
  return facts.startTime;
}
