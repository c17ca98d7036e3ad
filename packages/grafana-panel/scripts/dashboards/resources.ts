/**
 * "isoscope: container resources": at the top, the isolation panel for the containers picked (their
 * namespaces and security at a glance; the one part that needs isoscope's own metrics); then per container,
 * what it uses against its own limits — CPU and
 * throttling, memory and OOM kills, pressure, network, disk IO and tasks. Only cAdvisor's families (names,
 * labels and units), so it works on cAdvisor's data as on isoscope's; every query leaves the machine's own
 * series out (`name!=""`, as cAdvisor dashboards do), pod sandboxes too but in the network charts, and a limit of "no limit" (0, or no quota) draws no
 * line and no ratio (`> 0`).
 */
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { METRICS, type ContainerLabel } from '@isoscope/shared';

import {
  CONTAINER_VARIABLES,
  isoscopeDashboard,
  DATASOURCE,
  ISOLATION_TITLE,
  ISOLATION_UID,
  RESOURCES_TITLE,
  RESOURCES_UID,
  containerVariableBuilders,
  promQuery,
  rate,
  selector,
  thresholds,
  variableMatchers,
} from './common';
import { isolationTargets } from './isolation';
import { IsolationPanelBuilder } from './isolationPanel';

export const FILE_NAME = 'isoscope-resources.json';

const V = CONTAINER_VARIABLES;
export const VARIABLES = [V.instance, V.namespace, V.pod, V.container, V.name, V.composeProject, V.composeService];
/** Containers only: the machine's own series (`id="/"`) have no name, on cAdvisor as here. */
export const NAMED = `${'name' satisfies ContainerLabel}!=""`;
/** Every query of the dashboard picks containers with these. */
export const MATCHERS = [NAMED, ...variableMatchers(VARIABLES)];
/**
 * Pod sandboxes (Kubernetes' and Podman's infra containers) use next to nothing and have no limits: every
 * chart but the network ones leaves them out, as kubernetes-mixin does. A pod's traffic is counted on its
 * sandbox, which owns the pod's network namespace, so the network charts keep it.
 */
export const NOT_SANDBOX = `${'container' satisfies ContainerLabel}!="POD"`;
const M = [NAMED, NOT_SANDBOX, ...variableMatchers(VARIABLES)];
const WITH_SANDBOXES = MATCHERS;
const LEGEND = '{{name}}';
/** refId of the limit drawn beside a usage: a dashed line, no fill. */
const LIMIT_REF_ID = 'limit';

const cpuUsage = rate(METRICS.cpuUsageSeconds, ['cpu="total"', ...M]);
/** Cores the quota allows; no series without a quota (absent, or 0 on cAdvisor) or without a period. */
const cpuLimit = `${selector(METRICS.specCpuQuota, M)} / (${selector(METRICS.specCpuPeriod, M)} > 0) > 0`;
const memoryLimit = `${selector(METRICS.specMemoryLimit, M)} > 0`;

/** One line per container: refId, expression, legend. */
interface Series {
  refId: string;
  expr: string;
  legend: string;
}

interface Chart {
  title: string;
  description: string;
  unit: string;
  series: Series[];
  /** Orange and red from these values, drawn as dashed lines. */
  warn?: [number, number];
  axisLabel?: string;
  bars?: boolean;
  decimals?: number;
}

const usage = (expr: string): Series => ({ refId: 'A', expr, legend: LEGEND });
const limit = (expr: string): Series => ({ refId: LIMIT_REF_ID, expr, legend: `${LEGEND} limit` });

/** The dashboard's rows and their charts, in order. */
export const ROWS: Array<{ title: string; charts: Chart[] }> = [
  {
    title: 'CPU',
    charts: [
      {
        title: 'CPU usage',
        description: `Cores used (${METRICS.cpuUsageSeconds.name}), and the quota's cores (quota / period) as a dashed line where there is one.`,
        unit: 'short',
        axisLabel: 'cores',
        series: [usage(cpuUsage), limit(cpuLimit)],
      },
      {
        title: 'CPU usage against limit',
        description:
          'Cores used over the cores the CFS quota allows (1 = the whole limit). Containers without a quota have no line.',
        unit: 'percentunit',
        warn: [0.8, 0.95],
        series: [usage(`${cpuUsage} / ignoring (cpu) (${cpuLimit})`)],
      },
      {
        title: 'CPU throttling',
        description:
          'Share of CFS periods in which the container was throttled (throttled periods / periods). Orange from 25 %, where the ContainerCPUThrottled alert fires.',
        unit: 'percentunit',
        warn: [0.25, 0.5],
        series: [usage(`${rate(METRICS.cpuCfsThrottledPeriods, M)} / (${rate(METRICS.cpuCfsPeriods, M)} > 0)`)],
      },
    ],
  },
  {
    title: 'Memory',
    charts: [
      {
        title: 'Memory working set',
        description: `Working set (${METRICS.memoryWorkingSet.name}: what the kernel cannot reclaim), and the memory limit as a dashed line where there is one.`,
        unit: 'bytes',
        series: [usage(selector(METRICS.memoryWorkingSet, M)), limit(memoryLimit)],
      },
      {
        title: 'Memory against limit',
        description:
          'Working set over the memory limit (1 = at the limit). Red from 90 %, where the ContainerMemoryNearLimit alert fires.',
        unit: 'percentunit',
        warn: [0.8, 0.9],
        series: [usage(`${selector(METRICS.memoryWorkingSet, M)} / (${memoryLimit})`)],
      },
      {
        title: 'OOM kills',
        description: `Processes the OOM killer ended (${METRICS.oomEvents.name}), per interval.`,
        unit: 'none',
        decimals: 0,
        bars: true,
        series: [usage(`increase(${selector(METRICS.oomEvents, M)}[$__rate_interval]) > 0`)],
      },
    ],
  },
  {
    title: 'Pressure',
    charts: (
      [
        ['CPU', METRICS.pressureCpuWaiting],
        ['Memory', METRICS.pressureMemoryWaiting],
        ['IO', METRICS.pressureIoWaiting],
      ] as const
    ).map(([what, family]) => ({
      title: `${what} pressure`,
      description: `Share of time some of the container's tasks waited for ${what === 'IO' ? 'IO' : what.toLowerCase()} (PSI "some", ${family.name}; cgroup v2 only).`,
      unit: 'percentunit',
      warn: [0.1, 0.25] as [number, number],
      series: [usage(rate(family, M))],
    })),
  },
  {
    title: 'Network and disk',
    charts: [
      {
        title: 'Network receive',
        description: `Bytes received per second, every interface (${METRICS.networkReceiveBytes.name}). A pod's traffic is on its sandbox (container POD).`,
        unit: 'Bps',
        series: [usage(`sum without (interface) (${rate(METRICS.networkReceiveBytes, WITH_SANDBOXES)})`)],
      },
      {
        title: 'Network transmit',
        description: `Bytes sent per second, every interface (${METRICS.networkTransmitBytes.name}). A pod's traffic is on its sandbox (container POD).`,
        unit: 'Bps',
        series: [usage(`sum without (interface) (${rate(METRICS.networkTransmitBytes, WITH_SANDBOXES)})`)],
      },
      {
        title: 'Disk read',
        description: `Bytes read per second, every device (${METRICS.fsReadsBytes.name}).`,
        unit: 'Bps',
        series: [usage(`sum without (device) (${rate(METRICS.fsReadsBytes, M)})`)],
      },
      {
        title: 'Disk write',
        description: `Bytes written per second, every device (${METRICS.fsWritesBytes.name}).`,
        unit: 'Bps',
        series: [usage(`sum without (device) (${rate(METRICS.fsWritesBytes, M)})`)],
      },
    ],
  },
  {
    title: 'Tasks',
    charts: [
      {
        title: 'Tasks',
        description: `Tasks (threads, ${METRICS.threads.name}), and the pids limit (${METRICS.threadsMax.name}) as a dashed line where there is one.`,
        unit: 'none',
        decimals: 0,
        series: [usage(selector(METRICS.threads, M)), limit(`${selector(METRICS.threadsMax, M)} > 0`)],
      },
    ],
  },
];

function chartPanel(id: number, chart: Chart, width: number) {
  const panel = new timeseries.PanelBuilder()
    .id(id)
    .title(chart.title)
    .description(chart.description)
    .datasource(DATASOURCE)
    .span(width)
    .height(8)
    .unit(chart.unit)
    .min(0)
    .lineWidth(1)
    .fillOpacity(chart.bars ? 80 : 10)
    .drawStyle(chart.bars ? common.GraphDrawStyle.Bars : common.GraphDrawStyle.Line)
    .showPoints(common.VisibilityMode.Never)
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.Table)
        .placement(common.LegendPlacement.Bottom)
        .calcs(['max', 'lastNotNull'])
    )
    .tooltip(
      new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending)
    )
    .targets(chart.series.map((s) => promQuery(s.refId, s.expr).range().legendFormat(s.legend)));
  if (chart.axisLabel) {
    panel.axisLabel(chart.axisLabel);
  }
  if (chart.decimals !== undefined) {
    panel.decimals(chart.decimals);
  }
  if (chart.warn) {
    panel
      .thresholds(thresholds([chart.warn[0], 'orange'], [chart.warn[1], 'red']))
      .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed));
  }
  if (chart.unit === 'percentunit') {
    panel.axisSoftMax(1);
  }
  if (chart.series.some((s) => s.refId === LIMIT_REF_ID)) {
    panel.overrideByQuery(LIMIT_REF_ID, [
      { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
      { id: 'custom.fillOpacity', value: 0 },
    ]);
  }
  return panel;
}

/** Title of the isoscope-isolation-panel on this dashboard. */
export const ISOLATION_PANEL_TITLE = 'Isolation and usage against limits';

/**
 * The isolation panel for the few containers the variables usually pick here: compact rows in one flat
 * list, no fleet summary (a count of two is no overview), its queries the panel's contract with this
 * dashboard's matchers. Its per-container link would open this very dashboard narrowed to one container,
 * the same page again with fewer lines: off, the dashboard's link leads to the isolation dashboard instead.
 */
function isolationPanel(id: number) {
  return new IsolationPanelBuilder()
    .id(id)
    .title(ISOLATION_PANEL_TITLE)
    .description(
      'Per container picked by the variables: namespaces (own, shared, host), security context and usage ' +
        "against its own limits. Needs isoscope-exporter's isolation metrics (cAdvisor has none): without them " +
        'the panel says which are missing.'
    )
    .datasource(DATASOURCE)
    .span(24)
    .height(9)
    .option('groupBy', 'none')
    .option('compact', true)
    .option('showSummary', false)
    .option('resourcesLink', false)
    .targets(isolationTargets(MATCHERS));
}

export function buildResourcesDashboard(): dashboard.Dashboard {
  const board = isoscopeDashboard({
    uid: RESOURCES_UID,
    title: RESOURCES_TITLE,
    description:
      "What each container uses against its own limits. cAdvisor's metric names only: works on cAdvisor's data too.",
    tags: ['isoscope', 'containers', 'cadvisor'],
    other: {
      uid: ISOLATION_UID,
      title: ISOLATION_TITLE,
      linkTitle: 'Container isolation',
      tooltip: 'Namespaces and security context of the containers picked here',
    },
  }).variables(containerVariableBuilders(VARIABLES, METRICS.cpuUsageSeconds, ['cpu="total"', NAMED, NOT_SANDBOX]));

  let id = 0;
  board.withPanel(isolationPanel(++id));
  for (const row of ROWS) {
    board.withRow(new dashboard.RowBuilder(row.title).id(++id));
    const width = row.charts.length === 1 ? 24 : row.charts.length === 4 ? 12 : 8;
    for (const chart of row.charts) {
      board.withPanel(chartPanel(++id, chart, width));
    }
  }
  return board.build();
}
