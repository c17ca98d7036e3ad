import { RAW_METRICS_QUERY, ROLE_KEYS, ROLES, type RoleGroup, type RoleKey } from './roles';
import type { PanelModel } from './types';

/** What the view loses when a whole group of roles is absent. */
const GROUP_EFFECT: Record<RoleGroup, string> = {
  namespaces: 'no namespace metrics: isolation cells show unknown',
  security: 'no security metrics: badges hidden',
  cpu: 'no CPU metrics: CPU column empty',
  memory: 'no memory metrics: memory column empty',
  pids: 'no task metrics: tasks column empty',
  pressure: 'no pressure metrics: pressure columns empty',
  network: 'no network metrics: network column empty',
  io: 'no disk IO metrics: disk column empty',
};

const GROUPS = Object.keys(GROUP_EFFECT) as RoleGroup[];

function rolesOf(group: RoleGroup): RoleKey[] {
  return ROLE_KEYS.filter((k) => ROLES[k].group === group);
}

function metricOf(k: RoleKey): string | undefined {
  return (ROLES[k] as { metric?: { name: string } }).metric?.name;
}

/** How a user gets a role into the data: its metric in the raw query, or a query with that refId. */
function source(k: RoleKey): string {
  const m = metricOf(k);
  return m ? m : `refId ${k}`;
}

/** Roles computed by a PromQL query of their own (no metric name survives): refId = role key. */
export const DERIVED_ROLES: RoleKey[] = ROLE_KEYS.filter((k) => metricOf(k) === undefined);

/**
 * What is missing from the data, in words. `fatal` when no container could be built (the panel shows it
 * instead of the table); `notes` for groups or roles that are absent, so a partial set still renders.
 * `shown` limits the notes to the groups whose columns the panel shows: a switched-off column needs no
 * word about its missing data.
 */
export function describeMissing(
  model: PanelModel,
  shown: ReadonlySet<RoleGroup> = new Set(GROUPS)
): { fatal?: string; notes: string[] } {
  const notes: string[] = [];
  for (const group of GROUPS) {
    if (!shown.has(group)) {
      continue;
    }
    const roles = rolesOf(group);
    const missing = roles.filter((k) => !model.present.has(k));
    if (missing.length === roles.length) {
      notes.push(`${GROUP_EFFECT[group]} (expected ${missing.map(source).join(', ')})`);
    } else if (missing.length > 0) {
      notes.push(`no ${missing.map((k) => ROLES[k].description).join(', ')} (${missing.map(source).join(', ')})`);
    }
  }

  if (model.containers.length > 0) {
    return { notes };
  }
  const derived = DERIVED_ROLES.map((k) => `${k} = ${ROLES[k].query}`).join('; ');
  const unread = model.unrecognised.length ? ` Could not read: ${model.unrecognised.join('; ')}.` : '';
  return {
    fatal:
      'No containers in the data. The panel expects the raw-metrics query ' +
      `${RAW_METRICS_QUERY} (refId "raw"), read by metric name, and one query per derived value with ` +
      `the role's key as refId (or a refId mapped in the panel options): ${derived}.${unread}`,
    notes,
  };
}
