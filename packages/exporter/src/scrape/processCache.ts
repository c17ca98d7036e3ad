import type { NamespaceType } from '@isoscope/shared';
import { KeptMap } from '../collections/keptMap';
import type { Target } from './target';

/** Facts a process keeps for its whole life, learned once. */
export interface ProcessFacts {
  /** Start time, seconds since the epoch. */
  startTime?: number;
  namespaces?: Map<NamespaceType, number>;
  /** Whether uid 0 inside maps to uid 0 on the host. */
  rootMappedToHost?: boolean;
  /**
   * Its /proc/<pid>/status, read every scrape: one string kept rather than one made per scrape, which the
   * read-ahead plan's copy then matches by identity.
   */
  statusPath?: string;
  /** Its /proc/<pid>/net/dev, likewise, when it stands for its network namespace. */
  netDevPath?: string;
}

/**
 * What never changes for a running process is read once, not every scrape: its start time, its user-ID map
 * (written once, before the process runs anything) and its namespaces. A process can move to another
 * namespace only by calling setns/unshare itself, which a container's first process does not do once the
 * runtime has handed over; that is the assumption this cache makes. It saves the namespace links, the user-ID
 * map and the stat file from every scrape (docs/benchmarks.md, "Why the code is shaped this way").
 *
 * Keyed by cgroup path and pid, so a pid reused by another container is a new entry; entries of processes
 * no longer seen are dropped after every scrape.
 */
export class ProcessCache {
  /**
   * By cgroup path (the same string object every scrape, see discovery's KnownPaths: no key is made per
   * lookup): the pid the facts are of, and the facts.
   */
  private readonly entries = new KeptMap<string, { pid: number; facts: ProcessFacts }>();

  /** The (mutable) facts of the target's process; undefined when it has none. */
  of(target: Target): ProcessFacts | undefined {
    if (target.pid === undefined) return undefined;
    let entry = this.entries.get(target.cgroup.path);
    if (entry === undefined || entry.pid !== target.pid) {
      entry = { pid: target.pid, facts: {} };
      this.entries.set(target.cgroup.path, entry);
    }
    return entry.facts;
  }

  /** Forget processes the last scrape did not ask about. */
  prune(): void {
    this.entries.sweep();
  }

  get size(): number {
    return this.entries.size;
  }
}
