/**
 * A synthetic fleet as Prometheus would answer the panel's queries (support/targets.ts): `n` containers on
 * ten hosts (FLEET_HOSTS; contiguous blocks, so a pod never spans two hosts), with every namespace state,
 * every security badge, limits and none, throttling and pressure. Two containers in three are Kubernetes
 * containers in pods of one to three containers (POD_SIZES), sharing the pod's network and IPC namespaces,
 * labelled as the exporter's CRI source labels them (`name` the 64-hex
 * container id, `namespace`/`pod`/`container`, a kubepods cgroup path); the rest are Docker containers
 * (`/system.slice/docker-<id>.scope`), half of them Compose services with the two runtime labels the
 * exporter carries by default. For the browser tests and the benchmark, which need more rows than a live
 * engine can start quickly; deterministic, so a failure reproduces. promToFrames.ts turns the answers
 * into the frames Grafana hands the panel.
 */
import { METRICS, NAMESPACE_TYPES, runtimeLabelName, type NamespaceType } from '@isoscope/shared';

import type { PromData, PromTarget } from '../promToFrames';

type Labels = Record<string, string>;

/** Hosts of the synthetic fleet: 2,000 containers are 200 per host. */
export const FLEET_HOSTS = 10;

/** A Kubernetes container's pod: its number (unique in the fleet) and how many containers it has. */
interface Pod {
  index: number;
  size: number;
}

interface Spec {
  labels: Labels;
  index: number;
  pod?: Pod;
}

/** A 64-hex container id, different for every i (and stable). */
function containerId(i: number): string {
  return (i + 1).toString(16).padStart(8, '0').repeat(8);
}

/**
 * Pod sizes, in turn, for each host's Kubernetes containers: single-container pods, pairs and a pod with
 * two sidecars, so grouping by host draws pod header rows of two and three containers at any fleet size.
 */
const POD_SIZES = [2, 1, 3, 1, 2, 1];

/**
 * Which pod each container is in (undefined: a Docker container). Containers are split into contiguous
 * host blocks; within a block, its Kubernetes containers (two in three) fill pods of POD_SIZES, so a pod
 * never spans two hosts and each host keeps exactly its share of the fleet.
 */
function podLayout(n: number, hosts: number): { host: number[]; pod: Array<Pod | undefined> } {
  const host = Array.from({ length: n }, (_, i) => Math.min(hosts - 1, Math.floor((i * hosts) / n)));
  const pod: Array<Pod | undefined> = Array(n).fill(undefined);
  let next = 0;
  for (let h = 0; h < hosts; h++) {
    const members = host.flatMap((x, i) => (x === h && i % 3 !== 0 ? [i] : []));
    let turn = 0;
    for (let at = 0; at < members.length; turn++) {
      const chunk = members.slice(at, at + POD_SIZES[turn % POD_SIZES.length]);
      const p = { index: next++, size: chunk.length };
      chunk.forEach((i) => (pod[i] = p));
      at += chunk.length;
    }
  }
  return { host, pod };
}

function containerSpecs(n: number, hosts: number): Spec[] {
  const layout = podLayout(n, hosts);
  return Array.from({ length: n }, (_, i) => {
    const host = `node-${layout.host[i]}:9820`;
    const hex = containerId(i);
    const labels: Labels = { instance: host, job: 'isoscope', image: `registry/app:${i % 7}` };
    const pod = layout.pod[i];
    if (pod) {
      // as the CRI source names them: the id as name
      const p = pod.index;
      const uid = `${p.toString(16).padStart(8, '0')}-0000-4000-8000-${p.toString(16).padStart(12, '0')}`;
      labels.id = `/kubepods/burstable/pod${uid}/${hex}`;
      labels.name = hex;
      labels.namespace = `team-${p % 5}`;
      labels.pod = `pod-${p}`;
      labels.container = `app-${i}`;
    } else {
      labels.id = `/system.slice/docker-${hex}.scope`;
      labels.name = `app-${i}`;
      if (i % 2 === 0) {
        labels[runtimeLabelName('com.docker.compose.project')] = `project-${i % 4}`;
        labels[runtimeLabelName('com.docker.compose.service')] = `service-${i}`;
      }
    }
    return { labels, index: i, pod };
  });
}

/** The raw metric values of container i: namespaces, security, limits (undefined: no series). */
function rawValues(
  i: number,
  pod: Pod | undefined,
  tick: number
): Array<{ metric: string; extra?: Labels; value: number }> {
  const out: Array<{ metric: string; extra?: Labels; value: number }> = [];
  const ns = (type: NamespaceType, inode: number, host: 0 | 1, sharers: number) => {
    const extra = { ns_type: type };
    out.push({ metric: METRICS.namespaceInode.name, extra, value: inode });
    out.push({ metric: METRICS.namespaceSharedWithHost.name, extra, value: host });
    out.push({ metric: METRICS.namespaceSharers.name, extra, value: sharers });
  };
  for (const type of NAMESPACE_TYPES) {
    const own = 1_000_000 + i * 16 + NAMESPACE_TYPES.indexOf(type);
    switch (type) {
      case 'net':
        // pods share their network; every 11th container is on the host's
        if (i % 11 === 0) {
          ns(type, 4026531840, 1, 20);
        } else if (pod) {
          ns(type, 2_000_000 + pod.index, 0, pod.size);
        } else {
          ns(type, own, 0, 1);
        }
        break;
      case 'pid':
        if (i % 17 === 0) {
          ns(type, 4026531836, 1, 10);
        } else {
          ns(type, own, 0, 1);
        }
        break;
      case 'ipc':
        // unknown now and then: no series at all
        if (i % 23 !== 0) {
          ns(type, pod ? 3_000_000 + pod.index : own, 0, pod ? pod.size : 1);
        }
        break;
      case 'user':
      case 'cgroup':
        ns(type, 4026531837 + NAMESPACE_TYPES.indexOf(type), i % 9 === 0 ? 0 : 1, 50);
        break;
      case 'time':
        ns(type, 4026531834, 1, 200);
        break;
      case 'uts':
        if (i % 19 === 0) {
          ns(type, 4026531838, 1, 5);
        } else {
          ns(type, own, 0, 1);
        }
        break;
      default:
        ns(type, own, 0, 1);
    }
  }
  out.push({ metric: METRICS.securitySeccompMode.name, value: i % 13 === 0 ? 0 : 2 });
  out.push({ metric: METRICS.securityNoNewPrivs.name, value: i % 4 === 0 ? 0 : 1 });
  out.push({ metric: METRICS.securityCapabilitiesEffective.name, value: i % 29 === 0 ? 41 : 14 });
  out.push({ metric: METRICS.securityPrivileged.name, value: i % 29 === 0 ? 1 : 0 });
  out.push({ metric: METRICS.securityRootMappedToHost.name, value: i % 9 === 0 ? 0 : 1 });
  if (i % 3 !== 0) {
    out.push({ metric: METRICS.specCpuQuota.name, value: 50_000 * (1 + (i % 4)) });
  }
  out.push({ metric: METRICS.specCpuPeriod.name, value: 100_000 });
  out.push({ metric: METRICS.specCpusetCpus.name, value: 16 });
  out.push({ metric: METRICS.memoryWorkingSet.name, value: (20 + ((i * 37 + tick * 11) % 400)) * 2 ** 20 });
  out.push({ metric: METRICS.specMemoryLimit.name, value: i % 5 === 0 ? 0 : 512 * 2 ** 20 });
  out.push({ metric: METRICS.threads.name, value: 3 + (i % 40) });
  out.push({ metric: METRICS.threadsMax.name, value: i % 2 === 0 ? 0 : 100 });
  return out;
}

/** The derived value of a role for container i (rates and ratios); `tick` moves them between refreshes. */
function derivedValue(refId: string, i: number, tick: number): number | undefined {
  switch (refId) {
    case 'cpuUsage':
      return ((i * 7 + tick * 13) % 100) / 100;
    case 'throttled':
      return i % 3 === 0 ? Number.NaN : ((i * 3 + tick) % 40) / 100;
    case 'pressureCpu':
      return ((i * 5 + tick * 3) % 50) / 100;
    case 'pressureMemory':
      return (i % 7) / 100;
    case 'pressureIo':
      return (i % 11) / 100;
    case 'networkRx':
    case 'networkTx':
    case 'ioRead':
    case 'ioWrite':
      return (i % 13) * 1024;
    default:
      return undefined;
  }
}

const sample = (v: number) => (Number.isNaN(v) ? 'NaN' : String(v));

export interface FleetOptions {
  /** Hosts the containers are spread over (FLEET_HOSTS). */
  hosts?: number;
  /** A refresh counter: the rates and working sets change with it, the containers do not. */
  tick?: number;
  /**
   * Only the containers whose label has one of the values listed (label → values), as a dashboard's
   * variables would pick them (`pod=~"pod-0|pod-2"`).
   */
  select?: Record<string, string[]>;
}

/** The answers Prometheus would give the panel's targets for a fleet of `n` containers at `endMs`. */
export function fleetAnswers(
  targets: PromTarget[],
  n: number,
  endMs: number,
  stepMs: number,
  opts: FleetOptions = {}
): Array<{ target: PromTarget; data: PromData; stepMs: number }> {
  const tick = opts.tick ?? 0;
  const picked = Object.entries(opts.select ?? {});
  const specs = containerSpecs(n, opts.hosts ?? FLEET_HOSTS).filter((c) =>
    picked.every(([label, values]) => values.includes(c.labels[label]))
  );
  const end = endMs / 1000;
  return targets.map((target) => {
    if (target.instant && target.format !== 'table') {
      // a derived role as an instant query (as the provisioned dashboards ask): its latest value
      const result = specs.flatMap((c) => {
        const v = derivedValue(target.refId, c.index, tick);
        return v === undefined ? [] : [{ metric: { ...c.labels }, value: [end, sample(v)] as [number, string] }];
      });
      return { target, data: { resultType: 'vector', result }, stepMs };
    }
    if (target.instant) {
      const result = specs.flatMap((c) =>
        rawValues(c.index, c.pod, tick).map((v) => ({
          metric: { __name__: v.metric, ...c.labels, ...(v.extra ?? {}) },
          value: [end, sample(v.value)] as [number, string],
        }))
      );
      return { target, data: { resultType: 'vector', result }, stepMs };
    }
    const result = specs.flatMap((c) => {
      const v = derivedValue(target.refId, c.index, tick);
      if (v === undefined) {
        return [];
      }
      const times = [end - (2 * stepMs) / 1000, end - stepMs / 1000, end];
      return [{ metric: { ...c.labels }, values: times.map((t) => [t, sample(v)] as [number, string]) }];
    });
    return { target, data: { resultType: 'matrix', result }, stepMs };
  });
}
