import { ROLES, RAW_METRICS_QUERY, type RoleKey } from '../../src/data/roles';
import type { PromTarget } from '../promToFrames';

/** What $__rate_interval and the step would be for a 1 m range on a 1 s scrape interval, rounded up. */
export const RATE_INTERVAL = '15s';
export const STEP_MS = 5000;
export const RANGE_MS = 60_000;

/** The dashboard's targets: the raw metrics as one instant table query, each derived role a range query. */
export function panelTargets(): PromTarget[] {
  const derived = (Object.keys(ROLES) as RoleKey[]).filter((k) => !('metric' in ROLES[k]));
  return [
    { refId: 'raw', expr: RAW_METRICS_QUERY, instant: true, format: 'table', legendFormat: '__auto' },
    ...derived.map((k): PromTarget => ({
      refId: k,
      expr: ROLES[k].query.replace(/\$__rate_interval/g, RATE_INTERVAL),
      instant: false,
      format: 'time_series',
      legendFormat: '__auto',
    })),
  ];
}
