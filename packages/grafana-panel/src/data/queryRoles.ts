import { isRoleKey, parseRefIdRoles } from './refIdRoles';
import { ROLE_KEYS, type RoleKey } from './roles';

/**
 * Which queries (refIds) carry which role, as the options editor sets it: role → refIds. Roles whose
 * query's refId is the role's key, and raw metrics (read by name), need no entry.
 */
export type QueryRoles = Partial<Record<RoleKey, string[]>>;

/**
 * The refId → role map buildPanelModel reads. A refId chosen for two roles keeps the first in ROLES
 * order, and says so in `errors` (one query cannot carry two values).
 */
export function rolesByRefId(queryRoles: QueryRoles | undefined): {
  mapping: Record<string, RoleKey>;
  errors: string[];
} {
  const mapping: Record<string, RoleKey> = {};
  const errors: string[] = [];
  for (const role of ROLE_KEYS) {
    for (const refId of queryRoles?.[role] ?? []) {
      if (Object.prototype.hasOwnProperty.call(mapping, refId)) {
        errors.push(`query ${refId} is chosen for ${mapping[refId]} and ${role}; using ${mapping[refId]}`);
      } else {
        mapping[refId] = role;
      }
    }
  }
  return { mapping, errors };
}

/** Whether a stored value has QueryRoles' shape: role keys to lists of refIds. */
export function isQueryRoles(v: unknown): v is QueryRoles {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    Object.entries(v).every(
      ([k, refIds]) => isRoleKey(k) && Array.isArray(refIds) && refIds.every((r) => typeof r === 'string' && r !== '')
    )
  );
}

/** The same roles with `role` carried by `refIds` (none: the entry goes). */
export function withQueryRole(queryRoles: QueryRoles | undefined, role: RoleKey, refIds: string[]): QueryRoles {
  const next: QueryRoles = { ...queryRoles };
  const unique = [...new Set(refIds.filter((r) => r !== ''))];
  if (unique.length > 0) {
    next[role] = unique;
  } else {
    delete next[role];
  }
  return next;
}

/** The text form of earlier versions ("A=cpuUsage, B=throttled") as QueryRoles; unreadable entries dropped. */
export function queryRolesFromText(text: string): QueryRoles {
  let out: QueryRoles = {};
  for (const [refId, role] of Object.entries(parseRefIdRoles(text).mapping)) {
    out = withQueryRole(out, role, [...(out[role] ?? []), refId]);
  }
  return out;
}
