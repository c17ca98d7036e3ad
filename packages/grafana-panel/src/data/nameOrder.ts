import type { ContainerView } from './types';

/**
 * The order by name of one model's containers (the collator's order of display names, then key), ranked
 * once when the model is built. Comparing names with Intl.Collator is dear next to comparing numbers, so
 * the view's sort by name and the name ties of every other sort compare these ranks instead.
 */
export interface NameOrder {
  rank: ReadonlyMap<ContainerView, number>;
}

const ORDER_OF = new WeakMap<ContainerView, NameOrder>();

/** Records that `containers` (all from one model) are ranked by `order`. */
export function setNameOrder(containers: readonly ContainerView[], order: NameOrder): void {
  for (const c of containers) {
    ORDER_OF.set(c, order);
  }
}

/**
 * The ranks of `containers` by name when they all come from the same model, else undefined (containers
 * made elsewhere, e.g. by tests, or mixed from two models): the caller then compares names itself.
 */
export function nameRanks(containers: readonly ContainerView[]): ReadonlyMap<ContainerView, number> | undefined {
  if (containers.length === 0) {
    return undefined;
  }
  const order = ORDER_OF.get(containers[0]);
  if (!order) {
    return undefined;
  }
  for (const c of containers) {
    if (ORDER_OF.get(c) !== order) {
      return undefined;
    }
  }
  return order.rank;
}
