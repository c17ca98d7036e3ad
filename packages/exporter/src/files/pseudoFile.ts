import { closeSync, constants, openSync, readSync } from 'node:fs';

/*
 * Reads are synchronous on purpose: cgroupfs and procfs files are tiny and served from kernel memory, and a
 * sync read costs a fraction of a thread-pool round trip. The scrape yields to the event loop between
 * containers, so /healthz and other requests are never held for more than one container's worth of reads.
 *
 * A synchronous read cannot be interrupted, so nothing it does may block or grow without bound: every file
 * is opened O_NONBLOCK (a FIFO or a tty put where a cgroup file should be opens at once, and its read gives
 * end-of-file or EAGAIN instead of waiting for a writer; O_NOCTTY keeps a tty from becoming ours), and read
 * to at most MAX_FILE_BYTES. Neither costs a syscall: no fstat per file (docs/benchmarks.md).
 */

/**
 * The most of one file the exporter reads: a file that fills it is an error (EFBIG) for that file, never a
 * buffer that grows with it. Real files are far below: memory.stat ~1.5 KiB, /proc/<pid>/status ~1.5 KiB,
 * io.stat ~100 B per device, net/dev ~130 B per interface, cgroup.procs ~8 B per process (4 MiB: half a
 * million processes in one container), mountinfo ~200 B per mount (20,000 mounts). docs/benchmarks.md has
 * the measurements.
 */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;

/** How every file is opened: read-only, never blocking, never our controlling terminal. */
export const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY;

/** The errno a file too big to read gets (EFBIG, as libuv numbers it). */
export const EFBIG = -27;

const INITIAL_BUFFER = 64 * 1024;
/** A buffer grown past this for one big file goes back to its first size afterwards. */
const KEEP_BUFFER = 1024 * 1024;

/** One buffer for every read: a scrape reads thousands of small files, and a Buffer each is garbage. */
let readBuffer = Buffer.allocUnsafe(INITIAL_BUFFER);

/** The error a file of MAX_FILE_BYTES or more gets, shaped like fs's, so the error policy counts it. */
export function fileTooBig(path: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(
    `EFBIG: file too big to read (${MAX_FILE_BYTES} bytes or more), ${path}`
  );
  err.code = 'EFBIG';
  err.errno = EFBIG;
  err.path = path;
  return err;
}

/**
 * The whole text of a cgroupfs or procfs file with open, read, close. Every file the exporter reads is a
 * kernel seq_file, which fills a read as far as the caller's buffer allows before returning: a short read is
 * the end of the file, so one read(2) suffices unless the buffer came back full (then it grows, up to
 * MAX_FILE_BYTES). readFileSync would add an fstat and a second read per file (docs/benchmarks.md, "Why the
 * code is shaped this way"). A FIFO without a writer reads as empty; one with a silent writer throws EAGAIN.
 */
export function readPseudoFile(path: string): string {
  const fd = openSync(path, OPEN_FLAGS);
  try {
    let length = 0;
    for (;;) {
      const n = readSync(fd, readBuffer, length, readBuffer.length - length, null);
      length += n;
      if (n === 0 || length < readBuffer.length) break;
      if (readBuffer.length >= MAX_FILE_BYTES) throw fileTooBig(path);
      const bigger = Buffer.allocUnsafe(Math.min(readBuffer.length * 2, MAX_FILE_BYTES));
      readBuffer.copy(bigger, 0, 0, length);
      readBuffer = bigger;
    }
    return readBuffer.toString('latin1', 0, length);
  } finally {
    closeSync(fd);
    if (readBuffer.length > KEEP_BUFFER) readBuffer = Buffer.allocUnsafe(INITIAL_BUFFER);
  }
}

/**
 * A file's bytes into `into` at `offset`, as readPseudoFile reads them: the length, or -1 when the file filled
 * the room left (it may have been cut short: read it with readPseudoFile instead). Throws as fs does, and
 * EFBIG when the file fills MAX_FILE_BYTES.
 */
export function readPseudoFileInto(path: string, into: Buffer, offset: number): number {
  const left = into.length - offset;
  if (left <= 0) return -1;
  const room = Math.min(left, MAX_FILE_BYTES);
  const fd = openSync(path, OPEN_FLAGS);
  try {
    const n = readSync(fd, into, offset, room, null);
    if (n >= MAX_FILE_BYTES) throw fileTooBig(path);
    return n >= room ? -1 : n;
  } finally {
    closeSync(fd);
  }
}

/** Where a reader gets a file's text: read on demand, or read ahead by another thread (scrape/readAhead.ts). */
export interface ReadSource {
  /** The file's whole text; throws an ErrnoException (with `code`) as fs does. */
  read(path: string): string;
}

/** Every file read on demand, on the calling thread. */
export const DIRECT: ReadSource = { read: readPseudoFile };
