import { getHeapSpaceStatistics } from 'node:v8';

/**
 * A bound on the garbage V8's old generation holds between two full GCs.
 *
 * Why: scraped back to back (a short interval, a benchmark), the exporter is never idle, so V8's memory
 * reducer, which collects an idle heap, waits; the old generation then grows by what scrapes promote until the
 * next full GC, and the process's peak resident memory is that garbage on top of its live heap. After each
 * scrape this checks how far the old generation grew since the last full GC and, past `maxGrowthBytes`, asks
 * for one: between scrapes, never inside one, and only when no other request waits and the scrape served one
 * client (the caller's part: app.ts), so under concurrent scrapers V8's own heuristics decide. Scraped every
 * 15 s, the memory reducer runs first and this never fires. The figures (peak RSS, the CPU a full GC costs):
 * docs/benchmarks.md, "Ninth round".
 *
 * It needs V8's `gc` function (`--expose-gc`, which the CLI's shebang gives); without it, it does nothing.
 */

/** V8's `gc` as Node exposes it with `--expose-gc`: async execution resolves once the collection is done. */
export type GcFunction = (options: { type: 'major'; execution: 'async' }) => Promise<void> | void;

/** Old-generation growth since the last full GC that triggers one; 2 MiB: see the header's figures. */
export const MAX_OLD_GENERATION_GROWTH = 2 * 1024 * 1024;

/** Bytes used by the old generation: its regular space and its space for large objects. */
export function oldGenerationUsed(): number {
  let used = 0;
  for (const space of getHeapSpaceStatistics()) {
    if (space.space_name === 'old_space' || space.space_name === 'large_object_space') used += space.space_used_size;
  }
  return used;
}

export class HeapBound {
  /** The old generation's size after the last full GC (the smallest seen until the first). */
  private baseline: number | undefined;
  private collecting = false;
  /** Full GCs this bound asked for. */
  collections = 0;

  constructor(
    private readonly gc: GcFunction | undefined = (globalThis as { gc?: GcFunction }).gc,
    private readonly maxGrowthBytes = MAX_OLD_GENERATION_GROWTH,
    private readonly used: () => number = oldGenerationUsed
  ) {}

  /** A scrape ended: a full GC if the old generation grew past the bound since the last one. */
  afterScrape(): void {
    if (this.gc === undefined || this.collecting) return;
    const used = this.used();
    // A full GC V8 ran by itself shows as a drop.
    if (this.baseline === undefined || used < this.baseline) {
      this.baseline = used;
      return;
    }
    if (used - this.baseline <= this.maxGrowthBytes) return;
    this.collecting = true;
    this.collections++;
    const done = () => {
      this.baseline = this.used();
      this.collecting = false;
    };
    try {
      Promise.resolve(this.gc({ type: 'major', execution: 'async' })).then(done, done);
    } catch {
      done();
    }
  }
}
