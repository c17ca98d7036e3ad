import { join } from 'node:path';
import type { CollectorName, MetricFamily, NamespaceType } from '@isoscope/shared';
import type { CgroupHierarchy } from '../types';
import type { Logger } from '../log';
import type { HostReference } from '../procfs/reference';
import { readNamespaces } from '../procfs/namespaces';
import { FileReader, ReadErrors } from './files';
import type { Target } from './target';

/** One value of one series. */
export interface Sample {
  family: MetricFamily;
  labels: Record<string, string>;
  value: number;
  /** The container it belongs to; its samples are dropped if it vanished during the scrape. */
  target?: Target;
}

/** What stays the same from one scrape to the next. */
export interface Environment {
  procfs: string;
  hierarchy: CgroupHierarchy;
  reference: HostReference;
  /** Boot time in seconds since the epoch (procfs `btime`), for process start times. */
  bootTime: number | undefined;
  log: Logger;
}

/** The state of one scrape: its containers, the samples collectors emit, and per-scrape caches. */
export class Scrape {
  readonly samples: Sample[] = [];
  readonly errors: ReadErrors;
  /** Seconds since the epoch at the start of the scrape. */
  readonly now = Date.now() / 1000;
  private readonly namespaceCache = new Map<Target, Map<NamespaceType, number> | undefined>();
  private readonly memos = new Map<string, unknown>();

  constructor(readonly env: Environment, readonly targets: Target[]) {
    this.errors = new ReadErrors(env.log);
  }

  reader(collector: CollectorName | string, target?: Target): FileReader {
    return new FileReader(this.errors, collector, target);
  }

  emit(family: MetricFamily, target: Target, value: number, extra?: Record<string, string>): void {
    if (!Number.isFinite(value)) return;
    this.samples.push({ family, labels: extra ? { ...target.labels, ...extra } : target.labels, value, target });
  }

  /** The container's namespace inodes, read once per scrape whichever collector asks first. */
  namespacesOf(target: Target, collector: CollectorName): Map<NamespaceType, number> | undefined {
    if (!this.namespaceCache.has(target)) {
      const ns = target.pid === undefined
        ? undefined
        : readNamespaces(this.reader(collector, target), join(this.env.procfs, String(target.pid), 'ns'));
      this.namespaceCache.set(target, ns);
    }
    return this.namespaceCache.get(target);
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
