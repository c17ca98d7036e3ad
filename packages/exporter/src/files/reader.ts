import { existsSync, readlinkSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Logger } from '../log/logger';
import { ParseError } from '../parsers/parseError';
import { DIRECT, type ReadSource } from './pseudoFile';

/**
 * File access for one scrape with the product's error policy: a missing, unreadable or malformed file skips
 * that one value and counts a read error against the collector that wanted it — unless the container's
 * cgroup (in the hierarchy that stands for it, or the file's own) is gone, in which case the container
 * vanished mid-scrape and is dropped quietly.
 */

/** One scrape's read errors, per collector. */
export class ReadErrors {
  /** Errors per collector in this scrape. */
  readonly counts = new Map<string, number>();
  /** All errors of this scrape, whatever the collector. */
  total = 0;

  constructor(private readonly log: Logger) {}

  add(collector: string, path: string, reason: string, n = 1): void {
    this.counts.set(collector, (this.counts.get(collector) ?? 0) + n);
    this.total += n;
    this.log.debug('read error', { collector, path, reason });
  }
}

/** The part of a container a file reader needs to decide "vanished" versus "error". */
export interface VanishProbe {
  /** A path that exists exactly as long as the container's cgroup does. */
  readonly cgroupDir: string;
  vanished: boolean;
}

const GONE = new Set(['ENOENT', 'ESRCH', 'ENODEV']);

export class FileReader {
  constructor(
    private readonly errors: ReadErrors,
    private readonly collector: string,
    private readonly container?: VanishProbe,
    private readonly source: ReadSource = DIRECT
  ) {}

  /**
   * The file's text, or undefined. `optional` files (those a kernel version or configuration may not have,
   * like memory.peak or memory.swap.current) are skipped without an error when absent.
   */
  read(path: string | null, opts: { optional?: boolean } = {}): string | undefined {
    if (path === null) return undefined;
    try {
      return this.source.read(path);
    } catch (err) {
      this.failed(path, err, opts.optional);
      return undefined;
    }
  }

  /** readlink, with the same policy. */
  readlink(path: string, opts: { optional?: boolean } = {}): string | undefined {
    try {
      return readlinkSync(path);
    } catch (err) {
      this.failed(path, err, opts.optional);
      return undefined;
    }
  }

  /** Read and parse a single-value file; a ParseError counts one error and yields undefined. */
  parse<T>(path: string | null, parser: (text: string) => T, opts: { optional?: boolean } = {}): T | undefined {
    const text = this.read(path, opts);
    return text === undefined ? undefined : this.interpret(path!, text, parser);
  }

  /** Parse text already read from `path`; a ParseError counts one error and yields undefined. */
  interpret<T>(path: string, text: string, parser: (text: string) => T): T | undefined {
    try {
      return parser(text);
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
      this.errors.add(this.collector, path, err.message);
      return undefined;
    }
  }

  /** Lines a multi-line parser skipped; each is one value lost. */
  malformed(path: string, lines: number): void {
    if (lines > 0) this.errors.add(this.collector, path, `${lines} malformed line(s)`, lines);
  }

  /** A value the file should have had but did not (a key missing from memory.stat, say). */
  missing(path: string, what: string): void {
    this.errors.add(this.collector, path, `missing ${what}`);
  }

  /** Whether `path` lies in the container's cgroup of another hierarchy (the same leaf name), now gone. */
  private otherHierarchyGone(path: string): boolean {
    const dir = dirname(path);
    const cgroupDir = this.container!.cgroupDir;
    return dir !== cgroupDir && basename(dir) === basename(cgroupDir) && !existsSync(dir);
  }

  private failed(path: string, err: unknown, optional = false): void {
    const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
    if (GONE.has(code)) {
      // A runtime removes a container's cgroup one hierarchy after another: the file's own cgroup (the
      // container's directory in another hierarchy, memory's while pids' still stands) gone is the same churn.
      if (this.container && (!existsSync(this.container.cgroupDir) || this.otherHierarchyGone(path))) {
        this.container.vanished = true;
        return;
      }
      if (optional) return;
    }
    this.errors.add(this.collector, path, code);
  }
}
