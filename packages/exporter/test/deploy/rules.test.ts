/**
 * isoscope's Prometheus rules (provisioning/prometheus/rules): promtool accepts them and their unit tests
 * pass, every alert has a summary, a description and a runbook that exists in docs/runbooks.md and is tested
 * both firing and not firing, every rule names only families of the metric contract (or recording rules of
 * the file), and the Operator's PrometheusRule is exactly what `npm run rules` renders from them.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ALL_METRICS } from '@isoscope/shared';
import YAML from 'yaml';

const ROOT = path.join(__dirname, '..', '..', '..', '..');
const RULES = path.join(ROOT, 'provisioning', 'prometheus', 'rules', 'isoscope.rules.yml');
const TESTS = path.join(ROOT, 'provisioning', 'prometheus', 'tests', 'isoscope.rules.test.yml');
const RUNBOOKS = path.join(ROOT, 'docs', 'runbooks.md');
const PROMETHEUS_RULE = path.join(
  ROOT,
  'deploy',
  'kubernetes',
  'components',
  'prometheus-operator',
  'prometheusrule.yaml'
);
const PROMTOOL = '/usr/bin/promtool';

interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
const groups = (YAML.parse(readFileSync(RULES, 'utf8')) as { groups: Array<{ name: string; rules: Rule[] }> }).groups;
const rules = groups.flatMap((g) => g.rules);
const alerts = rules.filter((r) => r.alert);

function promtool(...args: string[]): { status: number | null; output: string } {
  const run = spawnSync(PROMTOOL, args, { encoding: 'utf8', cwd: path.dirname(TESTS), timeout: 60_000 });
  if (run.error) throw new Error(`promtool could not be started (${run.error.message}): install Debian's prometheus`);
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('the Prometheus rules', () => {
  it('pass promtool check rules', () => {
    expect(promtool('check', 'rules', RULES)).toMatchObject({ status: 0 });
  });

  it('pass their promtool unit tests', () => {
    const run = promtool('test', 'rules', TESTS);
    expect({ status: run.status, failed: run.output.includes('FAILED') ? run.output : '' }).toEqual({
      status: 0,
      failed: '',
    });
  });

  it('test every alert firing and not firing', () => {
    const tests = (
      YAML.parse(readFileSync(TESTS, 'utf8')) as {
        tests: Array<{ alert_rule_test?: Array<{ alertname: string; exp_alerts?: unknown[] }> }>;
      }
    ).tests.flatMap((t) => t.alert_rule_test ?? []);
    for (const { alert } of alerts) {
      const cases = tests.filter((t) => t.alertname === alert);
      expect({ alert, fires: cases.some((c) => (c.exp_alerts ?? []).length > 0) }).toEqual({ alert, fires: true });
      expect({ alert, quiet: cases.some((c) => (c.exp_alerts ?? []).length === 0) }).toEqual({ alert, quiet: true });
    }
  });

  it('give every alert a severity, a summary, a description and a runbook section that exists', () => {
    const anchors = new Set(
      readFileSync(RUNBOOKS, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('## '))
        .map((l) =>
          l
            .slice(3)
            .trim()
            .toLowerCase()
            .replace(/[^a-z0-9 -]/g, '')
            .replace(/ /g, '-')
        )
    );
    for (const a of alerts) {
      expect({ alert: a.alert, severity: a.labels?.severity }).toEqual({
        alert: a.alert,
        severity: expect.stringMatching(/^(critical|warning|info)$/),
      });
      expect(a.annotations?.summary).toBeTruthy();
      expect(a.annotations?.description).toBeTruthy();
      const anchor = /docs\/runbooks\.md#([a-z0-9-]+)$/.exec(a.annotations?.runbook_url ?? '')?.[1];
      expect({ alert: a.alert, anchor, exists: anchor !== undefined && anchors.has(anchor) }).toEqual({
        alert: a.alert,
        anchor: a.alert!.toLowerCase(),
        exists: true,
      });
    }
  });

  it('name only families of the metric contract and recording rules of their own', () => {
    const known = new Set([...ALL_METRICS.map((m) => m.name), ...rules.flatMap((r) => (r.record ? [r.record] : []))]);
    for (const r of rules) {
      // Selectors and grouping clauses hold label names, not families: leave them out.
      const bare = r.expr.replace(/\{[^}]*\}/g, ' ').replace(/\b(by|without)\s*\([^)]*\)/g, ' ');
      const names = (bare.match(/[a-z_:][a-z0-9_:]*(?=\s*(\{|\[|\)|$|\s))/g) ?? []).filter(
        (n) => n.startsWith('container') || n.startsWith('isoscope') || n.startsWith('machine')
      );
      for (const n of names)
        expect({ rule: r.alert ?? r.record, name: n, known: known.has(n) }).toMatchObject({ known: true });
    }
  });

  it('are what the PrometheusRule of deploy/kubernetes holds, as `npm run rules` renders it', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the root's plain CommonJS script
    const { renderPrometheusRule } = require(path.join(ROOT, 'scripts', 'prometheus-rule.js')) as {
      renderPrometheusRule(text: string): string;
    };
    expect(readFileSync(PROMETHEUS_RULE, 'utf8')).toBe(renderPrometheusRule(readFileSync(RULES, 'utf8')));
    const rendered = YAML.parse(readFileSync(PROMETHEUS_RULE, 'utf8')) as { spec: { groups: unknown } };
    expect(rendered.spec.groups).toEqual(groups);
  });
});
