import { dirname } from 'node:path';
import type { ContainerCgroup } from '../cgroup/discovery';
import { KeptMap } from '../collections/keptMap';
import type { ContainerMetadata } from '../runtime/metadata';
import type { VanishProbe } from '../files/reader';

/** Label values of every series of one container. */
export type ContainerLabels = Record<string, string>;

/**
 * The root cgroup, the machine itself, as cAdvisor reports it: `id="/"` and neither name nor image. It has
 * no runtime and no container id, which the optional `undefined`s say to code that reads them.
 */
export interface MachineCgroup {
  readonly path: '/';
  readonly runtime?: undefined;
  readonly containerId?: undefined;
  readonly podUid?: undefined;
  readonly podId?: undefined;
}

/** The root cgroup's path, cAdvisor's `id` of the machine's own series. */
export const MACHINE_PATH = '/';

/** One container as a scrape sees it, or the machine (collectors' `machine` step, see makeMachineTarget). */
export interface Target extends VanishProbe {
  readonly cgroup: ContainerCgroup | MachineCgroup;
  readonly meta: ContainerMetadata;
  /** Labels every series of this container carries. */
  readonly labels: ContainerLabels;
  /** Its cgroup.procs: the container's processes, as pids of the exporter's PID namespace. */
  readonly procsFile: string;
  pids: number[];
  /** The process whose /proc entries stand for the container (its first listed, normally its init). */
  pid: number | undefined;
  vanished: boolean;
}

export function makeTarget(cgroup: ContainerCgroup, meta: ContainerMetadata, procsFile: string): Target {
  return {
    cgroup,
    meta,
    labels: containerLabels(cgroup, meta),
    procsFile,
    cgroupDir: dirname(procsFile),
    pids: [],
    pid: undefined,
    vanished: false,
  };
}

/**
 * The machine as a target: the root cgroup of every hierarchy, labelled `id="/"` only, so cAdvisor's
 * `name!=""` and `image!=""` filters leave it out. `procsFile` is the root's cgroup.procs, which is never
 * read (it lists every process of the host not in a child cgroup): the directory it is in stands for the
 * root, which never vanishes. No pid: nothing per process is read for it.
 */
export function makeMachineTarget(procsFile: string): Target {
  return {
    cgroup: { path: MACHINE_PATH },
    meta: {},
    labels: { id: MACHINE_PATH },
    procsFile,
    cgroupDir: dirname(procsFile),
    pids: [],
    pid: undefined,
    vanished: false,
  };
}

/**
 * cAdvisor's label set: `id` always, `name` and `image` when the runtime told us, the Kubernetes trio
 * only when known, then the allow-listed runtime labels (`container_label_…`). Absent rather than empty, so
 * no series carries a meaningless "" label. Made once per container and scrape, and formatted once with it.
 */
export function containerLabels(cgroup: ContainerCgroup, meta: ContainerMetadata): ContainerLabels {
  const labels: ContainerLabels = { id: cgroup.path };
  if (meta.name) labels.name = meta.name;
  if (meta.image) labels.image = meta.image;
  if (meta.namespace) labels.namespace = meta.namespace;
  if (meta.pod) labels.pod = meta.pod;
  if (meta.container) labels.container = meta.container;
  if (meta.labels) for (const name in meta.labels) labels[name] = meta.labels[name];
  return labels;
}

/** Metadata of a container the runtime told nothing about: one object, so its Target can be kept. */
export const NO_METADATA: ContainerMetadata = Object.freeze({});

/**
 * The containers of the last scrape, kept for the next: a container whose cgroup (the same object, see
 * discovery's KnownPaths) and metadata (the runtime cache's object) are unchanged keeps its Target, with its
 * labels, paths and encoded label prefix, instead of a fresh one per scrape. Objects that live through a
 * whole scrape are promoted to V8's old generation, so per-scrape ones were old-generation garbage every
 * scrape (docs/benchmarks.md, "Ninth round").
 */
export class KnownTargets {
  private readonly byPath = new KeptMap<string, Target>();

  /** This scrape's targets, in the order of `cgroups`. */
  update(
    cgroups: readonly ContainerCgroup[],
    metadataOf: (c: ContainerCgroup) => ContainerMetadata,
    procsFileOf: (path: string) => string
  ): Target[] {
    const targets: Target[] = [];
    for (const cgroup of cgroups) {
      const meta = metadataOf(cgroup);
      let target = this.byPath.get(cgroup.path);
      if (target === undefined || target.cgroup !== cgroup || target.meta !== meta) {
        target = makeTarget(cgroup, meta, procsFileOf(cgroup.path));
        this.byPath.set(cgroup.path, target);
      } else {
        target.vanished = false;
      }
      targets.push(target);
    }
    this.byPath.sweep();
    return targets;
  }
}

/**
 * cgroup.procs → pids; an empty file is a container with no process left (it is stopping). `last` (the
 * container's pids of the last scrape) is returned when they are the same, so a container's list is not a
 * new array every scrape.
 */
export function parseProcs(text: string, last?: readonly number[]): number[] {
  if (last !== undefined && sameProcs(text, last)) return last as number[];
  const pids: number[] = [];
  for (const line of text.split('\n')) {
    const pid = Number(line);
    if (line !== '' && Number.isInteger(pid) && pid > 0) pids.push(pid);
  }
  return pids;
}

/** Whether cgroup.procs `text` lists exactly `pids`, in order (without making its list). */
function sameProcs(text: string, pids: readonly number[]): boolean {
  let i = 0;
  let n = 0;
  let digits = 0;
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c >= 48 && c <= 57) {
      n = n * 10 + (c - 48);
      digits++;
    } else if (c === 10) {
      if (digits === 0 || i >= pids.length || pids[i] !== n) return false;
      i++;
      n = 0;
      digits = 0;
    } else {
      return false;
    }
  }
  return digits === 0 && i === pids.length;
}
