import type { DecimalCount, ThresholdsConfig } from '@grafana/data';

import type { RoleKey } from '../../data/roles';
import type { ContainerView } from '../../data/types';

/** How one role's cells are drawn: what the field config of the query carrying it says. */
export interface RoleDisplay {
  thresholds?: ThresholdsConfig;
  decimals?: DecimalCount;
  /** A Grafana unit id; undefined: the role's own (format.ts). */
  unit?: string;
}

/**
 * The display config of `role` for container `c`: the config of the field its value came from (Grafana has
 * applied the panel's defaults and overrides to it, so "fields returned by query B → unit, thresholds"
 * lands here), else the panel's defaults (no value, so nothing of the role's own to read).
 */
export function roleDisplay(c: ContainerView, role: RoleKey, defaults: RoleDisplay): RoleDisplay {
  const config = c.config[role];
  if (!config) {
    return defaults;
  }
  return {
    thresholds: config.thresholds ?? defaults.thresholds,
    decimals: config.decimals ?? defaults.decimals,
    unit: config.unit || defaults.unit || undefined,
  };
}
