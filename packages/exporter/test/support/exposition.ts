/**
 * Reads Prometheus text exposition back into series, so tests assert on what a scraper would see.
 * Handles the subset prom-client writes: HELP/TYPE comments, `name{l="v",…} value` lines, escaped quotes.
 */
export interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface ParsedExposition {
  series: Series[];
  types: Map<string, string>;
}

export function parseExposition(text: string): ParsedExposition {
  const series: Series[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(' ');
      types.set(name, type);
      continue;
    }
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`unparseable exposition line: ${line}`);
    series.push({ name: m[1], labels: parseLabels(m[2] ?? ''), value: parseValue(m[3]) });
  }
  return { series, types };
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) labels[m[1]] = m[2].replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
  return labels;
}

function parseValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

/** Series of one family whose labels include every given label. */
export function select(series: Series[], name: string, labels: Record<string, string> = {}): Series[] {
  return series.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

/** The value of the one series matching, or undefined when there is none; throws when several match. */
export function valueOf(series: Series[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = select(series, name, labels);
  if (found.length > 1) throw new Error(`${found.length} series of ${name} match ${JSON.stringify(labels)}`);
  return found[0]?.value;
}
