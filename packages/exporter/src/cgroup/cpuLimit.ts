import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCpuMax } from '../parsers/cpuMax';
import { parseMountinfo, type MountInfoEntry } from '../parsers/mountinfo';
import { parseInteger, parseUint } from '../parsers/values';

/**
 * How much CPU time the exporter's own cgroup may use, in CPUs: quota / period of the CPU controller, the
 * tightest of its cgroup and the cgroups above it that it can see. A Kubernetes limit of `500m` reads 0.5.
 * Undefined when nothing limits it, or when it cannot be told (no cgroup mount, unreadable files).
 *
 * Why: os.availableParallelism() is a whole number of CPUs (and on the Node 20 this was written for it
 * ignored quotas), while a DaemonSet usually runs under a CPU limit well below the node's CPU count. A second thread under a quota of
 * one CPU or less adds memory and no speed: both threads draw on the same quota.
 *
 * This is the exporter's *own* view — `procfs` is the exporter's /proc, not --path.procfs, which may be the
 * host's: /proc/self/cgroup names the cgroup (relative to the exporter's cgroup namespace) and
 * /proc/self/mountinfo says where that hierarchy is mounted and which part of it the mount shows.
 */
export function ownCpuLimit(procfs = '/proc'): number | undefined {
  let cgroups: string;
  let mounts: MountInfoEntry[];
  try {
    cgroups = readFileSync(join(procfs, 'self', 'cgroup'), 'latin1');
    mounts = parseMountinfo(readFileSync(join(procfs, 'self', 'mountinfo'), 'latin1'));
  } catch {
    return undefined;
  }
  // A v1 cpu controller takes precedence: on a hybrid host the v2 hierarchy has no cpu controller.
  const v1 = cgroupOf(cgroups, (controllers) => controllers.split(',').includes('cpu'));
  if (v1 !== undefined) {
    const mount = mountShowing(mounts, v1, (m) => m.fsType === 'cgroup' && m.superOptions.includes('cpu'));
    return mount && tightest(mount, v1, v1Quota);
  }
  const v2 = cgroupOf(cgroups, (controllers) => controllers === '');
  if (v2 !== undefined) {
    const mount = mountShowing(mounts, v2, (m) => m.fsType === 'cgroup2');
    return mount && tightest(mount, v2, v2Quota);
  }
  return undefined;
}

/** The mount of the hierarchy that shows `cgroup`: its root is the cgroup or above it. */
function mountShowing(
  mounts: MountInfoEntry[],
  cgroup: string,
  ofHierarchy: (m: MountInfoEntry) => boolean
): MountInfoEntry | undefined {
  return mounts.find((m) => ofHierarchy(m) && (m.root === '/' || cgroup === m.root || cgroup.startsWith(`${m.root}/`)));
}

/** The cgroup path of the /proc/self/cgroup line ("id:controllers:path") whose controllers match. */
function cgroupOf(text: string, matches: (controllers: string) => boolean): string | undefined {
  for (const line of text.split('\n')) {
    const first = line.indexOf(':');
    const second = line.indexOf(':', first + 1);
    if (first < 0 || second < 0) continue;
    if (matches(line.slice(first + 1, second))) return line.slice(second + 1);
  }
  return undefined;
}

/**
 * The smallest quota / period from the cgroup's directory up to the mount's top. The mount shows the
 * hierarchy from `mount.root` down (a container sees only its own subtree), so the cgroup's directory is
 * its path with that root taken off; levels above the mount are out of sight and not counted.
 */
function tightest(
  mount: MountInfoEntry,
  cgroup: string,
  quotaOf: (dir: string) => number | undefined
): number | undefined {
  let rel = mount.root === '/' ? cgroup : cgroup.slice(mount.root.length);
  let limit: number | undefined;
  for (;;) {
    const cpus = quotaOf(mount.mountPoint + (rel === '/' ? '' : rel));
    if (cpus !== undefined && (limit === undefined || cpus < limit)) limit = cpus;
    if (rel === '' || rel === '/') return limit;
    rel = rel.slice(0, rel.lastIndexOf('/'));
  }
}

/** v2 cpu.max: "max 100000" is no quota. A missing or malformed file counts as no quota at that level. */
function v2Quota(dir: string): number | undefined {
  try {
    const { quota, period } = parseCpuMax(readFileSync(join(dir, 'cpu.max'), 'latin1'));
    return quota === null ? undefined : quota / period;
  } catch {
    return undefined;
  }
}

/** v1 cpu.cfs_quota_us (-1 is no quota) over cpu.cfs_period_us. */
function v1Quota(dir: string): number | undefined {
  try {
    const quota = parseInteger(readFileSync(join(dir, 'cpu.cfs_quota_us'), 'latin1'));
    if (quota < 0) return undefined;
    const period = parseUint(readFileSync(join(dir, 'cpu.cfs_period_us'), 'latin1'));
    return period > 0 ? quota / period : undefined;
  } catch {
    return undefined;
  }
}
