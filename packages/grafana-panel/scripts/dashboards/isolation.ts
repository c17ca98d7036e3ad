/**
 * "isoscope: container isolation": counts of the containers with each isolation finding (each links to the
 * list of exactly those containers), the isolation panel with the queries it expects, and those lists, each
 * container linking to its resources.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import { METRICS, type ContainerLabel, type NamespaceType } from '@isoscope/shared';

import { DERIVED_ROLES } from '../../src/data/missing';
import { RAW_METRICS_QUERY, ROLES } from '../../src/data/roles';
import {
  CONTAINER_VARIABLES,
  isoscopeDashboard,
  DATASOURCE,
  INSTANCE_LABEL,
  ISOLATION_TITLE,
  ISOLATION_UID,
  LinkBuilder,
  RESOURCES_TITLE,
  RESOURCES_UID,
  containerVariableBuilders,
  dashboardPath,
  promQuery,
  rate,
  resourcesLinkUrl,
  selector,
  thresholds,
  variableMatchers,
} from './common';
import { IsolationPanelBuilder } from './isolationPanel';
import { withMatchers } from './promql';

export const FILE_NAME = 'isoscope-isolation.json';
/** Title of the isoscope-isolation-panel on the dashboard (the e2e specs find it by this title). */
export const ISOLATION_PANEL_TITLE = 'Containers: isolation and usage against limits';
/** refId of the raw-metrics query (src/data/roles.ts: "The dashboards use it as refId \"raw\""). */
export const RAW_REF_ID = 'raw';

const V = CONTAINER_VARIABLES;
export const VARIABLES = [V.instance, V.namespace, V.pod, V.container, V.composeProject, V.composeService];
/** Every query of the dashboard picks containers with these. */
export const MATCHERS = variableMatchers(VARIABLES);
/** Pod sandboxes (Kubernetes' and Podman's infra containers) are not counted, as the alerts leave them out. */
const NOT_SANDBOX = `${'container' satisfies ContainerLabel}!="POD"`;

/** The share of CFS periods throttled above which a container counts as throttled (the ContainerCPUThrottled alert's). */
export const THROTTLED_ABOVE = 0.25;

const hostNamespace = (ns: NamespaceType) =>
  `${selector(METRICS.namespaceSharedWithHost, [`ns_type="${ns}"`, NOT_SANDBOX, ...MATCHERS])} == 1`;

/** A fact about a container that weakens its isolation: one series per such container. */
export interface Finding {
  key: string;
  /** The stat's title. */
  title: string;
  /** The list's title. */
  listTitle: string;
  description: string;
  expr: string;
  /** The series' value is worth a column (not a mere 1). */
  value?: { title: string; unit: string };
}

export const FINDINGS: Finding[] = [
  {
    key: 'hostNetwork',
    title: 'Host network',
    listTitle: "Containers in the host's network namespace",
    description: "In the host's network namespace: every interface of the host, no network isolation.",
    expr: hostNamespace('net'),
  },
  {
    key: 'hostPid',
    title: 'Host PID',
    listTitle: "Containers in the host's PID namespace",
    description: "In the host's PID namespace: they see, and may signal, every process of the host.",
    expr: hostNamespace('pid'),
  },
  {
    key: 'hostIpc',
    title: 'Host IPC',
    listTitle: "Containers in the host's IPC namespace",
    description: "In the host's IPC namespace: System V IPC and POSIX message queues shared with the host.",
    expr: hostNamespace('ipc'),
  },
  {
    key: 'noSeccomp',
    title: 'No seccomp',
    listTitle: 'Containers without seccomp',
    description: 'Seccomp mode 0: every system call of the kernel is open to them.',
    expr: `${selector(METRICS.securitySeccompMode, [NOT_SANDBOX, ...MATCHERS])} == 0`,
  },
  {
    key: 'privileged',
    title: 'Privileged-like',
    listTitle: 'Privileged-like containers',
    description: "Effective capabilities hold the host's whole bounding set.",
    expr: `${selector(METRICS.securityPrivileged, [NOT_SANDBOX, ...MATCHERS])} == 1`,
  },
  {
    key: 'rootIsHostRoot',
    title: 'Root = host root',
    listTitle: 'Containers whose root is the host root',
    description: 'uid 0 inside is uid 0 on the host: no user namespace remapping.',
    expr: `${selector(METRICS.securityRootMappedToHost, [NOT_SANDBOX, ...MATCHERS])} == 1`,
  },
  {
    key: 'throttled',
    title: 'Throttled',
    listTitle: 'Throttled containers',
    description: `Throttled in more than ${THROTTLED_ABOVE * 100} % of their CFS periods (as the ContainerCPUThrottled alert).`,
    expr:
      `${rate(METRICS.cpuCfsThrottledPeriods, [NOT_SANDBOX, ...MATCHERS])}` +
      ` / (${rate(METRICS.cpuCfsPeriods, [NOT_SANDBOX, ...MATCHERS])} > 0) > ${THROTTLED_ABOVE}`,
    value: { title: 'throttled periods', unit: 'percentunit' },
  },
];

/** The labels the lists show of each container (absent ones make no column). */
const LIST_LABELS = [INSTANCE_LABEL, 'name', 'namespace', 'pod', 'container'] as const;

export const CONTAINERS_EXPR = `count(${selector(METRICS.namespaceInode, ['ns_type="mnt"', NOT_SANDBOX, ...MATCHERS])}) or vector(0)`;
export const findingCountExpr = (f: Finding) => `count(${f.expr}) or vector(0)`;
export const findingListExpr = (f: Finding) => `max by (${LIST_LABELS.join(', ')}) (${f.expr})`;

/** Panel ids: the stats' links name the lists by id. */
const CONTAINERS_STAT_ID = 1;
const statId = (i: number) => 2 + i;
export const ISOLATION_PANEL_ID = statId(FINDINGS.length);
const LISTS_ROW_ID = ISOLATION_PANEL_ID + 1;
export const listId = (i: number) => LISTS_ROW_ID + 1 + i;

const SELF = dashboardPath(ISOLATION_UID, ISOLATION_TITLE);
/** This dashboard showing one panel alone, with the variables and time range it was opened with. */
export const viewPanelUrl = (id: number) => `${SELF}?viewPanel=panel-${id}&\${__url_time_range}&\${__all_variables}`;

/**
 * The isolation panel's targets: exactly the queries src/data/roles.ts expects (the raw metrics as one
 * instant table query, refId "raw", read by metric name; each derived role's query with refId = role key),
 * with a dashboard's variable matchers (this one's unless told) added to their selectors (the panel's README
 * allows any selector). The derived ones are instant too: the panel reads each series' latest value.
 */
export function isolationTargets(matchers: readonly string[] = MATCHERS) {
  return [
    promQuery(RAW_REF_ID, withMatchers(RAW_METRICS_QUERY, matchers))
      .format(prometheus.PromQueryFormat.Table)
      .instant()
      .legendFormat('__auto'),
    ...DERIVED_ROLES.map((key) =>
      promQuery(key, withMatchers(ROLES[key].query, matchers))
        .format(prometheus.PromQueryFormat.TimeSeries)
        .instant()
        .legendFormat('__auto')
    ),
  ];
}

function countStat(id: number, title: string, description: string, expr: string, redFrom?: number) {
  const steps: Array<[number, string]> = redFrom === undefined ? [] : [[redFrom, 'red']];
  return new stat.PanelBuilder()
    .id(id)
    .title(title)
    .description(description)
    .datasource(DATASOURCE)
    .span(3)
    .height(4)
    .unit('none')
    .decimals(0)
    .colorScheme(new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.Thresholds))
    .thresholds(thresholds(...steps))
    .colorMode(redFrom === undefined ? common.BigValueColorMode.None : common.BigValueColorMode.Background)
    .graphMode(common.BigValueGraphMode.None)
    .justifyMode(common.BigValueJustifyMode.Center)
    .textMode(common.BigValueTextMode.Value)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .withTarget(promQuery('A', expr).instant());
}

function findingList(f: Finding, id: number) {
  const hidden: Record<string, boolean> = { Time: true };
  const renamed: Record<string, string> = {};
  if (f.value) {
    renamed.Value = f.value.title;
  } else {
    hidden.Value = true;
  }
  const list = new table.PanelBuilder()
    .id(id)
    .title(f.listTitle)
    .description(`${f.description} Each name opens the container's resources.`)
    .datasource(DATASOURCE)
    .span(8)
    .height(7)
    .noValue('none')
    .sortBy([new common.TableSortByFieldStateBuilder().displayName('name')])
    .withTarget(promQuery('A', findingListExpr(f)).format(prometheus.PromQueryFormat.Table).instant())
    .withTransformation({ id: 'organize', options: { excludeByName: hidden, renameByName: renamed } })
    .overrideByName('name', [
      {
        id: 'links',
        value: [
          new LinkBuilder(
            'Resources of ${__data.fields.name}',
            resourcesLinkUrl('${__data.fields.instance}', '${__data.fields.name}')
          ).build(),
        ],
      },
    ]);
  if (f.value) {
    list.overrideByName(f.value.title, [
      { id: 'unit', value: f.value.unit },
      { id: 'custom.cellOptions', value: { type: 'color-text' } },
    ]);
    list.thresholds(thresholds([THROTTLED_ABOVE, 'orange'], [0.5, 'red']));
  }
  return list;
}

export function buildIsolationDashboard(): dashboard.Dashboard {
  const board = isoscopeDashboard({
    uid: ISOLATION_UID,
    title: ISOLATION_TITLE,
    description: 'How isolated each container really is, and what it uses against its limits (isoscope-exporter).',
    tags: ['isoscope', 'containers'],
    other: {
      uid: RESOURCES_UID,
      title: RESOURCES_TITLE,
      linkTitle: 'Container resources',
      tooltip: 'CPU, memory, pressure, network, disk and tasks of the containers picked here',
    },
  }).variables(containerVariableBuilders(VARIABLES, METRICS.namespaceInode));

  board.withPanel(
    countStat(
      CONTAINERS_STAT_ID,
      'Containers',
      `Containers picked by the variables (pod sandboxes not counted), from ${METRICS.namespaceInode.name}. Opens their resources.`,
      CONTAINERS_EXPR
    ).dataLinks([
      new LinkBuilder(
        'Resources of these containers',
        `${dashboardPath(RESOURCES_UID, RESOURCES_TITLE)}?\${__url_time_range}&\${__all_variables}`
      ),
    ])
  );
  FINDINGS.forEach((f, i) =>
    board.withPanel(
      countStat(statId(i), f.title, `${f.description} Opens the list of them.`, findingCountExpr(f), 1).dataLinks([
        new LinkBuilder(f.listTitle, viewPanelUrl(listId(i))),
      ])
    )
  );

  board.withPanel(
    new IsolationPanelBuilder()
      .id(ISOLATION_PANEL_ID)
      .title(ISOLATION_PANEL_TITLE)
      .description(
        'Per container: namespaces (own, shared, host), security context and usage against its own limits, ' +
          'grouped by host and pod. The queries are the ones the panel expects (src/data/roles.ts), with the ' +
          "variables added. A container's name opens its resources."
      )
      .datasource(DATASOURCE)
      .span(24)
      .height(18)
      // no data link here: the panel links each container to its resources itself (option resourcesLink),
      // with the variables its labels call for (namespace, pod and container too on Kubernetes)
      .targets(isolationTargets())
  );

  board.withRow(new dashboard.RowBuilder('Containers per finding').id(LISTS_ROW_ID));
  FINDINGS.forEach((f, i) => board.withPanel(findingList(f, listId(i))));
  return board.build();
}
