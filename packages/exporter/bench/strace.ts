/**
 * The strace check: the files one exporter scrape really touches (openat/open/readlink of every thread),
 * against a floor list. Used twice per N: the exporter's first scrape against the cold list, and a scrape
 * after the measured ones against the steady-state list (`cached` then names the once-per-process paths,
 * which a steady-state scrape must not touch).
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { onCleanup } from './cleanup';
import { sleep } from './exporterModules';
import type { FloorOp, Scraper, StraceResult } from './types';

export function haveStrace(): boolean {
  return spawnSync('strace', ['-V']).status === 0;
}

export async function straceOneScrape(
  pid: number,
  scraper: Scraper,
  tmp: string,
  ops: readonly FloorOp[],
  cached: readonly FloorOp[] = []
): Promise<StraceResult> {
  const out = path.join(tmp, `strace-${pid}-${Date.now()}.txt`);
  const child = spawn(
    'strace',
    ['-f', '-qq', '-e', 'trace=openat,open,readlink,readlinkat', '-o', out, '-p', `${pid}`],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    }
  );
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const forget = onCleanup('strace', () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  await sleep(1500); // attach to every thread
  if (child.exitCode !== null) {
    forget();
    return { error: `strace exited: ${err.trim()}` };
  }
  await scraper.once();
  await sleep(200);
  child.kill('SIGINT');
  await exited;
  forget();
  const traced = new Map<string, 'd' | 'r' | 'l'>();
  for (const line of readFileSync(out, 'utf8').split('\n')) {
    const open = /(?:openat\(AT_FDCWD, |open\()"([^"]+)", ([A-Z_|]+)/.exec(line);
    if (open) {
      traced.set(open[1], open[2].includes('O_DIRECTORY') ? 'd' : 'r');
      continue;
    }
    const link = /readlink(?:at\(AT_FDCWD, |\()"([^"]+)"/.exec(line);
    if (link) traced.set(link[1], 'l');
  }
  const listed = new Set(ops.map((op) => op.path));
  const containerPath = (p: string) =>
    p.startsWith('/sys/fs/cgroup') || /^\/proc\/\d+\//.test(p) || p === '/proc/diskstats';
  // A container started by someone else between deriving the list and this scrape shows up here too.
  const missingInFloor = [...traced.keys()].filter((p) => containerPath(p) && !listed.has(p));
  const notTraced = [...listed].filter((p) => !traced.has(p));
  const other = [...traced.keys()].filter((p) => !containerPath(p));
  const reread = cached.length ? cached.map((op) => op.path).filter((p) => traced.has(p)) : undefined;
  return { traced: traced.size, listed: listed.size, missingInFloor, notTraced, other, reread };
}
