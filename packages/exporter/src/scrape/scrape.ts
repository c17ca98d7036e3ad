import { join } from 'node:path';
import type { CollectorName, MetricFamily, NamespaceType } from '@isoscope/shared';
import type { CgroupHierarchy } from '../types';
import type { Logger } from '../log';
import type { HostReference } from '../procfs/reference';
import { readNamespaces } from '../procfs/namespaces';
import { FileReader, ReadErrors } from './files';
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
  readonly samples: Sample[] = [];
  readonly errors: ReadErrors;
  /** Seconds since the epoch at the start of the scrape. */
  readonly now = Date.now() / 1000;
  private readonly memos = new Map<string, unknown>();
  /** Namespace readings with a failed link: not cached across scrapes, but not read twice in one either. */
  private readonly partialNamespaces = new Map<Target, Map<NamespaceType, number>>();

  constructor(readonly env: Environment, readonly targets: Target[]) {
    this.errors = new ReadErrors(env.log);
  }

  reader(collector: CollectorName | string, target?: Target): FileReader {
    return new FileReader(this.errors, collector, target);
  }

  emit(family: MetricFamily, target: Target, value: number, extra?: Record<string, string>): void {
    if (!Number.isFinite(value)) return;
    this.samples.push({ family, value, target, extra });
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
    return this.targets.filter((t) => !t.vanished);
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
