import { formattedValueToString, getValueFormat, type DecimalCount } from '@grafana/data';

/**
 * The quantities the table shows, each with the Grafana unit that formats it by default: the metric
 * contract's (cores, bytes, task counts). A unit in a role's field config (an override on the query that
 * carries it, ContainerTable/roleDisplay.ts) replaces it for that role's cells.
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

export function formatQuantity(kind: Quantity, value: number, decimals?: DecimalCount, unit?: string): string {
  return formattedValueToString(format(kind, value, decimals, unit)).replace(/\s+/g, ' ');
}

function format(kind: Quantity, value: number, decimals?: DecimalCount, unit?: string) {
  return getValueFormat(unit || UNIT[kind])(value, decimals ?? DEFAULT_DECIMALS[kind]);
}

/**
 * "0.108 / 0.2 cores", "256 / 512 MiB", "632 KiB / 64 MiB", "12 / 100": used against limit, the unit said
 * once when both share it. With automatic decimals the limit loses trailing zeros: a limit is set, not
 * measured ("0.2 cores", not "0.200 cores"); the used value keeps them, so it does not jitter in width.
 */
export function formatUsage(
  kind: Quantity,
  used: number,
  limit: number,
  decimals?: DecimalCount,
  unit?: string
): string {
  const u = format(kind, used, decimals, unit);
  const l = format(kind, limit, decimals, unit);
  const limitText = decimals == null && l.text.includes('.') ? l.text.replace(/\.?0+$/, '') : l.text;
  const sameUnit = (u.prefix ?? '') === (l.prefix ?? '') && (u.suffix ?? '') === (l.suffix ?? '');
  const usedText = sameUnit ? `${u.prefix ?? ''}${u.text}` : formattedValueToString(u);
  const text = `${usedText} / ${l.prefix ?? ''}${limitText}${l.suffix ?? ''}`;
  return text.replace(/\s+/g, ' ').trim();
}

/** NaN arrives for ratios with a zero denominator (e.g. throttled share with no periods): treat as absent. */
export function isNumber(v: number | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}
