/**
 * Every PromQL expression the repository ships, read from the files themselves so a dashboard or rule added
 * later is covered without touching a test: each target's `expr` of each panel of
 * `provisioning/grafana/dashboards/*.json` (rows' nested panels too), each query variable's query, and each
 * rule's `expr` of `provisioning/prometheus/rules/*.yml`. Also what turns them into something Prometheus can
 * answer outside Grafana and outside an alert's threshold.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

export const REPOSITORY = path.join(__dirname, '..', '..', '..', '..');
export const DASHBOARDS_DIR = path.join(REPOSITORY, 'provisioning', 'grafana', 'dashboards');
export const RULES_DIR = path.join(REPOSITORY, 'provisioning', 'prometheus', 'rules');

/** One shipped expression: where it is (for the test's name) and the PromQL as written there. */
export interface ShippedExpression {
  /** `<file> / <panel title> / <refId>`, `<file> / variable <name>`, `<file> / <group> / <alert or record>`. */
  where: string;
  expr: string;
  kind: 'panel' | 'variable' | 'record' | 'alert';
}

interface Panel {
  title?: string;
  targets?: Array<{ expr?: string; refId?: string }>;
  panels?: Panel[];
}

interface Dashboard {
  panels?: Panel[];
  templating?: { list?: Array<{ name: string; type: string; query?: string | { query?: string } }> };
}

function filesIn(dir: string, extension: RegExp): string[] {
  return readdirSync(dir)
    .filter((f) => extension.test(f))
    .sort();
}

/** Every panel target and query variable of every dashboard file in `dir`. */
export function dashboardExpressions(dir = DASHBOARDS_DIR): ShippedExpression[] {
  const found: ShippedExpression[] = [];
  for (const file of filesIn(dir, /\.json$/)) {
    const dashboard = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Dashboard;
    const walk = (panels: Panel[] = []) => {
      for (const panel of panels) {
        for (const target of panel.targets ?? []) {
          if (target.expr?.trim()) {
            found.push({
              where: `${file} / ${panel.title ?? '(untitled)'} / ${target.refId ?? '?'}`,
              expr: target.expr,
              kind: 'panel',
            });
          }
        }
        walk(panel.panels);
      }
    };
    walk(dashboard.panels);
    for (const variable of dashboard.templating?.list ?? []) {
      if (variable.type !== 'query') continue;
      // Grafana writes a query variable's query as a string, or (newer editors) as an object holding it.
      const query = typeof variable.query === 'string' ? variable.query : variable.query?.query;
      if (query?.trim()) found.push({ where: `${file} / variable ${variable.name}`, expr: query, kind: 'variable' });
    }
  }
  return found;
}

interface RuleFile {
  groups: Array<{ name: string; rules: Array<{ record?: string; alert?: string; expr: string }> }>;
}

/** Every recording and alerting rule of every rule file in `dir`. */
export function ruleExpressions(dir = RULES_DIR): ShippedExpression[] {
  const found: ShippedExpression[] = [];
  for (const file of filesIn(dir, /\.ya?ml$/)) {
    const { groups } = YAML.parse(readFileSync(path.join(dir, file), 'utf8')) as RuleFile;
    for (const group of groups) {
      for (const rule of group.rules) {
        const name = rule.alert ?? rule.record ?? '?';
        found.push({
          where: `${file} / ${group.name} / ${name}`,
          expr: rule.expr,
          kind: rule.alert ? 'alert' : 'record',
        });
      }
    }
  }
  return found;
}

/** The rule files, as Prometheus' `rule_files` wants them. */
export function ruleFiles(dir = RULES_DIR): string[] {
  return filesIn(dir, /\.ya?ml$/).map((f) => path.join(dir, f));
}

/**
 * An alert's expression without its trailing comparison with a number (`X > 0.25` → `X`, `X == 1` → `X`):
 * the series the alert looks at, whatever their values. A comparison inside parentheses (a filter such as
 * `(rate(...) > 0)`) is part of the expression and stays.
 */
export function withoutThreshold(expr: string): string {
  return expr.replace(/\s*(?:==|!=|>=|<=|>|<)\s*(?:bool\s+)?[-+]?[0-9.]+(?:e[-+]?\d+)?\s*$/i, '').trim();
}

/**
 * Grafana's substitutions, as Grafana makes them for "All": every dashboard variable (`$name`, `${name}`,
 * `${name:format}`, `[[name]]`) becomes `.*` (they are used in `=~` matchers), and the interval variables a
 * range of `range` (enough scrapes for rate() to have two samples).
 */
export function substituteVariables(expr: string, range: string): string {
  return expr
    .replace(/\$__(?:rate_interval|interval|range)\b|\$\{__(?:rate_interval|interval|range)\}/g, range)
    .replace(/\$\{[A-Za-z_]\w*(?::[^}]*)?\}|\$[A-Za-z_]\w*|\[\[[A-Za-z_]\w*\]\]/g, '.*');
}

/**
 * What a variable's query asks Prometheus, as an instant query: `label_values(selector, label)` → the values
 * of `label` among `selector`'s series (`label` is then the label whose values must not be empty);
 * `label_values(label)` → every series carrying it; `query_result(expr)` → `expr`; anything else as is.
 */
export function variableQuery(query: string): { expr: string; label?: string } {
  const withSelector = /^\s*label_values\(\s*(.+)\s*,\s*([A-Za-z_]\w*)\s*\)\s*$/s.exec(query);
  if (withSelector)
    return { expr: `group by (${withSelector[2]}) (${withSelector[1].trim()})`, label: withSelector[2] };
  const labelOnly = /^\s*label_values\(\s*([A-Za-z_]\w*)\s*\)\s*$/.exec(query);
  if (labelOnly) return { expr: `group by (${labelOnly[1]}) ({${labelOnly[1]}!=""})`, label: labelOnly[1] };
  const result = /^\s*query_result\((.+)\)\s*$/s.exec(query);
  if (result) return { expr: result[1].trim() };
  return { expr: query };
}
