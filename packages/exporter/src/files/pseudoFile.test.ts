/**
 * readPseudoFile and readPseudoFileInto on what a hostile or broken host can put where a kernel file should
 * be: nothing may block and nothing may grow without bound; each ends in text or an fs-style error.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, closeSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_FILE_BYTES, readPseudoFile, readPseudoFileInto } from './pseudoFile';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'isoscope-pseudofile-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The error code a read throws, or its text. */
function outcome(read: () => string | number): string | number {
  try {
    return read();
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? String(err);
  }
}

describe('readPseudoFile', () => {
  it('reads a FIFO without a writer as empty, at once', () => {
    const fifo = join(dir, 'memory.stat');
    execFileSync('mkfifo', [fifo]);
    expect(readPseudoFile(fifo)).toBe('');
    expect(outcome(() => readPseudoFileInto(fifo, Buffer.alloc(64), 0))).toBe(0);
  });

  it('gives EAGAIN for a FIFO whose writer says nothing', () => {
    const fifo = join(dir, 'cpu.stat');
    execFileSync('mkfifo', [fifo]);
    // A writer that holds the FIFO open: non-blocking, so it needs a reader first (ours, opened the same way).
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const writer = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    try {
      expect(outcome(() => readPseudoFile(fifo))).toBe('EAGAIN');
      expect(outcome(() => readPseudoFileInto(fifo, Buffer.alloc(64), 0))).toBe('EAGAIN');
    } finally {
      closeSync(writer);
      closeSync(reader);
    }
  });

  it('refuses a file of MAX_FILE_BYTES or more (EFBIG), and reads one just below it', () => {
    const huge = join(dir, 'huge');
    writeFileSync(huge, '');
    truncateSync(huge, 50 * 1024 * 1024); // sparse: 50 MiB of NUL bytes on no disk
    expect(outcome(() => readPseudoFile(huge))).toBe('EFBIG');
    expect(outcome(() => readPseudoFileInto(huge, Buffer.alloc(MAX_FILE_BYTES + 1024), 0))).toBe('EFBIG');
    const big = join(dir, 'big');
    writeFileSync(big, '');
    truncateSync(big, MAX_FILE_BYTES - 1);
    expect(readPseudoFile(big)).toHaveLength(MAX_FILE_BYTES - 1);
    // The next read is not served from a grown buffer's leftovers.
    writeFileSync(join(dir, 'small'), 'max 100000\n');
    expect(readPseudoFile(join(dir, 'small'))).toBe('max 100000\n');
  });

  it('refuses an endless device (EFBIG) rather than reading it for ever', () => {
    const got = outcome(() => readPseudoFile('/dev/zero'));
    // /dev/zero gives what it has so far when a signal is pending (the kernel's read_iter_zero), and the
    // reader takes a short read for the end, as it must for a seq_file: under a busy test worker, then, a
    // shorter run of NULs. Either way it ends, within MAX_FILE_BYTES.
    if (got !== 'EFBIG') {
      expect(typeof got).toBe('string');
      expect((got as string).length).toBeLessThan(MAX_FILE_BYTES);
      expect(/^\0*$/.test(got as string)).toBe(true);
    }
  });

  it('gives EISDIR for a directory, ELOOP for a symlink loop, ENOENT for nothing', () => {
    mkdirSync(join(dir, 'memory.max'));
    symlinkSync('loop-b', join(dir, 'loop-a'));
    symlinkSync('loop-a', join(dir, 'loop-b'));
    expect(outcome(() => readPseudoFile(join(dir, 'memory.max')))).toBe('EISDIR');
    expect(outcome(() => readPseudoFile(join(dir, 'loop-a')))).toBe('ELOOP');
    expect(outcome(() => readPseudoFile(join(dir, 'absent')))).toBe('ENOENT');
    expect(outcome(() => readPseudoFileInto(join(dir, 'memory.max'), Buffer.alloc(64), 0))).toBe('EISDIR');
  });

  it('keeps NUL and high bytes as they are (latin1), for the parser to judge', () => {
    writeFileSync(join(dir, 'nul'), Buffer.from([0x31, 0x00, 0x32, 0xff, 0x0a]));
    expect(readPseudoFile(join(dir, 'nul'))).toBe('1\u00002\u00ff\n');
  });
});
