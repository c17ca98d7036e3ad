/**
 * Reads of /proc and cgroupfs files that may be gone by the time they are read (a process exits, a cgroup is
 * removed): undefined then, for the callers to treat as "nothing there".
 */
import { readFileSync, readlinkSync } from 'node:fs';
import * as path from 'node:path';

export function tryRead(p: string): string | undefined {
  try {
    return readFileSync(p, 'latin1');
  } catch {
    return undefined;
  }
}

export function tryReadlink(p: string): string | undefined {
  try {
    return readlinkSync(p);
  } catch {
    return undefined;
  }
}

/** The pids in a cgroup's cgroup.procs (none when it is gone). */
export function pidsIn(dir: string): number[] {
  return (tryRead(path.join(dir, 'cgroup.procs')) ?? '')
    .split('\n')
    .filter(Boolean)
    .map(Number)
    .filter((n) => n > 0);
}
