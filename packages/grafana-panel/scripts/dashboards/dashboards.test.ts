/**
 * What a user of the provisioned dashboards relies on, read from the committed JSON files (which
 * provisioning.test.ts holds equal to the generators' output): the variables exist and every query follows
 * them, every metric a query names is one the exporter declares (or a recording rule of ours), every query is
 * PromQL that Prometheus parses (Debian's promtool), links lead to panels and variables that exist, the
 * isolation panel gets exactly the queries it expects, and the resources dashboard needs nothing cAdvisor
 * lacks.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ALL_METRICS, METRICS } from '@isoscope/shared';
import { parse } from 'yaml';

import plugin from '../../src/plugin.json';
import { DERIVED_ROLES } from '../../src/data/missing';
import { RAW_METRICS_QUERY, ROLE_BY_METRIC, ROLE_KEYS, ROLES } from '../../src/data/roles';
import { containerLabels, resourcesLink } from '../../src/components/IsolationPanel/links';
import type { ContainerView } from '../../src/data/types';
import { DEFAULT_OPTIONS } from '../../src/types';
import { CONTAINER_VARIABLES, REPO_ROOT } from './common';
import { DASHBOARDS, dashboardQueries } from './index';
import * as isolation from './isolation';
import { metricNamesIn, selectorsIn, withMatchers, withVariablesFilled } from './promql';
import * as resources from './resources';

type Json = any; // the parsed dashboard JSON

const RULES_FILE = path.join(REPO_ROOT, 'provisioning', 'prometheus', 'rules', 'isoscope.rules.yml');
const read = (file: string): Json => JSON.parse(fs.readFileSync(file, 'utf8'));
const boards = { isolation: read(DASHBOARDS.isolation.file), resources: read(DASHBOARDS.resources.file) };
const byUid = new Map<string, Json>(Object.values(boards).map((b) => [b.uid, b]));
const generators = { isolation, resources };

const panelsOf = (board: Json): Json[] => (board.panels ?? []).flatMap((p: Json) => [p, ...(p.panels ?? [])]);
const targetsOf = (board: Json) => dashboardQueries(board).filter((q) => q.kind === 'target');

/** Containers as the isolation panel sees them: a Kubernetes one (namespace, pod, container) and a Docker one. */
const SAMPLE_CONTAINERS = [
  {
    instance: 'node-1:9100',
    id: '/kubepods/pod1/abc',
    name: 'web',
    nameLabel: 'abc',
    namespace: 'shop',
    pod: 'web-1',
    container: 'web',
  },
  { instance: 'node-2:9100', id: '/system.slice/docker-def.scope', name: 'db' },
] as ContainerView[];

/** The links the isolation panel itself gives each container (option resourcesLink), with its labels. */
function panelOwnLinks(p: Json): Array<{ url: string; labels: Record<string, string> }> {
  if (p.type !== plugin.id || !(p.options?.resourcesLink ?? DEFAULT_OPTIONS.resourcesLink)) {
    return [];
  }
  return SAMPLE_CONTAINERS.map((c) => ({ url: resourcesLink(c).url, labels: containerLabels(c) }));
}

/**
 * Every link of a dashboard: its own, its panels' data links (field defaults and overrides), and the ones
 * the isolation panel makes itself.
 */
function linksOf(board: Json): Array<{ where: string; url: string }> {
  const links = (board.links ?? []).map((l: Json) => ({ where: 'dashboard', url: l.url }));
  for (const p of panelsOf(board)) {
    links.push(...panelOwnLinks(p).map((l) => ({ where: `panel ${p.id} (its own link)`, url: l.url })));
    const fieldLinks = [
      ...(p.fieldConfig?.defaults?.links ?? []),
      ...(p.fieldConfig?.overrides ?? []).flatMap((o: Json) =>
        o.properties.filter((x: Json) => x.id === 'links').flatMap((x: Json) => x.value)
      ),
    ];
    links.push(...fieldLinks.map((l: Json) => ({ where: `panel ${p.id}`, url: l.url })));
  }
  return links;
}

/** The record names of provisioning/prometheus/rules. */
function recordingRules(): string[] {
  const rules = parse(fs.readFileSync(RULES_FILE, 'utf8'));
  return rules.groups.flatMap((g: Json) => g.rules.filter((r: Json) => r.record).map((r: Json) => r.record));
}

function alertExpr(name: string): string {
  const rules = parse(fs.readFileSync(RULES_FILE, 'utf8'));
  const alert = rules.groups.flatMap((g: Json) => g.rules).find((r: Json) => r.alert === name);
  return String(alert.expr).trim();
}

/** `promtool check rules` on a file of recording rules, one per expression: does Prometheus parse them? */
function promtoolParses(exprs: string[]): { status: number | null; output: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isoscope-dashboards-'));
  try {
    const file = path.join(dir, 'exprs.yml');
    const rules = exprs.map((expr, i) => ({ record: `dashboard:expr_${i}`, expr }));
    fs.writeFileSync(file, JSON.stringify({ groups: [{ name: 'dashboards', rules }] }));
    const run = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
    if (run.error) {
      throw new Error(`promtool could not be started (${run.error.message}): install Debian's prometheus package`);
    }
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A target's expr without a dashboard's variable matchers: what the panel's contract says. */
function withoutMatchers(expr: string, matchers: readonly string[]): string {
  return expr.replaceAll(`, ${matchers.join(', ')}`, '').replaceAll(`{${matchers.join(', ')}}`, '');
}

/** The isolation panel's targets are its contract (src/data/roles.ts) with the dashboard's `matchers` added. */
function itQueriesThePanelsContract(targetsOf: () => Json[], matchers: readonly string[]) {
  it('queries exactly what the panel expects: the raw metrics as refId raw, each derived role under its key', () => {
    const targets = targetsOf();
    expect(targets.map((t) => t.refId)).toEqual([isolation.RAW_REF_ID, ...DERIVED_ROLES]);
    expect(targets[0]).toMatchObject({ instant: true, format: 'table' });
    expect(withoutMatchers(targets[0].expr, matchers)).toBe(RAW_METRICS_QUERY);
    for (const t of targets.slice(1)) {
      expect(t).toMatchObject({ instant: true });
      expect(withoutMatchers(t.expr, matchers)).toBe(ROLES[t.refId as keyof typeof ROLES].query);
    }
  });

  it('brings every role: by metric name in the raw query, or by refId', () => {
    const targets = targetsOf();
    const raw = new Set(selectorsIn(targets[0].expr)[0].names);
    const refIds = new Set(targets.map((t) => t.refId));
    const uncovered = ROLE_KEYS.filter((k) => {
      const metric = (ROLES[k] as { metric?: { name: string } }).metric;
      return metric ? !raw.has(metric.name) || ROLE_BY_METRIC.get(metric.name) !== k : !refIds.has(k);
    });
    expect(uncovered).toEqual([]);
  });
}

describe.each(Object.keys(boards) as Array<keyof typeof boards>)('the %s dashboard', (key) => {
  const board = boards[key];
  const generator = generators[key];
  const variableNames = generator.VARIABLES.map((v) => v.name);

  it('has its variables: multi-value, All as .*, each narrowed by the ones before it', () => {
    const list: Json[] = board.templating.list;
    expect(list.map((v) => v.name)).toEqual(variableNames);
    generator.VARIABLES.forEach((v, i) => {
      expect(list[i]).toMatchObject({ type: 'query', multi: true, includeAll: true, allValue: '.*' });
      const [source] = selectorsIn(list[i].query);
      expect(list[i].query).toMatch(new RegExp(`, ${v.seriesLabel}\\)$`));
      for (const before of generator.VARIABLES.slice(0, i)) {
        expect(source.matchers).toContain(`${before.seriesLabel}=~"$${before.name}"`);
      }
    });
  });

  it('filters every selector of every target by every variable', () => {
    const targets = targetsOf(board);
    expect(targets.length).toBeGreaterThan(5);
    const unfiltered = targets.flatMap((t) =>
      selectorsIn(t.expr)
        .filter((s) => !generator.MATCHERS.every((m) => s.matchers.includes(m)))
        .map((s) => `${t.where}: ${s.name ?? '{…}'}`)
    );
    expect(unfiltered).toEqual([]);
  });

  it('names only metrics @isoscope/shared declares, or recording rules of provisioning/prometheus/rules', () => {
    const known = new Set([...ALL_METRICS.map((m) => m.name), ...recordingRules()]);
    const names = dashboardQueries(board).flatMap((q) => metricNamesIn(q.expr));
    expect(names.length).toBeGreaterThan(10);
    expect([...new Set(names)].filter((n) => !known.has(n))).toEqual([]);
  });

  it('uses no variable it lacks and no Grafana macro but $__rate_interval, $__interval and $__range', () => {
    const allowed = new Set([...variableNames, '__rate_interval', '__interval', '__range']);
    const used = dashboardQueries(board).flatMap((q) => [...q.expr.matchAll(/\$\{?(\w+)/g)].map((m) => m[1]));
    expect([...new Set(used)].filter((u) => !allowed.has(u))).toEqual([]);
  });

  it('holds PromQL that Prometheus parses, with the variables at All (promtool check rules)', () => {
    const exprs = dashboardQueries(board).map((q) =>
      withVariablesFilled(q.kind === 'variable' ? q.expr.replace(/^label_values\((.*), \w+\)$/, '$1') : q.expr)
    );
    expect(promtoolParses(exprs)).toMatchObject({ status: 0 });
  });

  it('has unique panel ids, and unique refIds within a panel', () => {
    const ids = panelsOf(board).map((p) => p.id);
    expect(ids.every((id) => Number.isInteger(id) && id > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of panelsOf(board)) {
      const refIds = (p.targets ?? []).map((t: Json) => t.refId);
      expect(new Set(refIds).size).toBe(refIds.length);
    }
  });

  it('links only to provisioned dashboards, their panels and their variables', () => {
    const links = linksOf(board);
    expect(links.length).toBeGreaterThan(0);
    for (const { where, url } of links) {
      const [, uid, query = ''] = url.match(/^\/d\/([^/?]+)\/[^?]*\??(.*)$/) ?? [];
      const target = byUid.get(uid);
      expect({ where, url, found: target !== undefined }).toEqual({ where, url, found: true });
      for (const param of query.split('&').filter((p) => p && !p.startsWith('${'))) {
        const [name, value] = param.split('=');
        if (name === 'viewPanel') {
          expect(panelsOf(target).map((p) => `panel-${p.id}`)).toContain(value);
        } else {
          expect(target.templating.list.map((v: Json) => `var-${v.name}`)).toContain(name);
        }
      }
    }
  });

  it('gives every chart and stat a unit', () => {
    const charts = panelsOf(board).filter((p) => ['timeseries', 'stat'].includes(p.type));
    expect(charts.length).toBeGreaterThan(0);
    expect(charts.filter((p) => !p.fieldConfig?.defaults?.unit).map((p) => p.title)).toEqual([]);
  });
});

describe('the isolation dashboard', () => {
  const board = boards.isolation;
  const panels = panelsOf(board).filter((p) => p.type === plugin.id);
  const targets: Json[] = panels[0]?.targets ?? [];
  const withoutVariables = (expr: string) => withoutMatchers(expr, isolation.MATCHERS);

  it("has uid isoscope-isolation and one isoscope-isolation-panel, with the panel's default options", () => {
    expect(board.uid).toBe('isoscope-isolation');
    expect(panels).toHaveLength(1);
    expect(panels[0].title).toBe(isolation.ISOLATION_PANEL_TITLE);
    expect(panels[0].options).toEqual(DEFAULT_OPTIONS);
  });

  itQueriesThePanelsContract(() => targets, isolation.MATCHERS);

  it("links each container to its resources once: the panel's own link, with the container's labels as variables", () => {
    expect(panels[0].fieldConfig?.defaults?.links ?? []).toEqual([]);
    expect(panels[0].fieldConfig?.overrides ?? []).toEqual([]);
    expect(panels[0].options.resourcesLink).toBe(true);
    const resourcesVariables = boards.resources.templating.list.map((v: Json) => v.name);
    const [kubernetes, docker] = panelOwnLinks(panels[0]).map(({ url, labels }) => {
      const [, path, query] = url.match(/^([^?]*)\?(.*)$/)!;
      expect(path).toBe(`/d/${boards.resources.uid}/isoscope-container-resources`);
      const params = query.split('&').filter((param) => !param.startsWith('${'));
      // each var-<v>=${__field.labels.<v>}: a variable of the resources dashboard, a label the container has
      for (const param of params) {
        const [, variable, labelName] = param.match(/^var-(\w+)=\$\{__field\.labels\.(\w+)\}$/)!;
        expect(resourcesVariables).toContain(variable);
        expect({ variable, labelName, has: labels[labelName] !== undefined }).toEqual({
          variable,
          labelName: variable,
          has: true,
        });
      }
      expect(query).toContain('${__url_time_range}');
      return params.map((param) => param.split('=')[0]);
    });
    expect(kubernetes).toEqual(['var-instance', 'var-name', 'var-namespace', 'var-pod', 'var-container']);
    expect(docker).toEqual(['var-instance', 'var-name']);
  });

  it('counts each finding in a stat that opens the list of exactly those containers', () => {
    const byId = new Map(panelsOf(board).map((p) => [p.id, p]));
    const stats = panelsOf(board).filter((p) => p.type === 'stat');
    expect(stats.map((s) => s.title)).toEqual(['Containers', ...isolation.FINDINGS.map((f) => f.title)]);
    for (const f of isolation.FINDINGS) {
      const stat = stats.find((s) => s.title === f.title);
      expect(stat.targets.map((t: Json) => t.expr)).toEqual([`count(${f.expr}) or vector(0)`]);
      const [link] = stat.fieldConfig.defaults.links;
      const list = byId.get(Number(link.url.match(/viewPanel=panel-(\d+)/)[1]));
      expect(list).toMatchObject({ type: 'table', title: f.listTitle });
      expect(list.targets.map((t: Json) => t.expr)).toEqual([
        `max by (instance, name, namespace, pod, container) (${f.expr})`,
      ]);
      expect(link.url).toContain('${__all_variables}');
    }
  });

  it.each([
    ['hostNetwork', 'ContainerInHostNetworkNamespace'],
    ['hostPid', 'ContainerInHostPIDNamespace'],
    ['hostIpc', 'ContainerInHostIPCNamespace'],
    ['noSeccomp', 'ContainerWithoutSeccomp'],
    ['privileged', 'ContainerPrivileged'],
    ['rootIsHostRoot', 'ContainerRootIsHostRoot'],
  ])('finds %s containers as the %s alert does', (finding, alert) => {
    const f = isolation.FINDINGS.find((x) => x.key === finding)!;
    expect(withoutVariables(f.expr)).toBe(alertExpr(alert));
  });
});

describe('the resources dashboard', () => {
  const board = boards.resources;
  const V = CONTAINER_VARIABLES;

  it('is the contract: uid isoscope-resources, its title and variables', () => {
    expect(board).toMatchObject({ uid: 'isoscope-resources', title: 'isoscope: container resources' });
    expect(board.templating.list.map((v: Json) => v.name)).toEqual([
      'instance',
      'namespace',
      'pod',
      'container',
      'name',
      'compose_project',
      'compose_service',
    ]);
    expect(V.composeProject.seriesLabel).toBe('container_label_com_docker_compose_project');
    expect(V.composeService.seriesLabel).toBe('container_label_com_docker_compose_service');
  });

  const isolationPanels = panelsOf(board).filter((p) => p.type === plugin.id);

  it("reads only cAdvisor's families but in the isolation panel, so its charts work on cAdvisor's data", () => {
    const cadvisor = new Set(ALL_METRICS.filter((m) => m.cadvisor).map((m) => m.name));
    const charts = { ...board, panels: panelsOf(board).filter((p) => p.type !== plugin.id) };
    const names = dashboardQueries(charts).flatMap((q) => metricNamesIn(q.expr));
    expect([...new Set(names)].filter((n) => !cadvisor.has(n))).toEqual([]);
  });

  it('shows the isolation panel first, full width: compact, one flat list, no summary, no link to itself', () => {
    expect(isolationPanels).toHaveLength(1);
    const [panel] = isolationPanels;
    expect(panel.title).toBe(resources.ISOLATION_PANEL_TITLE);
    expect(panel.gridPos).toMatchObject({ x: 0, y: 0, w: 24 });
    const others = panelsOf(board).filter((p) => p !== panel);
    expect(others.every((p) => p.gridPos.y >= panel.gridPos.h)).toBe(true);
    expect(panel.options).toEqual({
      ...DEFAULT_OPTIONS,
      compact: true,
      groupBy: 'none',
      showSummary: false,
      resourcesLink: false,
    });
    expect(panel.fieldConfig?.defaults?.links ?? []).toEqual([]);
  });

  itQueriesThePanelsContract(() => isolationPanels[0]?.targets ?? [], resources.MATCHERS);

  it('leaves the machine\'s own series out: name!="" in every selector', () => {
    const selectors = dashboardQueries(board).flatMap((q) => selectorsIn(q.expr));
    expect(selectors.filter((s) => !s.matchers.includes('name!=""'))).toEqual([]);
  });

  it('draws no limit and no ratio for "no limit": every limit is compared > 0', () => {
    const limits = [METRICS.specCpuQuota, METRICS.specCpuPeriod, METRICS.specMemoryLimit, METRICS.threadsMax];
    const exprs = targetsOf(board).map((t) => t.expr);
    let seen = 0;
    for (const expr of exprs) {
      for (const family of limits) {
        for (const m of expr.matchAll(new RegExp(`${family.name}\\{[^}]*\\}`, 'g'))) {
          seen++;
          let rest = expr.slice(m.index + m[0].length);
          // the quota is divided by the guarded period first
          rest = rest.replace(new RegExp(`^ / \\(${METRICS.specCpuPeriod.name}\\{[^}]*\\} > 0\\)`), '');
          expect({ expr, family: family.name, guarded: /^\)? > 0/.test(rest) }).toMatchObject({ guarded: true });
        }
      }
    }
    expect(seen).toBeGreaterThanOrEqual(6);
  });

  it('shows ratios as percentunit and the rest in base units, with legends by container name', () => {
    const charts = panelsOf(board).filter((p) => p.type === 'timeseries');
    expect(charts.length).toBeGreaterThanOrEqual(12);
    for (const c of charts) {
      expect(['percentunit', 'bytes', 'Bps', 'short', 'none']).toContain(c.fieldConfig.defaults.unit);
      for (const t of c.targets) {
        expect(t.legendFormat).toMatch(/^\{\{name\}\}/);
      }
    }
  });
});

describe("withMatchers (how the panel's contract queries get the variables)", () => {
  it('adds matchers to declared names, bare or with braces, and to a __name__ regex, and to nothing else', () => {
    expect(withMatchers('rate(a_total[1m])', ['x="1"'])).toBe('rate(a_total[1m])');
    const cpu = METRICS.cpuUsageSeconds.name;
    expect(withMatchers(`rate(${cpu}{cpu="total"}[1m]) / ${cpu}`, ['x="1"'])).toBe(
      `rate(${cpu}{cpu="total", x="1"}[1m]) / ${cpu}{x="1"}`
    );
    expect(withMatchers('{__name__=~"a|b"}', ['x="1"'])).toBe('{__name__=~"a|b", x="1"}');
  });
});

describe('selectorsIn (what the checks above read the queries with)', () => {
  it('finds every selector with its matchers, and no function, keyword, grouping label, string or range', () => {
    const expr =
      'sum by (name) (rate(a_total{x="1", y=~"$v"}[$__rate_interval])) / on (id) group_left b' +
      ' or label_replace(c{z!="}"}, "dst", "$1", "src", "(.*)") > bool 0 unless {__name__=~"d|e", w="2"}';
    expect(selectorsIn(expr)).toEqual([
      { name: 'a_total', names: [], matchers: ['x="1"', 'y=~"$v"'] },
      { name: 'b', names: [], matchers: [] },
      { name: 'c', names: [], matchers: ['z!="}"'] },
      { name: undefined, names: ['d', 'e'], matchers: ['__name__=~"d|e"', 'w="2"'] },
    ]);
    expect(metricNamesIn(expr)).toEqual(['a_total', 'b', 'c', 'd', 'e']);
  });

  it("reads a variable's label_values(selector, label) as its selector", () => {
    expect(selectorsIn('label_values(a{x=~"$x"}, instance)')).toEqual([
      { name: 'a', names: [], matchers: ['x=~"$x"'] },
    ]);
  });

  it('fills the variables as a run at All would: $var → .*, $__rate_interval → 1m', () => {
    expect(withVariablesFilled('rate(a{x=~"$x", y=~"${y}"}[$__rate_interval])')).toBe('rate(a{x=~".*", y=~".*"}[1m])');
  });
});
