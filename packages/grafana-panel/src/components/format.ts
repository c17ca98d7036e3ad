import { formattedValueToString, getValueFormat, type DecimalCount } from '@grafana/data';

/**
 * The quantities the table shows, each with the Grafana unit that formats it. The units are fixed by the
 * metric contract (cores, bytes, task counts), not by the panel's Unit option: one unit for the whole
 * panel would mislabel the other columns.
 */
export type Quantity = 'cores' | 'bytes' | 'tasks' | 'ratio' | 'byteRate';

const UNIT: Record<Quantity, string> = {
  cores: 'suffix:cores',
  // memory limits are set in binary multiples (512Mi, 2Gi): IEC units read back as set
  bytes: 'bytes',
  tasks: 'none',
  ratio: 'percentunit',
  byteRate: 'binBps',
};

/** Decimals when the panel's Decimals option is unset: tasks are whole, the rest get Grafana's auto. */
const DEFAULT_DECIMALS: Partial<Record<Quantity, number>> = { tasks: 0 };

export function formatQuantity(kind: Quantity, value: number, decimals?: DecimalCount): string {
  const d = decimals ?? DEFAULT_DECIMALS[kind];
  return formattedValueToString(getValueFormat(UNIT[kind])(value, d)).replace(/\s+/g, ' ');
}

/** NaN arrives for ratios with a zero denominator (e.g. throttled share with no periods): treat as absent. */
export function isNumber(v: number | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}
