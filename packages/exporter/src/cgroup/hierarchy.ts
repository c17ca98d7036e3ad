import * as path from 'path';
import type { CgroupMode } from '@isoscope/shared';
import type { MountInfoEntry } from '../parsers/mountinfo';

/**
 * Where the host's cgroup hierarchies are, as seen from the exporter (paths already rebased under
 * `--path.sysfs`).
 */
export interface CgroupHierarchy {
  mode: CgroupMode;
  /** The cgroup v2 mount: the only hierarchy on a v2 host, the PSI-bearing `unified` one on a hybrid host. */
  unified: string | null;
  /** cgroup v1 controller name (cpu, cpuacct, memory, pids, blkio, cpuset, …) → its mount point. */
  v1: Map<string, string>;
}

/**
 * Mount options that cgroup v1 lists beside the controllers in the super options; none of them
 * names a controller. Named hierarchies ("name=systemd") carry no controller either.
 */
const V1_NON_CONTROLLER_OPTIONS = new Set([
  'rw',
  'ro',
  'xattr',
  'noprefix',
  'clone_children',
  'all',
  'none',
  'cpuset_v2_mode',
  'favordynmods',
  'nofavordynmods',
]);

/** Where every cgroup mount point lives on a Linux host, relative to sysfs. */
const CGROUP_MARKER = '/fs/cgroup';

/**
 * Map a mount point to where the exporter can reach it. The exporter may run in a container with
 * the host's /sys bind-mounted elsewhere (e.g. /host/sys), and the mountinfo it reads may be the
 * host's (/host/proc/1/mountinfo: "/sys/fs/cgroup/cpu") or its own ("/host/sys/fs/cgroup/cpu"),
 * so keep only the part from "/fs/cgroup" on and put it under sysfsRoot. A mount point without
 * that marker (a cgroup mounted somewhere unusual) is used verbatim: there is nothing to rebase.
 */
function rebase(mountPoint: string, sysfsRoot: string): string {
  const at = mountPoint.indexOf(CGROUP_MARKER);
  if (at < 0) return mountPoint;
  const tail = mountPoint.slice(at);
  // "/fs/cgroupfoo" is not our marker; "/fs/cgroup" and "/fs/cgroup/..." are.
  if (tail.length > CGROUP_MARKER.length && tail[CGROUP_MARKER.length] !== '/') return mountPoint;
  return path.posix.join(sysfsRoot, tail);
}

/**
 * Rank candidate mounts of one hierarchy: a mount whose root is "/" shows the whole hierarchy
 * (a cgroup-namespaced or bind view would hide other containers), and one under /fs/cgroup is
 * the canonical place. Lower is better.
 */
function rank(m: MountInfoEntry): number {
  return (m.root === '/' ? 0 : 2) + (m.mountPoint.includes(CGROUP_MARKER) ? 0 : 1);
}

/** The v1 controllers a cgroup (v1) mount serves, from its super options. */
function v1Controllers(m: MountInfoEntry): string[] {
  return m.superOptions.filter((o) => !V1_NON_CONTROLLER_OPTIONS.has(o) && !o.includes('=') && /^[a-z_]+$/.test(o));
}

/**
 * Work out the host's cgroup layout from its mount table: v2 when a cgroup2 mount is the only
 * hierarchy with controllers, v1 when only v1 controller mounts exist, hybrid when both do (the
 * cgroup2 mount, typically /sys/fs/cgroup/unified, then serves PSI files).
 */
export function detectHierarchy(mounts: MountInfoEntry[], sysfsRoot: string): CgroupHierarchy {
  const best = new Map<string, MountInfoEntry>();
  let unifiedMount: MountInfoEntry | null = null;

  for (const m of mounts) {
    if (m.fsType === 'cgroup2') {
      if (!unifiedMount || rank(m) < rank(unifiedMount)) unifiedMount = m;
    } else if (m.fsType === 'cgroup') {
      for (const c of v1Controllers(m)) {
        const prev = best.get(c);
        if (!prev || rank(m) < rank(prev)) best.set(c, m);
      }
    }
  }

  const v1 = new Map<string, string>();
  // Insert in name order so iteration (and anything logged from it) is deterministic.
  for (const c of [...best.keys()].sort()) v1.set(c, rebase(best.get(c)!.mountPoint, sysfsRoot));
  const unified = unifiedMount ? rebase(unifiedMount.mountPoint, sysfsRoot) : null;

  if (v1.size === 0 && unified === null) {
    throw new Error(
      'no cgroup hierarchy found in the mount table: expected a cgroup2 mount or cgroup v1 controller mounts ' +
        "(is /proc the host's, and is cgroupfs mounted under /sys/fs/cgroup?)"
    );
  }
  const mode = v1.size === 0 ? 'v2' : unified === null ? 'v1' : 'hybrid';
  return { mode, unified, v1 };
}

/** Join a container's cgroup path (starting with "/") under a hierarchy mount. */
function under(mount: string, containerPath: string, file: string): string {
  // Plain concatenation, not path.join: this runs for every file of every container each scrape, and join's
  // normalising allocated megabytes a scrape (docs/benchmarks.md, "Why the code is shaped this way"). Mounts
  // come without a trailing slash (rebased above) and discovery builds container paths as "/a/b", or "/" for
  // the root.
  return `${mount}${containerPath === '/' ? '' : containerPath}/${file}`;
}

/**
 * Absolute path of a controller's interface file for a container. v1 and hybrid hosts keep each
 * controller on its own (possibly co-mounted) v1 hierarchy, so use that mount and return null when
 * the controller is not mounted; v2 has one directory for every controller.
 */
export function cgroupFile(h: CgroupHierarchy, containerPath: string, controller: string, file: string): string | null {
  if (h.mode === 'v2') return h.unified === null ? null : under(h.unified, containerPath, file);
  const mount = h.v1.get(controller);
  return mount === undefined ? null : under(mount, containerPath, file);
}

/**
 * Absolute path of a pressure (PSI) file: PSI exists only on cgroup2, which a hybrid host mounts
 * beside its v1 controllers, so any host with a cgroup2 mount has it.
 */
export function psiFile(h: CgroupHierarchy, containerPath: string, file: string): string | null {
  return h.unified === null ? null : under(h.unified, containerPath, file);
}

/**
 * v1 controllers whose hierarchy lists the container's processes, most to least likely to exist
 * for every container (pids and cpu are created by every runtime; memory may be disabled by a
 * boot parameter).
 */
export const PROCS_CONTROLLERS = ['pids', 'cpu', 'memory', 'cpuacct'] as const;

/** The container's cgroup.procs, from which a member PID (for /proc/<pid> facts) is read. */
export function procsFile(h: CgroupHierarchy, containerPath: string): string | null {
  if (h.mode === 'v2') return psiFile(h, containerPath, 'cgroup.procs');
  for (const c of PROCS_CONTROLLERS) {
    const f = cgroupFile(h, containerPath, c, 'cgroup.procs');
    if (f !== null) return f;
  }
  return null;
}
