import { EFBIG, MAX_FILE_BYTES, OPEN_FLAGS } from '../files/pseudoFile';

/**
 * What the main thread (readAhead.ts) and the read-ahead thread (readAheadThread.ts) agree on, declared once
 * for both. The thread runs from its function's source text and can require nothing of this package, so it
 * gets READ_AHEAD_PROTOCOL as its workerData and each scrape's ReadAheadJob as a message; the types here are
 * erased from that text, the values travel.
 *
 * Three shared arrays per job:
 * - `state` (Int32Array): `state[CANCEL]` is set by the main thread when the scrape is over, and the thread
 *   stops between groups; `state[FIRST_GROUP + g]` is group g's slot: FREE until a thread claims it by
 *   compare-and-swap, WORKER while the read-ahead thread reads it, DONE once its files are in the table (the
 *   thread then notifies the slot), MAIN when the main thread took it to read itself.
 * - `table` (Int32Array): TABLE_STRIDE entries per file of the plan, in plan order: at TABLE_OFFSET where its
 *   text starts in the arena, at TABLE_LENGTH its length in bytes, or the negative errno of the failed
 *   open/read, or ARENA_FULL when it did not fit (the main thread then reads that file itself).
 *   A file of MAX_FILE_BYTES or more gets EFBIG, as readPseudoFile gives it.
 * - `arena` (bytes): the files' texts, one after another, as read.
 */
export const READ_AHEAD_PROTOCOL = {
  /** How files are opened (never blocking) and the most read of one (more is EFBIG): files/pseudoFile.ts. */
  OPEN_FLAGS,
  MAX_FILE_BYTES,
  EFBIG,
  /** Group slot states. */
  FREE: 0,
  WORKER: 1,
  DONE: 2,
  MAIN: 3,
  /** The state entry that cancels the job; group slots follow it. */
  CANCEL: 0,
  FIRST_GROUP: 1,
  /** Table layout: per file, its offset and its length (or errno, or ARENA_FULL). */
  TABLE_STRIDE: 2,
  TABLE_OFFSET: 0,
  TABLE_LENGTH: 1,
  /** A length that says "did not fit in the arena"; below every errno. */
  ARENA_FULL: -1_000_000,
} as const;

export type ReadAheadProtocol = typeof READ_AHEAD_PROTOCOL;

/**
 * One scrape's work, posted to the thread when the scrape begins. The plan's paths go as UTF-8 bytes in a
 * shared buffer, which the thread opens as they are (fs takes a Buffer for a path): an array of strings was
 * copied into the thread's heap with every new plan (docs/benchmarks.md, "Ninth round").
 */
export interface ReadAheadJob {
  /** Every file of the plan, group after group, one after another; sent only when the plan changed. */
  pathBytes?: SharedArrayBuffer;
  /** Where each file's path ends in `pathBytes` (file i is pathEnds[i - 1] or 0 … pathEnds[i]). */
  pathEnds?: Int32Array;
  /** Where each group starts among the files, then their number: group g is starts[g] … starts[g + 1] - 1. */
  starts?: Int32Array;
  arena: SharedArrayBuffer;
  table: SharedArrayBuffer;
  state: SharedArrayBuffer;
}

const INT32 = Int32Array.BYTES_PER_ELEMENT;

/** The size of a state array for a plan of `groups` groups. */
export function stateBytes(groups: number): number {
  return INT32 * (READ_AHEAD_PROTOCOL.FIRST_GROUP + groups);
}

/** The size of a table for a plan of `files` files (room for one at least: a table is never empty). */
export function tableBytes(files: number): number {
  return INT32 * READ_AHEAD_PROTOCOL.TABLE_STRIDE * Math.max(1, files);
}

/** The plan's paths as a ReadAheadJob carries them. */
export function encodePaths(paths: readonly string[]): { pathBytes: SharedArrayBuffer; pathEnds: Int32Array } {
  let total = 0;
  for (const path of paths) total += Buffer.byteLength(path, 'utf8');
  const pathBytes = new SharedArrayBuffer(total);
  const bytes = Buffer.from(pathBytes);
  const pathEnds = new Int32Array(paths.length);
  let end = 0;
  for (let i = 0; i < paths.length; i++) {
    end += bytes.write(paths[i], end, 'utf8');
    pathEnds[i] = end;
  }
  return { pathBytes, pathEnds };
}
