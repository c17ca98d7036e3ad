import { ROLE_KEYS, type RoleKey } from './roles';

const BY_LOWER: ReadonlyMap<string, RoleKey> = new Map(ROLE_KEYS.map((k) => [k.toLowerCase(), k]));

/** Whether a string is a role key, exactly as spelled. */
export function isRoleKey(s: string): s is RoleKey {
  return BY_LOWER.get(s.toLowerCase()) === s;
}

/**
 * Reads the "refId → role" option text, e.g. "A=cpuUsage, B=throttled": entries separated by commas,
 * semicolons or newlines, `refId=role` each, blanks ignored. Role names match case-insensitively and come
 * back as spelled in ROLES. Bad entries are skipped and explained in `errors`; a refId given twice keeps
 * the last role.
 */
export function parseRefIdRoles(text: string): { mapping: Record<string, RoleKey>; errors: string[] } {
  const mapping: Record<string, RoleKey> = {};
  const errors: string[] = [];
  for (const raw of (text ?? '').split(/[,;\n\r]+/)) {
    const entry = raw.trim();
    if (entry === '') {
      continue;
    }
    const eq = entry.indexOf('=');
    if (eq < 0) {
      errors.push(`"${entry}" is not "refId=role" (e.g. "A=cpuUsage")`);
      continue;
    }
    const refId = entry.slice(0, eq).trim();
    const roleText = entry.slice(eq + 1).trim();
    if (refId === '') {
      errors.push(`"${entry}" has no refId before "="`);
      continue;
    }
    const role = BY_LOWER.get(roleText.toLowerCase());
    if (!role) {
      errors.push(
        roleText === ''
          ? `refId ${refId} has no role after "="; valid roles: ${ROLE_KEYS.join(', ')}`
          : `unknown role "${roleText}" for refId ${refId}; valid roles: ${ROLE_KEYS.join(', ')}`
      );
      continue;
    }
    if (Object.prototype.hasOwnProperty.call(mapping, refId) && mapping[refId] !== role) {
      errors.push(`refId ${refId} is mapped twice (${mapping[refId]}, ${role}); using ${role}`);
    }
    mapping[refId] = role;
  }
  return { mapping, errors };
}
