import { join } from 'node:path';
import type { CollectorName, MetricFamily, NamespaceType } from '@isoscope/shared';
import type { CgroupHierarchy } from '../cgroup/hierarchy';
import { DIRECT } from '../files/pseudoFile';
import { FileReader, ReadErrors } from '../files/reader';
import type { Logger } from '../log/logger';
import { readNamespaces } from '../procfs/namespaces';
import type { HostReference } from '../procfs/reference';
import type { ProcessCache } from './processCache';
import type { ScrapeReads } from './readAhead';
import { SampleBuffer } from './samples';
import type { Target } from './target';

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
