import React from 'react';
import type { StandardEditorProps } from '@grafana/data';
import { Field, MultiCombobox, Stack, type ComboboxOption } from '@grafana/ui';

import { DERIVED_ROLES } from '../../data/missing';
import { withQueryRole, type QueryRoles } from '../../data/queryRoles';
import { ROLE_KEYS, ROLES, type RoleKey } from '../../data/roles';

/** The refIds of the panel's queries, from the data the editor sees, plus any already chosen. */
export function refIdChoices(data: Array<{ refId?: string }> | undefined, chosen: QueryRoles | undefined): string[] {
  const refIds = new Set<string>();
  for (const f of data ?? []) {
    if (f.refId) {
      refIds.add(f.refId);
    }
  }
  for (const list of Object.values(chosen ?? {})) {
    list?.forEach((r) => refIds.add(r));
  }
  return [...refIds].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/** The roles offered: the derived ones (their queries lose the metric name), then any other already set. */
export function offeredRoles(chosen: QueryRoles | undefined): RoleKey[] {
  return [...DERIVED_ROLES, ...ROLE_KEYS.filter((k) => !DERIVED_ROLES.includes(k) && (chosen?.[k]?.length ?? 0) > 0)];
}

/**
 * The "Query roles" option: one select per role, listing the panel's queries by refId. A query whose refId
 * is the role's key (cpuUsage, throttled, …) needs no choice, and raw metrics are recognised by name.
 */
export function QueryRolesEditor({ value, onChange, context }: StandardEditorProps<QueryRoles | undefined>) {
  const choices: Array<ComboboxOption<string>> = refIdChoices(context.data, value).map((r) => ({
    label: r,
    value: r,
  }));
  return (
    <Stack direction="column" gap={0}>
      {offeredRoles(value).map((role) => (
        <Field key={role} label={role} description={ROLES[role].description} htmlFor={`isoscope-query-role-${role}`}>
          <MultiCombobox<string>
            id={`isoscope-query-role-${role}`}
            aria-label={`Queries carrying ${role}`}
            options={choices}
            value={value?.[role] ?? []}
            createCustomValue
            placeholder={`the query with refId ${role}`}
            onChange={(selected) =>
              onChange(
                withQueryRole(
                  value,
                  role,
                  selected.map((s) => s.value)
                )
              )
            }
          />
        </Field>
      ))}
    </Stack>
  );
}
