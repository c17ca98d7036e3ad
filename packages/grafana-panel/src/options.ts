import type { SortKey, ViewMode } from './types';

/**
 * Runtime lists of the option enums (types.ts only has the types): the options editor offers them and
 * the migration accepts nothing else. Records keyed by the union, so a new SortKey fails to compile here
 * until it has a label.
 */
export const SORT_LABELS: Record<SortKey, string> = {
  name: 'Name',
  isolation: 'Isolation (weighted host-namespace risk, then shared)',
  security: 'Security risk',
  cpu: 'CPU (share of limit)',
  throttled: 'CPU throttling',
  memory: 'Memory (share of limit)',
  pids: 'Tasks (share of limit)',
  pressure: 'Pressure (highest)',
  network: 'Network rate',
  io: 'Disk rate',
};

export const VIEW_MODE_LABELS: Record<ViewMode, string> = {
  grouped: 'Grouped by host and pod',
  flat: 'Flat',
};

export const SORT_KEYS = Object.keys(SORT_LABELS) as SortKey[];
export const VIEW_MODES = Object.keys(VIEW_MODE_LABELS) as ViewMode[];
