import { promises as fs } from 'fs';
import * as path from 'path';
import { KeptMap } from '../collections/keptMap';
import type { CgroupHierarchy } from './hierarchy';
import { identifyContainerPath, type PathIdentity } from './paths';

/** A container found in the cgroup hierarchy. */
export interface ContainerCgroup extends PathIdentity {
  /** The cgroup path relative to the hierarchy root, starting with "/": cAdvisor's `id` label. */
  path: string;
}

/**
 * Deepest cgroup level walked. The deepest container path we recognise is kubelet's systemd layout
 * (4 levels); rootless Podman under the user manager reaches ~6. Beyond 10 it is some workload's
 * own sub-hierarchy.
 */
export const MAX_DEPTH = 10;

/**
 * v1 controllers tried as the walk's root, in order: the container's cgroup exists in every
 * mounted controller, so one is enough, and pids and memory are the ones runtimes always populate.
 */
export const PRIMARY_CONTROLLERS = ['pids', 'memory', 'cpu', 'cpuacct'] as const;

/** The directory whose subtree names every container: the unified root, or one v1 controller. */
export function walkRoot(h: CgroupHierarchy): string {
  if (h.mode === 'v2') {
    if (h.unified === null) throw new Error('cgroup v2 host without a cgroup2 mount');
    return h.unified;
  }
  for (const c of PRIMARY_CONTROLLERS) {
    const mount = h.v1.get(c);
    if (mount !== undefined) return mount;
  }
  // Some v1 controller is mounted (detectHierarchy guarantees it): fall back to the first.
  const first = [...h.v1.values()].sort()[0];
  if (first === undefined) throw new Error('cgroup v1 host without controller mounts');
  return first;
}

/** Errors meaning "this directory is gone or not a directory any more": containers come and go. */
function isVanished(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * Find every container cgroup by walking the hierarchy's directories. /proc/<pid>/cgroup cannot be
 * used: inside a private cgroup namespace (Docker's default on v2) it reads "0::/". A recognised
 * container directory is not descended into (its children — a systemd payload, crun's "container"
 * leaf — belong to it), and *.mount units are skipped unvisited.
 */
export async function discoverContainers(
  h: CgroupHierarchy,
  known: KnownPaths = new KnownPaths()
): Promise<ContainerCgroup[]> {
  const found: ContainerCgroup[] = [];
  await walk(walkRoot(h), '/', 0, found, known);
  known.forgetUnseen();
  found.sort(byPath);
  return found;
}

/**
 * What each cgroup directory of the last walks was (a container, or not one), kept from scrape to scrape: a
 * container is then the same object every scrape, with its path and ids (see KeptMap for why). Directories
 * not seen in a walk are forgotten after it.
 */
export class KnownPaths {
  private readonly paths = new KeptMap<string, ContainerCgroup | null>();

  /** The container at `rel`, or null when the directory is not one. */
  identify(rel: string): ContainerCgroup | null {
    let cgroup = this.paths.get(rel);
    if (cgroup === undefined) {
      const identity = identifyContainerPath(rel);
      cgroup = identity ? { ...identity, path: rel } : null;
      this.paths.set(rel, cgroup);
    }
    return cgroup;
  }

  forgetUnseen(): void {
    this.paths.sweep();
  }
}

/** One directory of the walk: containers found below `rel` go into `found`. */
async function walk(
  root: string,
  rel: string,
  depth: number,
  found: ContainerCgroup[],
  known: KnownPaths
): Promise<void> {
  let entries;
  try {
    entries = await fs.readdir(path.posix.join(root, rel), { withFileTypes: true });
  } catch (err) {
    // The root itself missing is a configuration error the caller must see; a sub-cgroup
    // removed between listing its parent and reading it is normal churn.
    if (rel !== '/' && isVanished(err)) return;
    throw err;
  }
  const children: Promise<void>[] = [];
  for (const e of entries) {
    // cgroupfs directories are real directories; interface files and the symlinks systemd puts
    // beside co-mounted controllers (cpu -> cpu,cpuacct) are not cgroups.
    if (!e.isDirectory() || e.name.endsWith('.mount')) continue;
    const childRel = rel === '/' ? `/${e.name}` : `${rel}/${e.name}`;
    const container = known.identify(childRel);
    if (container) {
      found.push(container);
    } else if (depth + 1 < MAX_DEPTH) {
      children.push(walk(root, childRel, depth + 1, found, known));
    }
  }
  await Promise.all(children);
}

function byPath(a: ContainerCgroup, b: ContainerCgroup): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}
