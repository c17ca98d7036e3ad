import type { NamespaceType } from '@isoscope/shared';

import type { ContainerView } from './types';

/** The fleet summary's checks, in the order the panel shows them: namespaces, security, resources. */
export type SummaryKey =
  'hostNet' | 'hostPid' | 'hostIpc' | 'seccompOff' | 'privileged' | 'rootMapped' | 'throttled' | 'memoryNearLimit';

/** Memory at or above this share of its limit counts as near it (the default thresholds' red, 90 %). */
export const MEMORY_NEAR_LIMIT = 0.9;

/**
 * Throttled: any share of CFS periods above 0, the rule the CPU cell colours "throttled n %" by. An idle
 * or unthrottled container reads exactly 0 (the counter does not move); NaN (no periods) is no data.
 */
export function isThrottled(c: ContainerView): boolean {
  return typeof c.throttled === 'number' && Number.isFinite(c.throttled) && c.throttled > 0;
}

function inHostNamespace(c: ContainerView, type: NamespaceType): boolean {
  return c.namespaces.some((n) => n.type === type && n.state === 'host');
}

export interface SummaryCheck {
  /** The toggle's text after its count: "12 host network". */
  label: string;
  /** What is counted, for the tooltip. */
  description: string;
  test: (c: ContainerView) => boolean;
}

/** Unknown facts never count: a container without the data is not flagged. */
export const SUMMARY_CHECKS: Record<SummaryKey, SummaryCheck> = {
  hostNet: {
    label: 'host network',
    description: "Containers in the host's network namespace: its interfaces, ports and localhost services.",
    test: (c) => inHostNamespace(c, 'net'),
  },
  hostPid: {
    label: 'host PID',
    description: "Containers in the host's PID namespace: the host's processes are visible and signalable.",
    test: (c) => inHostNamespace(c, 'pid'),
  },
  hostIpc: {
    label: 'host IPC',
    description: "Containers in the host's IPC namespace: its shared memory, semaphores and message queues.",
    test: (c) => inHostNamespace(c, 'ipc'),
  },
  seccompOff: {
    label: 'no seccomp',
    description: 'Containers without a seccomp filter (mode 0): every system call is open to them.',
    test: (c) => c.security.seccompMode === 0,
  },
  privileged: {
    label: 'privileged',
    description: "Containers whose effective capabilities are the host's whole bounding set, as --privileged gives.",
    test: (c) => c.security.privileged === true,
  },
  rootMapped: {
    label: 'root = host root',
    description: 'Containers whose uid 0 is uid 0 on the host (no user namespace remapping).',
    test: (c) => c.security.rootMappedToHost === true,
  },
  throttled: {
    label: 'throttled',
    description: 'Containers throttled in any CFS period: they used up their CPU quota and had to wait.',
    test: isThrottled,
  },
  memoryNearLimit: {
    label: `memory ≥ ${MEMORY_NEAR_LIMIT * 100}%`,
    description: `Containers whose memory working set is at least ${MEMORY_NEAR_LIMIT * 100} % of their memory limit (containers without a limit never are).`,
    test: (c) =>
      c.memory.used !== undefined &&
      c.memory.limit !== undefined &&
      c.memory.limit > 0 &&
      c.memory.used / c.memory.limit >= MEMORY_NEAR_LIMIT,
  },
};

export const SUMMARY_KEYS = Object.keys(SUMMARY_CHECKS) as SummaryKey[];

/** How many containers each check finds. */
export function summarise(containers: ContainerView[]): Record<SummaryKey, number> {
  const counts = Object.fromEntries(SUMMARY_KEYS.map((k) => [k, 0])) as Record<SummaryKey, number>;
  for (const c of containers) {
    for (const k of SUMMARY_KEYS) {
      if (SUMMARY_CHECKS[k].test(c)) {
        counts[k]++;
      }
    }
  }
  return counts;
}

/**
 * The containers every active check finds (AND: each toggle narrows, as each word of the text filter
 * does, so "host network" + "privileged" are the containers that are both). None active: the input itself.
 */
export function filterBySummary(containers: ContainerView[], active: readonly SummaryKey[]): ContainerView[] {
  if (active.length === 0) {
    return containers;
  }
  const tests = active.map((k) => SUMMARY_CHECKS[k].test);
  return containers.filter((c) => tests.every((t) => t(c)));
}
