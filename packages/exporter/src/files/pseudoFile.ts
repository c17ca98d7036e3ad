import { closeSync, constants, openSync, readSync } from 'node:fs';

/*
 * Reads are synchronous on purpose: cgroupfs and procfs files are tiny and served from kernel memory, and a
 * sync read costs a fraction of a thread-pool round trip. The scrape yields to the event loop between
 * containers, so /healthz and other requests are never held for more than one container's worth of reads.
 */

/** One buffer for every read: a scrape reads thousands of small files, and a Buffer each is garbage. */
let readBuffer = Buffer.allocUnsafe(64 * 1024);

/**
 * The whole text of a cgroupfs or procfs file with open, read, close. Every file the exporter reads is a
 * kernel seq_file, which fills a read as far as the caller's buffer allows before returning: a short read is
 * the end of the file, so one read(2) suffices unless the buffer came back full (then it grows). readFileSync
 * would add an fstat and a second read per file (docs/benchmarks.md, "Why the code is shaped this way").
 */
export function readPseudoFile(path: string): string {
  const fd = openSync(path, constants.O_RDONLY);
  try {
    let length = 0;
    for (;;) {
      const n = readSync(fd, readBuffer, length, readBuffer.length - length, null);
      length += n;
      if (n === 0 || length < readBuffer.length) break;
      const bigger = Buffer.allocUnsafe(readBuffer.length * 2);
      readBuffer.copy(bigger, 0, 0, length);
      readBuffer = bigger;
    }
    return readBuffer.toString('latin1', 0, length);
  } finally {
    closeSync(fd);
  }
}

/**
 * A file's bytes into `into` at `offset`, as readPseudoFile reads them: the length, or -1 when the file filled
 * the room left (it may have been cut short: read it with readPseudoFile instead). Throws as fs does.
 */
export function readPseudoFileInto(path: string, into: Buffer, offset: number): number {
  const room = into.length - offset;
  if (room <= 0) return -1;
  const fd = openSync(path, constants.O_RDONLY);
  try {
    const n = readSync(fd, into, offset, room, null);
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
