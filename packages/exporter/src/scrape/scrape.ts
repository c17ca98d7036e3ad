import { join } from 'node:path';
import type { CollectorName, MetricFamily, NamespaceType } from '@isoscope/shared';
import type { CgroupHierarchy } from '../cgroup/hierarchy';
import type { Logger } from '../log/logger';
import type { HostReference } from '../procfs/reference';
import { readNamespaces } from '../procfs/namespaces';
import { DIRECT } from '../files/pseudoFile';
import { FileReader, ReadErrors } from '../files/reader';
import type { ScrapeReads } from './readAhead';
import type { ProcessCache } from './processCache';
import type { Target } from './target';

/**
 * One value of one series: a container's (its labels plus `extra`) or a host-wide one (`labels`). The
 * container's labels are not copied into every sample: a scrape emits thousands.
 */
export interface Sample {
  family: MetricFamily;
  value: number;
  /** The container it belongs to; its samples are dropped if it vanished during the scrape. */
  target?: Target;
  /** The family's own labels on a container series (ns_type, device, …). */
  extra?: Record<string, string>;
  /** All labels of a series that belongs to no container. */
  labels?: Record<string, string>;
}

/**
 * A scrape's samples, column by column. Served scrapes reuse one buffer: a scrape at 200 containers emits
 * ~13,000 samples, and objects that live through a whole scrape outlive V8's young generation, so a fresh
 * object (and a boxed number) per sample was promoted to the old generation and made it grow by over 1 MB
 * per scrape until the next full GC (docs/benchmarks.md). Columns that stay from scrape to scrape, with the
 * values unboxed in a Float64Array, allocate nothing per sample. `toSamples` gives objects of their own.
 */
export class SampleBuffer {
  readonly families: MetricFamily[] = [];
  readonly targets: Array<Target | undefined> = [];
  readonly extras: Array<Record<string, string> | undefined> = [];
  readonly labels: Array<Record<string, string> | undefined> = [];
  values = new Float64Array(1024);
  /** Samples 0 … length-1 are this scrape's; entries beyond are left from earlier scrapes. */
  length = 0;

  static of(samples: readonly Sample[]): SampleBuffer {
    const buffer = new SampleBuffer();
    for (const s of samples) buffer.push(s.family, s.value, s.target, s.extra, s.labels);
    return buffer;
  }

  push(
    family: MetricFamily,
    value: number,
    target?: Target,
    extra?: Record<string, string>,
    labels?: Record<string, string>
  ): void {
    const i = this.length++;
    if (i === this.values.length) {
      const bigger = new Float64Array(i * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.families[i] = family;
    this.values[i] = value;
    this.targets[i] = target;
    this.extras[i] = extra;
    this.labels[i] = labels;
  }

  /** Start again for the next scrape. */
  clear(): void {
    this.length = 0;
  }

  /** Samples 0 … length-1 as objects of their own. */
  toSamples(): Sample[] {
    const out: Sample[] = [];
    for (let i = 0; i < this.length; i++) {
      const s: Sample = { family: this.families[i], value: this.values[i] };
      if (this.targets[i]) s.target = this.targets[i];
      if (this.extras[i]) s.extra = this.extras[i];
      if (this.labels[i]) s.labels = this.labels[i];
      out.push(s);
    }
    return out;
  }
}

/** Every label of a sample, container labels first. */
export function sampleLabels(s: Sample): Record<string, string> {
  if (s.target) return s.extra ? { ...s.target.labels, ...s.extra } : s.target.labels;
  return s.labels ?? {};
}

/** What stays the same from one scrape to the next. */
export interface Environment {
  procfs: string;
  hierarchy: CgroupHierarchy;
  reference: HostReference;
  /** Boot time in seconds since the epoch (procfs `btime`), for process start times. */
  bootTime: number | undefined;
  log: Logger;
  /** What never changes for a process, kept across scrapes. */
  processes: ProcessCache;
}

/** The state of one scrape: its containers, the samples collectors emit, and per-scrape caches. */
export class Scrape {
  readonly errors: ReadErrors;
  /** Seconds since the epoch at the start of the scrape. */
  readonly now = Date.now() / 1000;
  private readonly memos = new Map<string, unknown>();
  /** Namespace readings with a failed link: not cached across scrapes, but not read twice in one either. */
  private readonly partialNamespaces = new Map<Target, Map<NamespaceType, number>>();

  /** `reads`: this scrape's read-ahead, if the exporter runs one; without it every file is read on demand. */
  constructor(
    readonly env: Environment,
    readonly targets: Target[],
    private readonly reads?: ScrapeReads,
    readonly samples = new SampleBuffer()
  ) {
    this.errors = new ReadErrors(env.log);
  }

  /** A reader of a container's files (or, without a target, the host's) on behalf of a collector. */
  reader(collector: CollectorName | string, target?: Target): FileReader {
    return new FileReader(this.errors, collector, target, target && this.reads ? this.reads.source(target) : DIRECT);
  }

  emit(family: MetricFamily, target: Target, value: number, extra?: Record<string, string>): void {
    if (!Number.isFinite(value)) return;
    this.samples.push(family, value, target, extra);
  }

  /** A series of no one container (a pod's, say): `labels` are all its labels. */
  emitSeries(family: MetricFamily, value: number, labels: Record<string, string>): void {
    if (!Number.isFinite(value)) return;
    this.samples.push(family, value, undefined, undefined, labels);
  }

  /**
   * The container's namespace inodes, read once for its process whichever collector asks first. A
   * partial reading (a link that could not be read) is not kept, so the next scrape tries again.
   */
  namespacesOf(target: Target, collector: CollectorName): Map<NamespaceType, number> | undefined {
    const facts = this.env.processes.of(target);
    if (!facts) return undefined;
    if (facts.namespaces) return facts.namespaces;
    const partial = this.partialNamespaces.get(target);
    if (partial) return partial;
    const errorsBefore = this.errors.total;
    const ns = readNamespaces(this.reader(collector, target), join(this.env.procfs, String(target.pid), 'ns'));
    if (this.errors.total === errorsBefore && !target.vanished) facts.namespaces = ns;
    else this.partialNamespaces.set(target, ns);
    return ns;
  }

  /** A value computed once per scrape (a host-wide file several containers need, say). */
  memo<T>(key: string, make: () => T): T {
    if (!this.memos.has(key)) this.memos.set(key, make());
    return this.memos.get(key) as T;
  }

  /** Containers still present: those that vanished mid-scrape are left out of cross-container facts. */
  live(): Target[] {
    const live: Target[] = [];
    for (const t of this.targets) if (!t.vanished) live.push(t);
    return live;
  }
}

/**
 * A collector owns a group of metric families (see packages/shared). `collect` runs once per container;
 * `finish` runs after every container was visited, for facts that span containers (namespace sharers,
 * one network reading per network namespace).
 */
export interface Collector {
  readonly name: CollectorName;
  collect?(scrape: Scrape, target: Target): void;
  finish?(scrape: Scrape): void;
}
