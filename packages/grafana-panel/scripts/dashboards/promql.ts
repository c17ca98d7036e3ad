/**
 * The little PromQL handling the dashboards need, for the expressions they write themselves (metric names
 * from @isoscope/shared, string matchers without braces inside their values): adding label matchers to a
 * query given as text (the panel's contract queries), and reading back which selectors and metric names an
 * expression holds, and its form with Grafana's variables filled in (for checks that run it).
 */
import { ALL_METRICS } from '@isoscope/shared';

/** Longest first, so `container_threads_max` is not read as `container_threads`. */
const METRIC_NAMES = ALL_METRICS.map((m) => m.name).sort((a, b) => b.length - a.length);

/** `{__name__=~"…", …}` (a selector by name regex), or a declared metric name with its optional `{…}`. */
const SELECTOR = new RegExp(`(\\{__name__[^}]*\\})|\\b(${METRIC_NAMES.join('|')})\\b(\\{[^}]*\\})?`, 'g');

/**
 * The query with `matchers` added to every selector of a declared metric (and to a `{__name__=~…}`
 * selector), its other text untouched: `rate(x[5m]) / rate(y[5m])` → `rate(x{m}[5m]) / rate(y{m}[5m])`.
 */
export function withMatchers(query: string, matchers: readonly string[]): string {
  if (matchers.length === 0) {
    return query;
  }
  const added = matchers.join(', ');
  return query.replace(SELECTOR, (_all, byName: string | undefined, name: string | undefined, braces?: string) => {
    if (byName !== undefined) {
      return `${byName.slice(0, -1)}, ${added}}`;
    }
    const inside = braces ? braces.slice(1, -1).trim() : '';
    return `${name}{${inside ? `${inside}, ${added}` : added}}`;
  });
}

/** The vector selectors of an expression: metric name (or `__name__` regex) and the matchers in its braces. */
export interface Selector {
  /** The metric name, or undefined for a `{__name__=~"…"}` selector. */
  name?: string;
  /** The names a `__name__=~"a|b"` matcher lists. */
  names: string[];
  matchers: string[];
}

const GROUPING = /\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g;
const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
]);

/**
 * Every selector of an expression, declared or not: an identifier that is not a function (followed by `(`),
 * a keyword, a label of a grouping clause, a duration or a number, with the matchers of its braces; and the
 * bare `{…}` selectors. `label_values(selector, label)` (a Grafana variable query) counts as its selector.
 */
export function selectorsIn(expr: string): Selector[] {
  const braces: string[] = [];
  const text = expr
    .replace(/^\s*label_values\((.*),\s*[a-zA-Z_][a-zA-Z0-9_]*\s*\)\s*$/s, '$1')
    // braces first (their strings may hold anything), then the other strings, ranges and grouping labels
    .replace(/\{(?:[^}"]|"(?:[^"\\]|\\.)*")*\}/g, (b) => `{${braces.push(b.slice(1, -1)) - 1}}`)
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\[[^\]]*\]/g, '')
    .replace(GROUPING, '');
  const found: Selector[] = [];
  for (const m of text.matchAll(/(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)?\s*(?:\{(\d+)\})?(\s*\()?/g)) {
    const [, keywordOrName, brace, call] = m;
    // `unless {…}`: a keyword before a bare selector is no metric name
    const ident = keywordOrName && KEYWORDS.has(keywordOrName) ? undefined : keywordOrName;
    if ((!ident && brace === undefined) || call !== undefined) {
      continue;
    }
    const matchers = brace === undefined ? [] : splitMatchers(braces[Number(brace)]);
    const byName = matchers.find((x) => x.startsWith('__name__'));
    const names = byName ? unquote(byName.replace(/^__name__(=~|=)/, '')).split('|') : [];
    found.push({ name: ident, names, matchers });
  }
  return found;
}

/** The metric names an expression reads: its selectors' names and the names of `__name__` regexes. */
export function metricNamesIn(expr: string): string[] {
  return selectorsIn(expr).flatMap((s) => (s.name ? [s.name] : s.names));
}

function splitMatchers(inside: string): string[] {
  return [...inside.matchAll(/\s*([a-zA-Z_][a-zA-Z0-9_]*\s*(?:=~|!~|!=|=)\s*"(?:[^"\\]|\\.)*")\s*,?/g)].map((m) =>
    m[1].replace(/\s*(=~|!~|!=|=)\s*/, '$1')
  );
}

function unquote(s: string): string {
  return s.replace(/^"|"$/g, '');
}

/**
 * The expression as Prometheus would get it with every variable at All: `$var` and `${var}` → `.*`,
 * `$__rate_interval` and `$__interval` → `1m`, `$__range` → `1h`. Other macros are not used.
 */
export function withVariablesFilled(expr: string): string {
  return expr
    .replace(/\$__rate_interval|\$\{__rate_interval\}|\$__interval|\$\{__interval\}/g, '1m')
    .replace(/\$__range|\$\{__range\}/g, '1h')
    .replace(/\$\{?[a-zA-Z_][a-zA-Z0-9_]*\}?/g, '.*');
}
