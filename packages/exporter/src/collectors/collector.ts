import { METRICS, type CollectorName } from '@isoscope/shared';
import type { ReadErrors } from '../files/reader';
import type { SampleBuffer } from '../scrape/samples';
import type { Environment, Scrape } from '../scrape/scrape';
import type { Target } from '../scrape/target';

/*
 * The collector contract in one place, as node_exporter's collector/collector.go has it: what a collector
 * is, how each of its steps is timed and judged, and the health series every collector carries
 * (isoscope_scrape_collector_duration_seconds, isoscope_scrape_collector_success, isoscope_read_errors_total).
 * The collectors themselves are listed in index.ts; the Exporter runs them.
 */

/**
 * A collector owns a group of metric families (see packages/shared). `collect` runs once per container;
 * `finish` runs after every container was visited, for facts that span containers (namespace sharers,
 * one network reading per network namespace); `machine` runs once per scrape, before the containers, for
 * the machine's own series from the root cgroup (`id="/"`, as cAdvisor reports it) of the collectors whose
 * families a machine has (cpu, memory, io, network).
 */
export interface Collector {
  readonly name: CollectorName;
  collect?(scrape: Scrape, target: Target): void;
  finish?(scrape: Scrape): void;
  machine?(scrape: Scrape, machine: Target): void;
}

/** A collector, or a step timed like one: `collect` runs per container, `finish` and `machine` once per scrape. */
export type Step = Pick<Collector, 'collect' | 'finish' | 'machine'> & { readonly name: string };

/**
 * One scrape's record of its collectors' steps: how long each collector took, and which failed. A step
 * that throws fails its collector for this scrape, never the scrape.
 *
 * Steps run through this method rather than through a closure made per step: V8 keeps a function's optimised
 * code only while a closure of it lives, so closures made anew every scrape were optimised anew after every
 * GC (docs/benchmarks.md, "Why the code is shaped this way").
 */
export class CollectorSteps {
  readonly durations = new Map<string, number>();
  readonly failed = new Set<string>();

  constructor(private readonly env: Environment) {}

  /**
   * `collect` of a container when `target` is given (`machine` of the machine's target when `machine`),
   * otherwise the collector's `finish`.
   */
  run(c: Step, scrape: Scrape, target: Target | undefined, machine = false): void {
    const start = process.hrtime.bigint();
    try {
      if (machine) c.machine!(scrape, target!);
      else if (target) c.collect!(scrape, target);
      else c.finish!(scrape);
    } catch (err) {
      this.failed.add(c.name);
      this.env.log.error('collector failed', { collector: c.name, err: (err as Error).stack ?? String(err) });
    }
    this.durations.set(c.name, (this.durations.get(c.name) ?? 0) + Number(process.hrtime.bigint() - start) / 1e9);
  }
}

/**
 * The health series of discovery and of every enabled collector, across the exporter's life: each scrape's
 * steps (how long, whether they failed) and its read errors, which add up to the read-error counter.
 */
export class CollectorHealth {
  /** Cumulative read errors per collector, for the isoscope_read_errors_total counter. */
  private readonly readErrorTotals = new Map<string, number>();

  /** `names`: the names the health families carry a series for, in order. */
  constructor(readonly names: readonly string[]) {}

  /** A scrape is over: its read errors add to the totals, and its steps' health goes into `samples`. */
  record(steps: CollectorSteps, errors: ReadErrors, samples: SampleBuffer): void {
    for (const [collector, n] of errors.counts) {
      this.readErrorTotals.set(collector, (this.readErrorTotals.get(collector) ?? 0) + n);
    }
    for (const name of this.names) {
      const labels = { collector: name };
      samples.push(METRICS.scrapeCollectorDuration, steps.durations.get(name) ?? 0, undefined, undefined, labels);
      samples.push(METRICS.scrapeCollectorSuccess, steps.failed.has(name) ? 0 : 1, undefined, undefined, labels);
      samples.push(METRICS.readErrors, this.readErrorTotals.get(name) ?? 0, undefined, undefined, labels);
    }
  }
}
