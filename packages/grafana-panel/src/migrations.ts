import { isQueryRoles, queryRolesFromText } from './data/queryRoles';
import { GROUP_BYS, SORT_KEYS, SORT_SCOPES } from './options';
import { DEFAULT_OPTIONS, type IsolationOptions } from './types';

type Validator = (v: unknown) => boolean;

const isBoolean: Validator = (v) => typeof v === 'boolean';
const isString: Validator = (v) => typeof v === 'string';
const oneOf =
  (values: readonly string[]): Validator =>
  (v) =>
    typeof v === 'string' && values.includes(v);

/** What a stored value must look like to be kept; keyed by option so a new option must say. */
const VALID: Record<keyof IsolationOptions, Validator> = {
  groupBy: oneOf(GROUP_BYS),
  sortScope: oneOf(SORT_SCOPES),
  showSummary: isBoolean,
  compact: isBoolean,
  showLegend: isBoolean,
  showSecurity: isBoolean,
  showResources: isBoolean,
  showPressure: isBoolean,
  showNetworkIo: isBoolean,
  cpuAgainstCpuset: isBoolean,
  sortBy: oneOf(SORT_KEYS),
  sortDesc: isBoolean,
  filter: isString,
  queryRoles: isQueryRoles,
  resourcesLink: isBoolean,
};

/**
 * Options as saved by any earlier version, made current. Grafana calls it when the saved pluginVersion
 * differs from this one. Version 1 of the options: known keys with a valid value are kept, everything
 * else takes its default, unknown keys are dropped. That covers the scaffold's SimpleOptions
 * ({ text, showSeriesCount, seriesCountSize }), none of which has a meaning here.
 *
 * Later shape changes add a step before the final clean-up, keyed on what the old shape has, each its own
 * function: viewModeToGroupBy, migrateRefIdRoles.
 */
export function migrateOptions(panel: { options?: unknown }): IsolationOptions {
  const stored = migrateRefIdRoles(viewModeToGroupBy(isRecord(panel.options) ? panel.options : {}));
  const out: IsolationOptions = { ...DEFAULT_OPTIONS };
  for (const key of Object.keys(VALID) as Array<keyof IsolationOptions>) {
    if (key in stored && VALID[key](stored[key])) {
      (out as unknown as Record<string, unknown>)[key] = stored[key];
    }
  }
  return out;
}

/**
 * Step: `viewMode: 'grouped' | 'flat'` became `groupBy: 'host' | 'pod' | 'none'`. Grouped was by host
 * and pod, which is `host`; flat is `none`. A stored groupBy wins (a panel saved by this version and
 * edited by an older one keeps both keys). Returns a copy; viewMode is gone from it.
 */
export function viewModeToGroupBy(stored: Record<string, unknown>): Record<string, unknown> {
  if (!('viewMode' in stored)) {
    return stored;
  }
  const { viewMode, ...rest } = stored;
  const groupBy = viewMode === 'grouped' ? 'host' : viewMode === 'flat' ? 'none' : undefined;
  if (groupBy !== undefined && !('groupBy' in rest)) {
    rest.groupBy = groupBy;
  }
  return rest;
}

/**
 * Step: the query roles were a text option, `refIdRoles: "A=cpuUsage, B=throttled"` (refId=role, commas,
 * semicolons or newlines between); they are now `queryRoles`, role → refIds, one select per role. Entries
 * the text parser could not read are dropped (the panel used to skip them too, with a note). A
 * `queryRoles` already set (not empty: Grafana fills in the default) wins. The panel also runs it on the options it gets, for dashboards saved with
 * the text form by a build of the same version (Grafana migrates only across versions).
 */
export function migrateRefIdRoles(stored: Record<string, unknown>): Record<string, unknown> {
  if (!('refIdRoles' in stored)) {
    return stored;
  }
  const { refIdRoles, ...rest } = stored;
  const set = isQueryRoles(rest.queryRoles) && Object.keys(rest.queryRoles).length > 0;
  if (typeof refIdRoles === 'string' && !set) {
    rest.queryRoles = queryRolesFromText(refIdRoles);
  }
  return rest;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
