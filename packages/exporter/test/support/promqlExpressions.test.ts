/**
 * The extraction the live PromQL test relies on: it must find every shipped expression, and turn each into a
 * query Prometheus answers the way Grafana or the rule would have asked it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  dashboardExpressions,
  ruleExpressions,
  substituteVariables,
  variableQuery,
  withoutThreshold,
} from './promqlExpressions';

describe('withoutThreshold', () => {
  it.each([
    ['container_namespace_shared_with_host{ns_type="net"} == 1', 'container_namespace_shared_with_host{ns_type="net"}'],
    [
      'container:cpu_cfs_throttled_periods:ratio_rate5m{container!="POD"} > 0.25',
      'container:cpu_cfs_throttled_periods:ratio_rate5m{container!="POD"}',
    ],
    ['changes(\n  max by (pod) (x)[15m:1m]\n) > 0\n', 'changes(\n  max by (pod) (x)[15m:1m]\n)'],
    ['rate(x[5m]) >= bool 1e3', 'rate(x[5m])'],
  ])('strips the trailing comparison of %j', (expr, stripped) => {
    expect(withoutThreshold(expr)).toBe(stripped);
  });

  it('keeps a comparison inside parentheses, a filter of the expression', () => {
    const expr = 'rate(a[5m])\n  / (rate(b[5m]) > 0)\n';
    expect(withoutThreshold(expr)).toBe(expr.trim());
  });
});

describe('substituteVariables', () => {
  it('makes every variable "All" and every interval variable the given range', () => {
    expect(
      substituteVariables(
        'rate(x{instance=~"$instance", name=~"${name}", pod=~"${pod:regex}", c=~"[[c]]"}[$__rate_interval])',
        '15s'
      )
    ).toBe('rate(x{instance=~".*", name=~".*", pod=~".*", c=~".*"}[15s])');
    expect(substituteVariables('increase(x[$__range]) / $__interval', '15s')).toBe('increase(x[15s]) / 15s');
  });
});

describe('variableQuery', () => {
  it('asks for the values of the label among the selector', () => {
    expect(variableQuery('label_values(isoscope_build_info{instance=~".*"}, instance)')).toEqual({
      expr: 'group by (instance) (isoscope_build_info{instance=~".*"})',
      label: 'instance',
    });
    expect(variableQuery('label_values(namespace)')).toEqual({
      expr: 'group by (namespace) ({namespace!=""})',
      label: 'namespace',
    });
  });

  it('asks a query_result variable its expression', () => {
    expect(variableQuery('query_result(topk(5, sum by (name) (x)))')).toEqual({ expr: 'topk(5, sum by (name) (x))' });
  });
});

describe('reading the provisioning files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'isoscope-promql-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("finds every target of every panel, rows' panels included, and every query variable of every file", () => {
    const dashboard = (title: string) => ({
      panels: [
        {
          title: 'A',
          targets: [
            { refId: 'A', expr: 'up' },
            { refId: 'B', expr: ' ' },
          ],
        },
        { title: 'row', type: 'row', panels: [{ title: 'inner', targets: [{ refId: 'X', expr: `${title}_metric` }] }] },
      ],
      templating: {
        list: [
          { name: 'instance', type: 'query', query: 'label_values(up, instance)' },
          { name: 'pod', type: 'query', query: { query: 'label_values(x, pod)', refId: 'v' } },
          { name: 'interval', type: 'interval', query: '1m,5m' },
        ],
      },
    });
    writeFileSync(path.join(dir, 'b.json'), JSON.stringify(dashboard('b')));
    writeFileSync(path.join(dir, 'a.json'), JSON.stringify(dashboard('a')));
    writeFileSync(path.join(dir, 'dashboards.yml'), 'providers: []\n');
    expect(dashboardExpressions(dir).map(({ where, expr }) => [where, expr])).toEqual([
      ['a.json / A / A', 'up'],
      ['a.json / inner / X', 'a_metric'],
      ['a.json / variable instance', 'label_values(up, instance)'],
      ['a.json / variable pod', 'label_values(x, pod)'],
      ['b.json / A / A', 'up'],
      ['b.json / inner / X', 'b_metric'],
      ['b.json / variable instance', 'label_values(up, instance)'],
      ['b.json / variable pod', 'label_values(x, pod)'],
    ]);
  });

  it('finds every recording and alerting rule of every rule file', () => {
    writeFileSync(
      path.join(dir, 'x.rules.yml'),
      'groups:\n  - name: g\n    rules:\n      - record: r:x\n        expr: sum(x)\n      - alert: A\n        expr: r:x > 1\n'
    );
    expect(ruleExpressions(dir)).toEqual([
      { where: 'x.rules.yml / g / r:x', expr: 'sum(x)', kind: 'record' },
      { where: 'x.rules.yml / g / A', expr: 'r:x > 1', kind: 'alert' },
    ]);
  });

  it("reads the repository's own dashboards and rules", () => {
    expect(dashboardExpressions().some((e) => e.where.startsWith('isoscope-isolation.json / '))).toBe(true);
    expect(ruleExpressions().filter((e) => e.kind === 'alert').length).toBeGreaterThan(0);
  });
});
