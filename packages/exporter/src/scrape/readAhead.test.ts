/**
 * The read-ahead thread against real files: what a container's collectors get must be exactly what reading
 * the file then would have given (text, or the same error), whichever thread read it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { silentLogger } from '../log/logger';
import { ReadAhead, type ScrapeReads } from './readAhead';
import type { Target } from './target';

let dir: string;
let readAhead: ReadAhead;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'isoscope-readahead-'));
  readAhead = new ReadAhead(silentLogger);
});
afterEach(async () => {
  await readAhead.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A container as the read-ahead sees it: only its cgroup path matters. */
const container = (name: string) => ({ cgroup: { path: `/${name}` } }) as Target;

/** `files` files per container, each with its own text. */
function makeFiles(
  containers: Target[],
  files: number,
  text = (c: number, f: number) => `container ${c} file ${f}\n`
): string[][] {
  return containers.map((_, c) =>
    Array.from({ length: files }, (__, f) => {
      const path = join(dir, `c${c}-f${f}`);
      writeFileSync(path, text(c, f));
      return path;
    })
  );
}

/** One scrape: every container reads its files in order; returns what each read gave (text or error code). */
async function scrape(
  containers: Target[],
  paths: string[][],
  opts: { settle?: boolean } = {}
): Promise<{ reads: ScrapeReads; got: string[][] }> {
  const reads = readAhead.begin();
  // As discovery and the runtime's answer take a moment in a real scrape, give the thread time to read.
  if (opts.settle ?? true) await sleep(200);
  const got = containers.map((t, c) =>
    paths[c].map((path) => {
      try {
        return reads.source(t).read(path);
      } catch (err) {
        return (err as NodeJS.ErrnoException).code!;
      }
    })
  );
  reads.end(containers);
  return { reads, got };
}

const onDisk = (paths: string[][]) => paths.map((files) => files.map((p) => readFileSync(p, 'latin1')));

describe('read-ahead', () => {
  it('reads on demand what it has not learned yet, then serves every file from the thread', async () => {
    const containers = ['a', 'b', 'c'].map(container);
    const paths = makeFiles(containers, 25);
    const first = await scrape(containers, paths);
    expect(first.got).toEqual(onDisk(paths));
    expect(first.reads.served).toEqual({ thread: 0, back: 0, demand: 75 });

    const second = await scrape(containers, paths);
    expect(second.got).toEqual(onDisk(paths));
    expect(second.reads.served).toEqual({ thread: 75, back: 0, demand: 0 });
  });

  it('gives each scrape the text the file has then, not an earlier one', async () => {
    const containers = [container('a')];
    const paths = makeFiles(containers, 3);
    await scrape(containers, paths);
    writeFileSync(paths[0][1], 'usage 42\n');
    const { got } = await scrape(containers, paths);
    expect(got[0][1]).toBe('usage 42\n');
  });

  it('reports a file that is gone with the error reading it would give', async () => {
    const containers = [container('a'), container('b')];
    const paths = makeFiles(containers, 3);
    await scrape(containers, paths);
    rmSync(paths[1][2]);
    const { reads, got } = await scrape(containers, paths);
    expect(got[1][2]).toBe('ENOENT');
    expect(got[0]).toEqual(onDisk([paths[0]])[0]);
    expect(reads.served.demand).toBe(0);
  });

  it('never blocks or grows on a FIFO, a huge file, a directory or a symlink loop: what a direct read gives', async () => {
    const containers = [container('a')];
    const paths = makeFiles(containers, 6);
    const [fifo, huge, directory, loop] = paths[0];
    for (const p of [fifo, huge, directory, loop]) rmSync(p);
    execFileSync('mkfifo', [fifo]);
    writeFileSync(huge, '');
    truncateSync(huge, 50 * 1024 * 1024);
    mkdirSync(directory);
    symlinkSync(loop, loop);
    const expected = ['', 'EFBIG', 'EISDIR', 'ELOOP', ...onDisk([paths[0].slice(4)])[0]];
    await scrape(containers, paths);
    // The huge file fills the arena, so the main thread reads it (EFBIG) while the arena grows, until the
    // thread has room enough to see it is too big: a few MiB, never the file's size.
    let last: ScrapeReads['served'] | undefined;
    for (let i = 0; i < 7; i++) {
      const { reads, got } = await scrape(containers, paths);
      expect(got[0]).toEqual(expected);
      last = reads.served;
    }
    expect(last).toEqual({ thread: 6, back: 0, demand: 0 });
  });

  it('reads a file that does not fit on demand, and has room for it from the next scrape on', async () => {
    const containers = [container('a')];
    const big = 'x'.repeat(300 * 1024); // more than the first arena holds
    const paths = makeFiles(containers, 2, (_, f) => (f === 1 ? big : 'small\n'));
    await scrape(containers, paths);
    const second = await scrape(containers, paths);
    expect(second.got[0][1]).toBe(big);
    expect(second.reads.served).toEqual({ thread: 1, back: 0, demand: 1 });
    const third = await scrape(containers, paths);
    expect(third.got[0][1]).toBe(big);
    expect(third.reads.served).toEqual({ thread: 2, back: 0, demand: 0 });
  });

  it('follows what containers read: a new file or container is read on demand once, then ahead', async () => {
    const [a, b] = [container('a'), container('b')];
    const paths = makeFiles([a, b], 3);
    await scrape([a], [paths[0].slice(0, 2)]);
    const second = await scrape([a, b], [paths[0], paths[1]]);
    expect(second.got).toEqual(onDisk(paths));
    expect(second.reads.served).toEqual({ thread: 2, back: 0, demand: 4 });
    const third = await scrape([a, b], paths);
    expect(third.reads.served).toEqual({ thread: 6, back: 0, demand: 0 });
  });

  it('serves what it took from the back as the files hold it: texts, errors, a file too big read on demand', async () => {
    const containers = ['a', 'b', 'c'].map(container);
    // Container c's second file is larger than the main thread's first back arena (256 KiB).
    const paths = makeFiles(containers, 3, (c, f) => (c === 2 && f === 1 ? 'x'.repeat(300 * 1024) : `c${c} f${f}\n`));
    await scrape(containers, paths);
    rmSync(paths[2][0]); // gone between the scrapes: the back reader sees ENOENT, as fs would
    readAhead.stop('test: the thread is gone');
    const reads = readAhead.begin();
    Atomics.store((reads as unknown as { state: Int32Array }).state, 1, 1); // "the thread reads group 0"
    // Group 0 waits for the thread (in vain, so it is read on demand); meanwhile groups 2 and 1 are taken.
    const got = [0, 1, 2].map((c) =>
      paths[c].map((p) => {
        try {
          return reads.source(containers[c]).read(p);
        } catch (err) {
          return (err as NodeJS.ErrnoException).code!;
        }
      })
    );
    expect(got).toEqual([...onDisk([paths[0], paths[1]]), ['ENOENT', 'x'.repeat(300 * 1024), 'c2 f2\n']]);
    // Groups 1 and 2 came from the back, but for the big file, which did not fit there and was read on demand.
    expect(reads.served).toEqual({ thread: 0, back: 5, demand: 4 });
  });

  it('takes groups from the back while the thread is busy, and gives up on a thread that never answers', async () => {
    const containers = ['a', 'b', 'c', 'd'].map(container);
    const paths = makeFiles(containers, 5);
    await scrape(containers, paths);
    readAhead.stop('test: the thread is gone'); // from here nothing but this test claims groups
    const reads = readAhead.begin();
    // The thread claimed the first container's group and never finishes it.
    Atomics.store((reads as unknown as { state: Int32Array }).state, 1, 1);
    const started = Date.now();
    const got = containers.map((t, c) => paths[c].map((p) => reads.source(t).read(p)));
    expect(got).toEqual(onDisk(paths));
    expect(reads.served).toEqual({ thread: 0, back: 15, demand: 5 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900); // waited for the thread before giving up
    expect(readAhead.running).toBe(false);
  });
});
