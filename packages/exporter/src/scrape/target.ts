import { dirname } from 'node:path';
import type { ContainerCgroup } from '../cgroup/discovery';
import type { ContainerMetadata } from '../runtime/metadata';
import type { VanishProbe } from '../files/reader';

/** Label values of every series of one container. */
export type ContainerLabels = Record<string, string>;

/** One container as a scrape sees it. */
export interface Target extends VanishProbe {
  readonly cgroup: ContainerCgroup;
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

/** cgroup.procs → pids; an empty file is a container with no process left (it is stopping). */
export function parseProcs(text: string): number[] {
  const pids: number[] = [];
  for (const line of text.split('\n')) {
    const pid = Number(line);
    if (line !== '' && Number.isInteger(pid) && pid > 0) pids.push(pid);
  }
  return pids;
}
