import type { MetricFamily } from '@isoscope/shared';

/*
 * The text format's spelling (Prometheus exposition format 0.0.4), as pure functions of strings and numbers:
 * what a line looks like, how label values and help texts are escaped and how values are written. What goes
 * into which line, and how the lines reach a client, is exposition.ts's and chunks.ts's.
 */

/** The `# HELP` and `# TYPE` lines that open a family. */
export function familyHeader(family: MetricFamily): string {
  return `# HELP ${family.name} ${escapeHelp(family.help)}\n# TYPE ${family.name} ${family.type}\n`;
}

/** One series: `name{labels} value`; `labels` is formatted already (`{…}`, or '' for none). */
export function seriesLine(name: string, labels: string, value: number): string {
  return `${name}${labels} ${formatValue(value)}\n`;
}

/** `{a="1",b="2"}`, or '' for no labels. */
export function formatLabels(labels: Record<string, string>): string {
  const pairs = labelPairs(labels);
  return pairs ? `{${pairs}}` : '';
}

/** `a="1",b="2"`: the label pairs without the braces, values escaped. */
export function labelPairs(labels: Record<string, string>): string {
  let out = '';
  for (const key in labels) out += `${out ? ',' : ''}${key}="${escapeLabelValue(labels[key])}"`;
  return out;
}

/** Two runs of label pairs (either may be empty) in one pair of braces. */
export function joinLabelPairs(first: string, second: string): string {
  return `{${first}${first && second ? ',' : ''}${second}}`;
}

const LABEL_SPECIALS = /[\\"\n]/;

/** A label value with backslash, double quote and newline escaped, as the format asks. */
export function escapeLabelValue(value: string): string {
  return LABEL_SPECIALS.test(value) ? value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : value;
}

/** A help text with backslash and newline escaped (double quotes stay as they are in HELP lines). */
export function escapeHelp(help: string): string {
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** A sample value as Prometheus spells it: `+Inf`, `-Inf`, `NaN`, or the number. */
export function formatValue(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}
