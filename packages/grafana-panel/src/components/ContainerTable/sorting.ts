import type { SortKey } from '../../types';

/**
 * The sort after a header is activated: the same column flips direction; a new column starts where users
 * look first — names A→Z, every measure highest first (who is closest to its limit, least isolated).
 */
export function nextSort(
  current: { sortBy: SortKey; sortDesc: boolean },
  key: SortKey
): { sortBy: SortKey; sortDesc: boolean } {
  if (current.sortBy === key) {
    return { sortBy: key, sortDesc: !current.sortDesc };
  }
  return { sortBy: key, sortDesc: key !== 'name' };
}
