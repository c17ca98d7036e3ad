/** Panel options. Changing their shape needs a step in migrations.ts. */

export type ViewMode = 'grouped' | 'flat';

/** Columns the table can be sorted by. */
export type SortKey =
  'name' | 'isolation' | 'security' | 'cpu' | 'throttled' | 'memory' | 'pids' | 'pressure' | 'network' | 'io';

export interface IsolationOptions {
  /** Grouped by host and pod, or one flat list. */
  viewMode: ViewMode;
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
  /** Extra refId → role mappings, e.g. "A=cpuUsage, B=throttled"; refIds equal to a role key need none. */
  refIdRoles: string;
  /** Each container's name links to it on the resources dashboard (besides any data links configured). */
  resourcesLink: boolean;
}

export const DEFAULT_OPTIONS: IsolationOptions = {
  viewMode: 'grouped',
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
  refIdRoles: '',
  resourcesLink: true,
};
