import { METRICS, type MetricFamily } from '@isoscope/shared';
import { parsePressure } from '../parsers/pressure';
import type { Collector } from './collector';
import { pressureFile } from './cgroupFiles';

const RESOURCES: Array<[file: string, waiting: MetricFamily, stalled: MetricFamily]> = [
  ['cpu.pressure', METRICS.pressureCpuWaiting, METRICS.pressureCpuStalled],
  ['memory.pressure', METRICS.pressureMemoryWaiting, METRICS.pressureMemoryStalled],
  ['io.pressure', METRICS.pressureIoWaiting, METRICS.pressureIoStalled],
];

/**
 * Pressure stall information from the v2 hierarchy: "some" (at least one task waiting) is the waiting
 * total, "full" (all non-idle tasks stalled) the stalled total, both in µs. Hybrid hosts keep these in
 * the unified mount; a kernel without PSI has no files, which is not an error.
 */
export const pressureCollector: Collector = {
  name: 'pressure',
  collect(scrape, t) {
    const reader = scrape.reader('pressure', t);
    for (const [file, waiting, stalled] of RESOURCES) {
      const path = pressureFile(scrape, t, file);
      const text = reader.read(path, { optional: true });
      if (text === undefined) continue;
      const psi = parsePressure(text);
      reader.malformed(path!, psi.malformed);
      if (psi.some) scrape.emit(waiting, t, psi.some.totalUsec / 1e6);
      if (psi.full) scrape.emit(stalled, t, psi.full.totalUsec / 1e6);
    }
  },
};
