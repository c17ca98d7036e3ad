/**
 * Generates the provisioned dashboard, provisioning/grafana/dashboards/isoscope-isolation.json (repository
 * root), from the panel's own query contract (src/data/roles.ts) and the metric names in @isoscope/shared,
 * so the dashboard cannot drift from what the panel expects. Nothing in the output is typed by hand that
 * those two already say: metric names, label names, refIds, the raw-metrics query and each role's query.
 *
 *   npm run dashboard -w @isoscope/grafana-panel              # (re)write the JSON
 *   npm run dashboard -w @isoscope/grafana-panel -- --check   # exit 1 if the JSON is not what this produces
 *
 * (Both need @isoscope/shared built: `npx turbo run build --filter=@isoscope/shared`.)
 * scripts/provisioning.test.ts fails when the committed JSON differs from `dashboardJson()`.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Dashboard, DataSourceRef, Panel, VariableModel } from '@grafana/schema';
import { METRICS, type ContainerLabel, type MetricFamily, type NamespaceType } from '@isoscope/shared';

import plugin from '../src/plugin.json';
import { DERIVED_ROLES } from '../src/data/missing';
import { RAW_METRICS_QUERY, ROLES } from '../src/data/roles';
import { DEFAULT_OPTIONS } from '../src/types';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const DASHBOARD_FILE = path.join(REPO_ROOT, 'provisioning', 'grafana', 'dashboards', 'isoscope-isolation.json');

/** The data source provisioned in provisioning/grafana/datasources/prometheus.yml. */
export const DATASOURCE = { type: 'prometheus', uid: 'prometheus' } as const satisfies DataSourceRef;
export const DASHBOARD_UID = 'isoscope-isolation';
/** Title of the isoscope-isolation-panel on the dashboard (the e2e specs find it by this title). */
export const ISOLATION_PANEL_TITLE = 'Containers: isolation and usage against limits';
/** refId of the raw-metrics query (src/data/roles.ts: "The dashboards use it as refId \"raw\""). */
export const RAW_REF_ID = 'raw';

// Label names typed against the contract, so a rename in @isoscope/shared fails to compile here.
const NAME_LABEL: ContainerLabel = 'name';
const NET: NamespaceType = 'net';
/** Prometheus' target label; the panel groups containers by it ("host"). */
const INSTANCE_LABEL = 'instance';
const INSTANCE_VAR = 'instance';

/** A label the family declares (besides the container labels); throws if the contract lost it. */
function labelOf(family: MetricFamily, label: string): string {
  if (!family.labels.includes(label)) {
    throw new Error(`${family.name} has no label ${label} (labels: ${family.labels.join(', ')})`);
  }
  return label;
}

/** `name{a="b", instance=~"$instance"}`: every core panel follows the $instance variable. */
function selector(family: MetricFamily, matchers: string[] = []): string {
  return `${family.name}{${[...matchers, `${INSTANCE_LABEL}=~"$${INSTANCE_VAR}"`].join(', ')}}`;
}

/**
 * The isolation panel's targets, exactly what src/data/roles.ts expects: the raw metrics as one instant
 * table query (refId "raw", read by metric name), and each derived role's query with refId = role key.
 * The derived ones are instant too: the panel reads each series' latest value, so a range query would
 * only fetch points it never draws.
 */
export function isolationTargets() {
  return [
    {
      refId: RAW_REF_ID,
      datasource: DATASOURCE,
      editorMode: 'code',
      expr: RAW_METRICS_QUERY,
      format: 'table',
      instant: true,
      range: false,
      legendFormat: '__auto',
    },
    ...DERIVED_ROLES.map((key) => ({
      refId: key,
      datasource: DATASOURCE,
      editorMode: 'code',
      expr: ROLES[key].query,
      format: 'time_series',
      instant: true,
      range: false,
      legendFormat: '__auto',
    })),
  ];
}

/** The core panels' queries, by panel; the tests check every expr is one of these or a role query. */
export const CORE_QUERIES = {
  containers: `sum(${selector(METRICS.containers)})`,
  hostNetwork:
    `count(${selector(METRICS.namespaceSharedWithHost, [`${labelOf(METRICS.namespaceSharedWithHost, 'ns_type')}="${NET}"`])} == 1)` +
    ' or vector(0)',
  privileged: `count(${selector(METRICS.securityPrivileged)} == 1) or vector(0)`,
  throttled: `sum by (${NAME_LABEL}) (rate(${selector(METRICS.cpuCfsThrottledPeriods)}[$__rate_interval]))`,
} as const;

/** A single-number stat; with `redFrom`, red from that value on (a count of risky containers). */
function statPanel(id: number, x: number, title: string, description: string, expr: string, redFrom?: number): Panel {
  const steps: Array<{ color: string; value: number | null }> = [{ color: 'green', value: null }];
  if (redFrom !== undefined) {
    steps.push({ color: 'red', value: redFrom });
  }
  return {
    id,
    type: 'stat',
    title,
    description,
    datasource: DATASOURCE,
    gridPos: { x, y: 0, w: 8, h: 4 },
    fieldConfig: {
      defaults: { unit: 'none', decimals: 0, color: { mode: 'thresholds' }, thresholds: { mode: 'absolute', steps } },
      overrides: [],
    },
    options: {
      colorMode: redFrom === undefined ? 'none' : 'background',
      graphMode: 'none',
      justifyMode: 'center',
      textMode: 'value',
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
    },
    targets: [{ refId: 'A', datasource: DATASOURCE, editorMode: 'code', expr, instant: true, range: false }],
  } as Panel;
}

export function buildDashboard(): Dashboard {
  const instanceVariable: VariableModel = {
    name: INSTANCE_VAR,
    label: 'Instance',
    description: 'Exporter instances (hosts). Filters the core panels; the isolation panel shows every host, grouped.',
    type: 'query',
    datasource: DATASOURCE,
    query: `label_values(${METRICS.buildInfo.name}, ${INSTANCE_LABEL})`,
    refresh: 2,
    sort: 1,
    multi: true,
    includeAll: true,
    allValue: '.*',
    current: { text: 'All', value: '$__all' },
    options: [],
    hide: 0,
  };

  const isolationPanel: Panel = {
    id: 4,
    type: plugin.id,
    title: ISOLATION_PANEL_TITLE,
    description:
      'Per container: namespaces (own, shared, host), security context and usage against its own limits. ' +
      'Shows every instance, grouped by host and pod; the queries are the ones the panel expects ' +
      '(src/data/roles.ts), generated, not edited by hand.',
    datasource: DATASOURCE,
    gridPos: { x: 0, y: 4, w: 24, h: 18 },
    fieldConfig: { defaults: {}, overrides: [] },
    options: { ...DEFAULT_OPTIONS },
    targets: isolationTargets(),
  } as Panel;

  const throttlingPanel = {
    id: 5,
    type: 'timeseries',
    title: 'CPU throttling by container',
    description: `Throttled CFS periods per second (${METRICS.cpuCfsThrottledPeriods.name}), summed by container name.`,
    datasource: DATASOURCE,
    gridPos: { x: 0, y: 22, w: 24, h: 8 },
    fieldConfig: {
      defaults: { unit: 'short', min: 0, custom: { drawStyle: 'line', fillOpacity: 10, showPoints: 'never' } },
      overrides: [],
    },
    options: {
      legend: { displayMode: 'table', placement: 'right', showLegend: true, calcs: ['max', 'lastNotNull'] },
      tooltip: { mode: 'multi', sort: 'desc' },
    },
    targets: [
      {
        refId: 'A',
        datasource: DATASOURCE,
        editorMode: 'code',
        expr: CORE_QUERIES.throttled,
        legendFormat: `{{${NAME_LABEL}}}`,
        range: true,
        instant: false,
      },
    ],
  } as Panel;

  return {
    uid: DASHBOARD_UID,
    title: 'isoscope: container isolation',
    description: 'How isolated each container really is, and what it uses against its limits (isoscope-exporter).',
    tags: ['isoscope', 'containers'],
    editable: true,
    graphTooltip: 1,
    schemaVersion: 42,
    version: 1,
    refresh: '30s',
    time: { from: 'now-1h', to: 'now' },
    timezone: 'browser',
    fiscalYearStartMonth: 0,
    links: [],
    annotations: { list: [] },
    templating: { list: [instanceVariable] },
    panels: [
      statPanel(
        1,
        0,
        'Containers',
        `Containers found in the last scrape (${METRICS.containers.name}).`,
        CORE_QUERIES.containers
      ),
      statPanel(
        2,
        8,
        "Containers in the host's network namespace",
        `Containers with ${METRICS.namespaceSharedWithHost.name}{ns_type="${NET}"} = 1: no network isolation.`,
        CORE_QUERIES.hostNetwork,
        1
      ),
      statPanel(
        3,
        16,
        'Privileged-like containers',
        `Containers with ${METRICS.securityPrivileged.name} = 1: the host's whole capability bounding set.`,
        CORE_QUERIES.privileged,
        1
      ),
      isolationPanel,
      throttlingPanel,
    ],
  };
}

/** The file's exact contents: 2-space JSON and a final newline. */
export function dashboardJson(): string {
  return `${JSON.stringify(buildDashboard(), null, 2)}\n`;
}

function main(args: string[]): number {
  const want = dashboardJson();
  const rel = path.relative(process.cwd(), DASHBOARD_FILE);
  if (args.includes('--check')) {
    const have = fs.existsSync(DASHBOARD_FILE) ? fs.readFileSync(DASHBOARD_FILE, 'utf8') : '';
    if (have !== want) {
      console.error(`${rel} is out of date: run \`npm run dashboard -w @isoscope/grafana-panel\``);
      return 1;
    }
    console.log(`${rel} is up to date`);
    return 0;
  }
  fs.mkdirSync(path.dirname(DASHBOARD_FILE), { recursive: true });
  fs.writeFileSync(DASHBOARD_FILE, want);
  console.log(`wrote ${rel}`);
  return 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
