/** Panel options. Changing their shape needs a step in migrations.ts. */
import type { QueryRoles } from './data/queryRoles';

/** Header rows by host (then pod), by pod alone, or none: one flat list. */
export type GroupBy = 'host' | 'pod' | 'none';

/**
 * How a sort treats groups: `across` orders the groups too, each by its top member for the sort key (the
 * worst under a descending sort); `within` keeps groups in name order and sorts only inside each.
 */
export type SortScope = 'across' | 'within';

/** Columns the table can be sorted by. */
export type SortKey =
  'name' | 'isolation' | 'security' | 'cpu' | 'throttled' | 'memory' | 'pids' | 'pressure' | 'network' | 'io';

export interface IsolationOptions {
  /** Header rows by host (and pod), by pod, or none (replaces viewMode: grouped → host, flat → none). */
  groupBy: GroupBy;
  /** Whether a sort also orders the groups (by their top member) or only the rows inside them. */
  sortScope: SortScope;
  /** The fleet summary above the table: counts of risky containers, each a filter toggle. */
  showSummary: boolean;
  /** Denser rows: icons without text, slimmer bars. */
  compact: boolean;
  showLegend: boolean;
  showSecurity: boolean;
  showResources: boolean;
  /** Pressure columns (with showResources). */
  showPressure: boolean;
  /** Network and disk rate columns (with showResources). */
  showNetworkIo: boolean;
  sortBy: SortKey;
  sortDesc: boolean;
  /** Initial text filter (matches name, image, pod, namespace, host, id). */
  filter: string;
  /**
   * CPU of a container without a CFS quota drawn against its cpuset (usually every core of the host),
   * labelled so; off: "no limit", as memory and tasks say.
   */
  cpuAgainstCpuset: boolean;
  /**
   * Which queries carry which role (role → refIds), set with one select per role; refIds equal to a role
   * key need none. Replaces the text form `refIdRoles` ("A=cpuUsage, B=throttled", migrations.ts).
   */
  queryRoles: QueryRoles;
  /** Each container's name links to it on the resources dashboard (besides any data links configured). */
  resourcesLink: boolean;
}

export const DEFAULT_OPTIONS: IsolationOptions = {
  groupBy: 'host',
  sortScope: 'across',
  showSummary: true,
  compact: false,
  showLegend: true,
  showSecurity: true,
  showResources: true,
  showPressure: true,
  showNetworkIo: false,
  cpuAgainstCpuset: false,
  sortBy: 'name',
  sortDesc: false,
  filter: '',
  queryRoles: {},
  resourcesLink: true,
};
