import type { GroupBy, SortKey, SortScope } from './types';

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

export const GROUP_BY_LABELS: Record<GroupBy, string> = {
  host: 'Host',
  pod: 'Pod',
  none: 'None',
};

export const GROUP_BY_DESCRIPTIONS: Record<GroupBy, string> = {
  host: 'A row per host, and one per pod of several containers',
  pod: 'A row per pod of several containers, naming its host',
  none: 'One flat list; every row says its pod and host',
};

export const SORT_SCOPE_LABELS: Record<SortScope, string> = {
  across: 'Across groups',
  within: 'Within groups',
};

export const SORT_KEYS = Object.keys(SORT_LABELS) as SortKey[];
export const GROUP_BYS = Object.keys(GROUP_BY_LABELS) as GroupBy[];
export const SORT_SCOPES = Object.keys(SORT_SCOPE_LABELS) as SortScope[];
