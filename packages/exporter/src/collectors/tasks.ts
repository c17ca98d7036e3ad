import { METRICS } from '@isoscope/shared';
import { parseLimitOrZero, parseUint } from '../parsers/values';
import type { Collector } from './collector';
import { controllerFile } from './cgroupFiles';

/**
 * Processes (cgroup.procs, already read to find the container's pid) and tasks against the pids
 * controller's limit. pids.current counts threads, which is what pids.max limits.
 */
export const tasksCollector: Collector = {
  name: 'tasks',
  collect(scrape, t) {
    scrape.emit(METRICS.processes, t, t.pids.length);
    const reader = scrape.reader('tasks', t);
    // A v1 host may not mount the pids controller at all; then there is nothing to read.
    const current = reader.parse(controllerFile(scrape, t, 'pids', 'pids.current'), parseUint);
    const max = reader.parse(controllerFile(scrape, t, 'pids', 'pids.max'), parseLimitOrZero);
    if (current !== undefined) scrape.emit(METRICS.threads, t, current);
    if (max !== undefined) scrape.emit(METRICS.threadsMax, t, max);
  },
};
