import { join } from 'node:path';
import { METRICS } from '@isoscope/shared';
import { parseNetDev, type NetDevCounters } from '../parsers/netDev';
import type { Scrape } from '../scrape/scrape';
import type { Collector } from './collector';
import type { Target } from '../scrape/target';
import { processStartTime } from './lifecycle';

/** Interfaces cAdvisor leaves out: loopback and the host ends of container links. */
const IGNORED_PREFIXES = ['lo', 'veth', 'docker', 'nerdctl'];

const COUNTERS: Array<[keyof NetDevCounters, (typeof METRICS)[keyof typeof METRICS]]> = [
  ['rxBytes', METRICS.networkReceiveBytes],
  ['rxPackets', METRICS.networkReceivePackets],
  ['rxErrors', METRICS.networkReceiveErrors],
  ['rxDropped', METRICS.networkReceiveDropped],
  ['txBytes', METRICS.networkTransmitBytes],
  ['txPackets', METRICS.networkTransmitPackets],
  ['txErrors', METRICS.networkTransmitErrors],
  ['txDropped', METRICS.networkTransmitDropped],
];

/**
 * Interface counters, read once per network namespace from /proc/<pid>/net/dev of a process inside it.
 * Unlike cAdvisor:
 * - a container in the host's network namespace gets no series (they would be the host's interfaces, which
 *   the machine's `id="/"` series carry);
 * - containers sharing one namespace (a pod, `--network container:X`) are not counted twice: the series go
 *   to the pod's sandbox when it is among them, else to the sharer that started first (the container the
 *   others joined).
 */
export const networkCollector: Collector = {
  name: 'network',
  finish(scrape) {
    const hostNet = scrape.env.reference.namespaces.get('net');
    const live = scrape.live();
    // Each namespace's first container by position, and all of them only for a namespace shared (an array per
    // container lived through the step and was promoted every scrape).
    const first = new Map<number, number>();
    const shared = new Map<number, Target[]>();
    for (let i = 0; i < live.length; i++) {
      const inode = scrape.namespacesOf(live[i], 'network')?.get('net');
      if (inode === undefined || inode === hostNet) continue;
      const f = first.get(inode);
      if (f === undefined) {
        first.set(inode, i);
        continue;
      }
      const sharers = shared.get(inode);
      if (sharers) sharers.push(live[i]);
      else shared.set(inode, [live[f], live[i]]);
    }
    first.forEach((i, inode) => {
      const sharers = shared.get(inode);
      const owner = sharers ? firstStarted(scrape, sharers) : live[i];
      if (owner.pid === undefined) return;
      const facts = scrape.env.processes.of(owner)!;
      emitInterfaces(scrape, owner, (facts.netDevPath ??= join(scrape.env.procfs, String(owner.pid), 'net', 'dev')));
    });
  },
  /**
   * The machine's: the interfaces of the host's own network namespace, the one containers are compared
   * with (`--namespace.reference`: `<procfs>/1/net/dev`, as cAdvisor reads pid 1's for the root cgroup, or
   * the exporter's own), with the same interfaces left out.
   */
  machine(scrape, machine) {
    const { source } = scrape.env.reference;
    emitInterfaces(scrape, machine, source === 'pid1' ? join(scrape.env.procfs, '1', 'net', 'dev') : SELF_NET_DEV);
  },
};

/** The exporter's own network namespace's counters (the reference is the exporter's own namespaces). */
const SELF_NET_DEV = '/proc/self/net/dev';

function emitInterfaces(scrape: Scrape, owner: Target, path: string): void {
  const reader = scrape.reader('network', owner);
  const text = reader.read(path);
  if (text === undefined) return;
  const { interfaces, malformed } = parseNetDev(text);
  reader.malformed(path, malformed);
  for (const iface of interfaces) {
    if (IGNORED_PREFIXES.some((p) => iface.name.startsWith(p))) continue;
    const labels = interfaceLabels(iface.name);
    for (const [field, family] of COUNTERS) scrape.emit(family, owner, iface[field] as number, labels);
  }
}

/**
 * `{ interface }` of each interface name, made once: a label object per series and scrape lived until the
 * exposition and was promoted every time (docs/benchmarks.md, "Ninth round"). Bounded, as names come from
 * the host's containers: past the bound it starts afresh.
 */
const INTERFACE_LABELS = new Map<string, Record<string, string>>();
const MAX_INTERFACE_LABELS = 4096;

function interfaceLabels(name: string): Record<string, string> {
  let labels = INTERFACE_LABELS.get(name);
  if (labels === undefined) {
    if (INTERFACE_LABELS.size >= MAX_INTERFACE_LABELS) INTERFACE_LABELS.clear();
    INTERFACE_LABELS.set(name, (labels = { interface: name }));
  }
  return labels;
}

function firstStarted(scrape: Scrape, sharers: Target[]): Target {
  if (sharers.length === 1) return sharers[0];
  // A pod's sandbox holds the namespace for its members: it owns it whatever the clocks say (Podman reports
  // start times in whole seconds, so a pod's containers often tie).
  const sandbox = sharers.find((t) => t.meta.sandbox === true);
  if (sandbox) return sandbox;
  // The kernel's start time of each one's process first: it counts in clock ticks, where runtimes may count in
  // whole seconds, and a `container:` peer is often started within the second of the container it joins.
  const started = sharers.map((t) => ({ t, start: processStartTime(scrape, t) ?? t.meta.startedAt ?? Infinity }));
  started.sort((a, b) => a.start - b.start || a.t.cgroup.path.localeCompare(b.t.cgroup.path));
  return started[0].t;
}
