import { NAMESPACE_TYPES, type NamespaceType } from '@isoscope/shared';

import { containerView } from '../fixtures/testFrames';
import type { ContainerView, NamespaceCell, NamespaceState } from '../../src/data/types';

/**
 * Builds ContainerView objects for component tests: every namespace private, no security facts, no
 * usage, unless the test says otherwise. Tests state only what they check.
 */
export function makeContainer(over: Partial<ContainerView> & { name: string }): ContainerView {
  // The data layer's own test builder, with the defaults component tests want.
  return containerView({ instance: 'node-1:9100', id: `/docker/${over.name}`, namespaces: namespaces({}), ...over });
}

/** Eight cells in NAMESPACE_TYPES order; the ones named get the state (and sharers) given. */
export function namespaces(
  states: Partial<
    Record<NamespaceType, NamespaceState | { state: NamespaceState; sharedWith?: string[]; sharers?: number }>
  >,
  fallback: NamespaceState = 'private'
): NamespaceCell[] {
  return NAMESPACE_TYPES.map((type, i) => {
    const s = states[type] ?? fallback;
    const spec = typeof s === 'string' ? { state: s } : s;
    return {
      type,
      state: spec.state,
      inode: 4026531840 + i,
      sharers: spec.sharers ?? (spec.state === 'shared' ? (spec.sharedWith?.length ?? 1) + 1 : undefined),
      sharedWith: spec.sharedWith ?? [],
    };
  });
}

/** n containers spread over hosts and pods, for windowing tests. */
export function manyContainers(n: number, hosts = 4, perPod = 3): ContainerView[] {
  return Array.from({ length: n }, (_, i) =>
    makeContainer({
      name: `c-${String(i).padStart(5, '0')}`,
      instance: `node-${i % hosts}:9100`,
      namespace: 'default',
      pod: `pod-${Math.floor(i / perPod)}`,
      cpu: { used: (i % 10) / 10, limit: 1, limitSource: 'quota' },
      memory: { used: (i % 7) * 2 ** 20, limit: 8 * 2 ** 20 },
      pids: { used: i % 50, limit: 100 },
    })
  );
}
