import { getSystemErrorName } from 'node:util';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../log/logger';
import { readPseudoFile, readPseudoFileInto, type ReadSource } from '../files/pseudoFile';
import { encodePaths, READ_AHEAD_PROTOCOL, stateBytes, tableBytes, type ReadAheadJob } from './readAheadProtocol';
import { readAheadThread } from './readAheadThread';
import type { Target } from './target';

/**
 * Read-ahead: a helper thread reads a scrape's cgroupfs and procfs files while the main thread parses the
 * ones already read.
 *
 * Why: most of a scrape's CPU time is the open/read/close of small kernel files, a couple of dozen per
 * container (docs/benchmarks.md, "Why the code is shaped this way"), and Node has no way to issue them other
 * than one synchronous call at a time. The machine usually has a second core. The thread does nothing but the
 * syscalls; every decision (parsing, the error policy, "did the container vanish?") stays on the main thread,
 * which sees the same text or the same errno it would have got from reading the file itself, only sooner.
 *
 * What it reads: the files each container's collectors read in the previous scrape (they are the same from
 * one scrape to the next unless a container's process or its collectors' choices change), one group per
 * container, learned by recording every read. A file that was not read ahead is simply read on demand, so
 * a wrong guess costs a wasted read, never a wrong value; a new container is read on demand in its first
 * scrape. The thread starts on the plan before discovery runs, so discovery's own work overlaps it too.
 *
 * Sharing the work: the thread claims groups from the front; when the main thread reaches a group the
 * thread is still reading, it claims one from the back and reads it itself rather than wait, so both cores
 * stay busy until they meet. Claims are compare-and-swap on a shared state array, so no group is read twice.
 * A group the thread has not reached when the main thread gets to it is claimed and read on demand.
 *
 * Memory: the thread's own V8 isolate and Node environment (resident whatever its limits), its copy of the
 * file list, and an arena that holds one scrape's file contents, grown when a scrape did not fit. That cost
 * (docs/benchmarks.md, "Why the code is shaped this way") is why `--scrape.read-ahead=off` exists.
 */

const { FREE, WORKER, DONE, MAIN, CANCEL, FIRST_GROUP, TABLE_STRIDE, TABLE_OFFSET, TABLE_LENGTH, ARENA_FULL } =
  READ_AHEAD_PROTOCOL;

const INITIAL_ARENA = 256 * 1024;
const MAX_ARENA = 64 * 1024 * 1024;
/** How long the main thread waits for a group the thread is reading before it gives up on the thread. */
const WAIT_LIMIT_MS = 2000;

interface Group {
  /** The container's cgroup path. */
  key: string;
  /** Its files, each once, in the order they were first read. */
  paths: string[];
  /** path → the file's number in the plan (its row in the table). */
  index: Map<string, number>;
}

/** The files of one scrape, group after group, as the thread gets them. */
class Plan {
  readonly groups: Group[] = [];
  readonly byKey = new Map<string, number>();
  readonly paths: string[] = [];
  readonly starts: Int32Array;

  constructor(groups: ReadonlyArray<{ key: string; paths: readonly string[] }>) {
    const starts = [0];
    for (const { key, paths } of groups) {
      const index = new Map<string, number>();
      for (const path of paths) {
        if (index.has(path)) continue;
        index.set(path, this.paths.length);
        this.paths.push(path);
      }
      this.byKey.set(key, this.groups.length);
      this.groups.push({ key, paths: [...index.keys()], index });
      starts.push(this.paths.length);
    }
    this.starts = Int32Array.from(starts);
  }

  /** Whether the recorded reads of a scrape ask for exactly this plan (repeated reads aside). */
  matches(groups: ReadonlyArray<{ key: string; paths: readonly string[] }>): boolean {
    if (groups.length !== this.groups.length) return false;
    for (let g = 0; g < groups.length; g++) {
      const mine = this.groups[g];
      if (groups[g].key !== mine.key) return false;
      if (groups[g].paths === mine.paths) continue;
      let next = 0;
      for (const path of groups[g].paths) {
        if (next < mine.paths.length && path === mine.paths[next]) next++;
        else if (!(mine.index.has(path) && mine.index.get(path)! < this.starts[g] + next)) return false;
      }
      if (next !== mine.paths.length) return false;
    }
    return true;
  }
}

/** The read-ahead thread and what it knows across scrapes. One per exporter; `close` ends the thread. */
export class ReadAhead {
  private worker: Worker | undefined;
  private plan = new Plan([]);
  /** Whether the thread has the current plan's paths (they are sent only when the plan changes). */
  private planSent = false;
  private arena = new SharedArrayBuffer(INITIAL_ARENA);
  private table = new SharedArrayBuffer(tableBytes(0));
  /** A file did not fit in the arena last scrape: the next one gets a bigger arena. */
  arenaFull = false;
  /**
   * What the main thread reads from the back: the same layout as the thread's arena and table, its own, and
   * reused from scrape to scrape. Held as strings until their containers' turn, the texts of a quarter of the
   * groups outlived V8's young generation every scrape (docs/benchmarks.md, "Fifth round").
   */
  backArena = Buffer.allocUnsafe(INITIAL_ARENA);
  backTable = new Int32Array(tableBytes(0) / Int32Array.BYTES_PER_ELEMENT);
  /** A file did not fit in the back arena last scrape: the next one gets a bigger one. */
  backArenaFull = false;
  /**
   * Each container's reads, one object per Target reset every scrape (a Target lives as long as its container
   * stays the same: scrape/target.ts's KnownTargets): one per container and scrape lived through the whole
   * scrape and was promoted every time (docs/benchmarks.md, "Ninth round").
   */
  readonly targetReads = new WeakMap<Target, TargetReads>();

  constructor(private readonly log: Logger) {
    this.worker = this.startThread();
  }

  /** Whether the thread runs (it is not restarted once it failed: scrapes then read on demand). */
  get running(): boolean {
    return this.worker !== undefined;
  }

  /** A scrape starts: the thread begins on the files the last one read, while discovery runs. */
  begin(): ScrapeReads {
    if (this.arenaFull && this.arena.byteLength < MAX_ARENA)
      this.arena = new SharedArrayBuffer(this.arena.byteLength * 2);
    this.arenaFull = false;
    if (this.backArenaFull && this.backArena.length < MAX_ARENA)
      this.backArena = Buffer.allocUnsafe(this.backArena.length * 2);
    this.backArenaFull = false;
    // A fresh state per scrape: the thread may still be finishing the last one's job when this one begins.
    const state = new Int32Array(new SharedArrayBuffer(stateBytes(this.plan.groups.length)));
    if (this.worker && this.plan.groups.length > 0) {
      const job: ReadAheadJob = { arena: this.arena, table: this.table, state: state.buffer };
      this.worker.postMessage(
        this.planSent ? job : { ...job, ...encodePaths(this.plan.paths), starts: this.plan.starts }
      );
      this.planSent = true;
    }
    return new ScrapeReads(this, this.plan, state, Buffer.from(this.arena), new Int32Array(this.table));
  }

  /** The reads a finished scrape recorded become the next plan (kept as is when nothing changed). */
  learn(groups: ReadonlyArray<{ key: string; paths: readonly string[] }>): void {
    if (this.plan.matches(groups)) return;
    this.plan = new Plan(groups);
    this.table = new SharedArrayBuffer(tableBytes(this.plan.paths.length));
    this.backTable = new Int32Array(tableBytes(this.plan.paths.length) / Int32Array.BYTES_PER_ELEMENT);
    this.planSent = false;
  }

  /** Give up on the thread: every read is on demand from now on. */
  stop(reason: string): void {
    if (!this.worker) return;
    this.log.warn('read-ahead thread stopped; reading files on the main thread only', { reason });
    const worker = this.worker;
    this.worker = undefined;
    void worker.terminate();
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private startThread(): Worker {
    const worker = new Worker(`(${readAheadThread.toString()})()`, {
      eval: true,
      workerData: READ_AHEAD_PROTOCOL,
      // It holds the file list and little else. (A --max-semi-space-size given to the process, as the CLI
      // does, takes precedence over the young-generation limit here.)
      resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 32 },
    });
    // The thread never keeps the process alive: shutting down does not have to wait for it.
    worker.unref();
    worker.on('error', (err: unknown) => {
      if (this.worker === worker) this.stop(err instanceof Error ? err.message : String(err));
    });
    worker.on('exit', (code) => {
      if (this.worker === worker) this.stop(`exited with code ${code}`);
    });
    return worker;
  }
}

type GroupMode = 'arena' | 'stolen' | 'direct';

/** One scrape's side of the read-ahead: hands each container a ReadSource and records what it reads. */
export class ScrapeReads {
  /** Where this scrape's reads were served from (the thread, the main thread's reads from the back, on demand). */
  readonly served = { thread: 0, back: 0, demand: 0 };
  /** Groups the main thread read from the back while the thread was busy (into the owner's back arena). */
  private readonly stolen = new Set<number>();
  /** Where the next file read from the back goes in the back arena. */
  private backOffset = 0;
  /** The next group from the back the main thread may take. */
  private back: number;

  constructor(
    private readonly owner: ReadAhead,
    readonly plan: Plan,
    private readonly state: Int32Array,
    private readonly arena: Buffer,
    private readonly table: Int32Array
  ) {
    this.back = plan.groups.length - 1;
  }

  /** The ReadSource of a container for this scrape. */
  source(target: Target): ReadSource {
    let source = this.owner.targetReads.get(target);
    if (!source) {
      source = new TargetReads();
      this.owner.targetReads.set(target, source);
    }
    if (source.reads !== this) source.reset(this, this.plan.byKey.get(target.cgroup.path) ?? -1);
    return source;
  }

  /**
   * The scrape is over: the thread stops (files of containers that are gone are not worth reading), and
   * what the live containers read becomes the next scrape's plan.
   */
  end(live: readonly Target[]): void {
    Atomics.store(this.state, CANCEL, 1);
    const groups: Array<{ key: string; paths: readonly string[] }> = [];
    for (const t of live) {
      const source = this.owner.targetReads.get(t);
      const paths = source?.reads === this ? source.paths() : undefined;
      if (paths && paths.length > 0) groups.push({ key: t.cgroup.path, paths });
    }
    this.owner.learn(groups);
  }

  /** Make group g the main thread's to read from: wait for the thread, take it, or read another meanwhile. */
  acquire(g: number): GroupMode {
    const slot = FIRST_GROUP + g;
    for (;;) {
      const s = Atomics.load(this.state, slot);
      if (s === DONE) return 'arena';
      if (s === MAIN) return this.stolen.has(g) ? 'stolen' : 'direct';
      if (s === FREE) {
        if (Atomics.compareExchange(this.state, slot, FREE, MAIN) === FREE) return 'direct';
        continue;
      }
      // The thread is reading this group right now: read one from the back rather than wait.
      if (this.stealFromBack(g)) continue;
      if (Atomics.wait(this.state, slot, WORKER, WAIT_LIMIT_MS) === 'timed-out') {
        this.owner.stop(`no answer within ${WAIT_LIMIT_MS} ms`);
        return 'direct';
      }
    }
  }

  /**
   * A file of group g as the thread or the back-reader left it: text, negative errno, or undefined. `planned`
   * is its place among the group's planned files when the reads so far followed the plan, else -1.
   */
  prefetched(g: number, mode: GroupMode, path: string, planned: number): string | number | undefined {
    // The file's row: known when the reads follow the plan (no lookup by a path string made afresh).
    const i = planned >= 0 ? this.plan.starts[g] + planned : this.plan.groups[g].index.get(path);
    if (i === undefined) return undefined;
    const stolen = mode === 'stolen';
    const table = stolen ? this.owner.backTable : this.table;
    const length = table[TABLE_STRIDE * i + TABLE_LENGTH];
    if (length === ARENA_FULL) {
      if (stolen) this.owner.backArenaFull = true;
      else this.owner.arenaFull = true;
      return undefined;
    }
    if (length < 0) return length;
    const offset = table[TABLE_STRIDE * i + TABLE_OFFSET];
    return (stolen ? this.owner.backArena : this.arena).toString('latin1', offset, offset + length);
  }

  /** Read the last unclaimed group, unless the thread has got there already (it claims in order). */
  private stealFromBack(current: number): boolean {
    while (this.back > current) {
      const g = this.back--;
      if (Atomics.compareExchange(this.state, FIRST_GROUP + g, FREE, MAIN) !== FREE) return false;
      const { backArena, backTable } = this.owner;
      for (const path of this.plan.groups[g].paths) {
        const row = TABLE_STRIDE * this.plan.groups[g].index.get(path)!;
        try {
          const n = readPseudoFileInto(path, backArena, this.backOffset);
          if (n < 0) {
            backTable[row + TABLE_LENGTH] = ARENA_FULL;
          } else {
            backTable[row + TABLE_OFFSET] = this.backOffset;
            backTable[row + TABLE_LENGTH] = n;
            this.backOffset += n;
          }
        } catch (err) {
          backTable[row + TABLE_LENGTH] = errnoOf(err);
        }
      }
      this.stolen.add(g);
      return true;
    }
    return false;
  }
}

/**
 * A container's files in one scrape (the scrape it was last reset for): from the read-ahead when it has them,
 * otherwise read on demand.
 */
class TargetReads implements ReadSource {
  reads: ScrapeReads | undefined;
  private group = -1;
  /**
   * Every path read, kept only once the reads departed from the plan: while they follow it, the plan's own
   * list stands for them (recording every path afresh each scrape made thousands of strings outlive V8's
   * young generation).
   */
  private recorded: string[] | undefined;
  /** How many of the plan's paths for this container were read so far, in order. */
  private followed = 0;
  private mode: GroupMode | undefined;
  private planned: readonly string[] = [];

  /** Start on a scrape: `group` is the container's group of its plan, or -1. */
  reset(reads: ScrapeReads, group: number): void {
    this.reads = reads;
    this.group = group;
    this.planned = group >= 0 ? reads.plan.groups[group].paths : [];
    this.recorded = undefined;
    this.followed = 0;
    this.mode = undefined;
  }

  read(path: string): string {
    const planned = this.note(path);
    const reads = this.reads!;
    if (this.group >= 0) {
      this.mode ??= reads.acquire(this.group);
      if (this.mode !== 'direct') {
        const got = reads.prefetched(this.group, this.mode, path, planned);
        if (got !== undefined) {
          reads.served[this.mode === 'arena' ? 'thread' : 'back']++;
          if (typeof got === 'number') throw errnoException(got, path);
          return got;
        }
      }
    }
    reads.served.demand++;
    return readPseudoFile(path);
  }

  /** The paths this container read in this scrape, each once, in order. */
  paths(): readonly string[] {
    if (this.recorded) return this.recorded;
    return this.followed === this.planned.length ? this.planned : this.planned.slice(0, this.followed);
  }

  /** Record a read; its place among the planned files when it is the next of them, else -1. */
  private note(path: string): number {
    if (this.recorded) {
      this.recorded.push(path);
    } else if (this.followed < this.planned.length && this.planned[this.followed] === path) {
      return this.followed++;
    } else if (!this.planned.slice(0, this.followed).includes(path)) {
      this.recorded = [...this.planned.slice(0, this.followed), path];
    }
    return -1;
  }
}

function errnoOf(err: unknown): number {
  const n = (err as NodeJS.ErrnoException).errno;
  return typeof n === 'number' && n < 0 ? n : -5;
}

/** The error fs would have thrown for this errno, so the error policy cannot tell the difference. */
function errnoException(errno: number, path: string): NodeJS.ErrnoException {
  const code = getSystemErrorName(errno);
  const err: NodeJS.ErrnoException = new Error(`${code}: ${path} (read ahead)`);
  err.code = code;
  err.errno = errno;
  err.path = path;
  return err;
}
