import type { ReadAheadJob, ReadAheadProtocol } from './readAheadProtocol';

/**
 * The read-ahead thread's whole program (readAheadProtocol.ts declares the protocol, readAhead.ts says why it
 * exists). It runs in a worker_threads Worker from its own source text, so it must be self-contained: no
 * module-level names, only Node built-ins required inside, the protocol's values passed in as workerData
 * (type imports are erased, so the thread may use the protocol's types).
 *
 * A job names the files of one scrape, group after group (one group per container). For each group it can
 * claim (FREE → WORKER; the main thread claims from the other end), the thread reads every file into the
 * shared arena and notes offset and length — or the negative errno, or ARENA_FULL — in the table, then
 * marks the group DONE and wakes the main thread if it waits. A set cancel flag ends the job between groups.
 */
export function readAheadThread(): void {
  /* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports --
     the thread runs from this function's source text: it can only require. */
  const { parentPort, workerData } = require('node:worker_threads') as typeof import('node:worker_threads');
  const fs = require('node:fs') as typeof import('node:fs');
  /* eslint-enable @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports */
  const {
    FREE,
    WORKER,
    DONE,
    CANCEL,
    FIRST_GROUP,
    TABLE_STRIDE,
    TABLE_OFFSET,
    TABLE_LENGTH,
    ARENA_FULL,
    OPEN_FLAGS,
    MAX_FILE_BYTES,
    EFBIG,
  } = workerData as ReadAheadProtocol;

  // Each file's path as a view of the shared bytes, made once per plan.
  let paths: Buffer[] = [];
  let starts: Int32Array = new Int32Array(1);
  // The current job's buffers, and where the next file goes in the arena: the thread's state rather than
  // a closure per job, since V8 drops a function's optimised code once no closure of it is left.
  let arena: Buffer<ArrayBufferLike> = Buffer.alloc(0);
  let table: Int32Array<ArrayBufferLike> = new Int32Array(0);
  let offset = 0;

  parentPort!.on('message', (job: ReadAheadJob) => run(job));

  function run(job: ReadAheadJob): void {
    if (job.pathBytes && job.pathEnds && job.starts) {
      const bytes = Buffer.from(job.pathBytes);
      paths = new Array<Buffer>(job.pathEnds.length);
      for (let i = 0; i < paths.length; i++)
        paths[i] = bytes.subarray(i === 0 ? 0 : job.pathEnds[i - 1], job.pathEnds[i]);
      starts = job.starts;
    }
    arena = Buffer.from(job.arena);
    table = new Int32Array(job.table);
    offset = 0;
    const state = new Int32Array(job.state);
    for (let g = 0; g + 1 < starts.length; g++) {
      if (Atomics.load(state, CANCEL) !== 0) return;
      const slot = FIRST_GROUP + g;
      if (Atomics.compareExchange(state, slot, FREE, WORKER) !== FREE) continue;
      for (let i = starts[g]; i < starts[g + 1]; i++) readFile(i);
      Atomics.store(state, slot, DONE);
      Atomics.notify(state, slot);
    }
  }

  /** File i of the plan into the arena at `offset`, its place (or its errno) into the table. */
  function readFile(i: number): void {
    let fd: number;
    try {
      fd = fs.openSync(paths[i], OPEN_FLAGS);
    } catch (err) {
      table[TABLE_STRIDE * i + TABLE_LENGTH] = errno(err);
      return;
    }
    try {
      const room = Math.min(arena.length - offset, MAX_FILE_BYTES);
      // Kernel seq_files fill a read as far as the buffer allows: a short read is the whole file. A read
      // that fills the room may have been cut short, so the main thread reads that file itself; one that
      // fills MAX_FILE_BYTES is too big to read at all.
      const n = room > 0 ? fs.readSync(fd, arena, offset, room, null) : 0;
      if (n >= MAX_FILE_BYTES) {
        table[TABLE_STRIDE * i + TABLE_LENGTH] = EFBIG;
      } else if (n >= room) {
        table[TABLE_STRIDE * i + TABLE_LENGTH] = ARENA_FULL;
      } else {
        table[TABLE_STRIDE * i + TABLE_OFFSET] = offset;
        table[TABLE_STRIDE * i + TABLE_LENGTH] = n;
        offset += n;
      }
    } catch (err) {
      table[TABLE_STRIDE * i + TABLE_LENGTH] = errno(err);
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Node's errno for a failed call: libuv's negative number (-2 for ENOENT); EIO if there is none. */
  function errno(err: unknown): number {
    const n = (err as { errno?: unknown }).errno;
    return typeof n === 'number' && n < 0 ? n : -5;
  }
}
