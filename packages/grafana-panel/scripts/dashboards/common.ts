/**
 * What both provisioned dashboards share: where they are written, the data source they name, the template
 * variables that pick containers (and the label matchers that apply them), PromQL helpers that take metric
 * names only from @isoscope/shared, and a few small builders the foundation SDK lacks.
 */
import path from 'node:path';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import { runtimeLabelName, type ContainerLabel, type MetricFamily } from '@isoscope/shared';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');
export const DASHBOARDS_DIR = path.join(REPO_ROOT, 'provisioning', 'grafana', 'dashboards');

/** The data source provisioned in provisioning/grafana/datasources/prometheus.yml. */
export const DATASOURCE = { type: 'prometheus', uid: 'prometheus' } as const satisfies common.DataSourceRef;

/** Prometheus' target label: one exporter, one host. */
export const INSTANCE_LABEL = 'instance';

/** A template variable that picks containers by one label, and the selector of the values it offers. */
export interface ContainerVariable {
  /** The variable's name: `$name` in queries, `var-name` in URLs. */
  name: string;
  label: string;
  /** The series label it filters. */
  seriesLabel: string;
  description: string;
}

/** A container label, typed against the contract: a rename in @isoscope/shared fails to compile here. */
const label = (l: ContainerLabel) => l;

/**
 * Every variable a dashboard may pick containers with, in the order they are shown. Each narrows the ones
 * after it (a pod's containers, a Compose project's services).
 */
export const CONTAINER_VARIABLES = {
  instance: {
    name: 'instance',
    label: 'Instance',
    seriesLabel: INSTANCE_LABEL,
    description: 'Exporter (or cAdvisor) instances: one per host.',
  },
  namespace: {
    name: 'namespace',
    label: 'Namespace',
    seriesLabel: label('namespace'),
    description: 'Kubernetes namespace (All includes containers outside Kubernetes).',
  },
  pod: {
    name: 'pod',
    label: 'Pod',
    seriesLabel: label('pod'),
    description: 'Kubernetes or Podman pod (All includes containers in no pod).',
  },
  container: {
    name: 'container',
    label: 'Container',
    seriesLabel: label('container'),
    description: 'Kubernetes container name within its pod.',
  },
  name: {
    name: 'name',
    label: 'Name',
    seriesLabel: label('name'),
    description: "The runtime's container name (Docker, Podman, CRI).",
  },
  composeProject: {
    name: 'compose_project',
    label: 'Compose project',
    seriesLabel: runtimeLabelName('com.docker.compose.project'),
    description: 'Docker Compose project (the runtime label com.docker.compose.project).',
  },
  composeService: {
    name: 'compose_service',
    label: 'Compose service',
    seriesLabel: runtimeLabelName('com.docker.compose.service'),
    description: 'Docker Compose service (the runtime label com.docker.compose.service).',
  },
} as const satisfies Record<string, ContainerVariable>;

/** `label=~"$var"` for each variable: with All (`.*`) it also keeps series without that label. */
export function variableMatchers(variables: readonly ContainerVariable[]): string[] {
  return variables.map((v) => `${v.seriesLabel}=~"$${v.name}"`);
}

/** `family{matchers}`: the one way a dashboard names a metric. */
export function selector(family: MetricFamily, matchers: readonly string[]): string {
  return matchers.length === 0 ? family.name : `${family.name}{${matchers.join(', ')}}`;
}

/** `rate(family{matchers}[$__rate_interval])`. */
export function rate(family: MetricFamily, matchers: readonly string[]): string {
  return `rate(${selector(family, matchers)}[$__rate_interval])`;
}

/**
 * Query variables that narrow each other: each one's values are the label values of `family` under the
 * variables before it. Multi-value, with All as `.*`, so `=~"$var"` matches every container, those
 * without the label included, and a link may set any of them (`var-name=<name>`) and leave the rest at All.
 */
export function containerVariableBuilders(
  variables: readonly ContainerVariable[],
  family: MetricFamily,
  extraMatchers: readonly string[] = []
): dashboard.QueryVariableBuilder[] {
  return variables.map((v, i) => {
    const narrowing = [...extraMatchers, ...variableMatchers(variables.slice(0, i))];
    const query = `label_values(${selector(family, narrowing)}, ${v.seriesLabel})`;
    return new dashboard.QueryVariableBuilder(v.name)
      .label(v.label)
      .description(v.description)
      .datasource(DATASOURCE)
      .query(query)
      .definition(query)
      .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
      .sort(dashboard.VariableSort.AlphabeticalCaseInsensitiveAsc)
      .multi(true)
      .includeAll(true)
      .allValue('.*')
      .current({ text: ['All'], value: ['$__all'] });
  });
}

/** A Prometheus query on the provisioned data source, in code mode. */
export function promQuery(refId: string, expr: string): prometheus.DataqueryBuilder {
  return new prometheus.DataqueryBuilder()
    .refId(refId)
    .datasource(DATASOURCE)
    .editorMode(prometheus.QueryEditorMode.Code)
    .expr(expr);
}

/** Green, then each [value, colour] step. */
export function thresholds(...steps: Array<[number, string]>): dashboard.ThresholdsConfigBuilder {
  return new dashboard.ThresholdsConfigBuilder()
    .mode(dashboard.ThresholdsMode.Absolute)
    .steps([{ value: null, color: 'green' }, ...steps.map(([value, color]) => ({ value, color }))]);
}

/**
 * A link (a dashboard's, or a data link in a field config). The SDK's DashboardLinkBuilder defaults
 * `placement` to the controls menu, which would tuck a dashboard link away in a dropdown: this one leaves it
 * where Grafana shows links by default.
 */
export class LinkBuilder extends dashboard.DashboardLinkBuilder {
  constructor(title: string, url: string) {
    super(title);
    this.url(url);
    delete this.internal.placement;
  }
}

/** `/d/<uid>/<slug>`, the path Grafana serves a dashboard at (the slug is its title's). */
/**
 * What both dashboards share: uid, title, description and tags, editable, a shared crosshair, a 30 s refresh
 * over the last hour in the browser's time zone, and a link to the other dashboard that keeps the variables
 * and the time range.
 */
export function isoscopeDashboard(opts: {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  /** The other dashboard: its uid and title, and the link's own title and tooltip. */
  other: { uid: string; title: string; linkTitle: string; tooltip: string };
}): dashboard.DashboardBuilder {
  return (
    new dashboard.DashboardBuilder(opts.title)
      .uid(opts.uid)
      .description(opts.description)
      .tags(opts.tags)
      .editable()
      .tooltip(dashboard.DashboardCursorSync.Crosshair)
      .refresh('30s')
      .time({ from: 'now-1h', to: 'now' })
      .timezone('browser')
      // an empty list, as Grafana writes one (it adds its built-in annotations itself)
      .annotations([])
      .link(
        new LinkBuilder(opts.other.linkTitle, dashboardPath(opts.other.uid, opts.other.title))
          .icon('dashboard')
          .tooltip(opts.other.tooltip)
          .includeVars(true)
          .keepTime(true)
      )
  );
}

export function dashboardPath(uid: string, title: string): string {
  const slug = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `/d/${uid}/${slug}`;
}

export const RESOURCES_UID = 'isoscope-resources';
export const RESOURCES_TITLE = 'isoscope: container resources';
export const ISOLATION_UID = 'isoscope-isolation';
export const ISOLATION_TITLE = 'isoscope: container isolation';

/**
 * The resources dashboard for one container, from a data link's variables for its instance and name, e.g.
 * `${__field.labels.instance}` (the container's labels in the isolation panel's links).
 */
export function resourcesLinkUrl(instance: string, name: string): string {
  const v = CONTAINER_VARIABLES;
  return `${dashboardPath(RESOURCES_UID, RESOURCES_TITLE)}?var-${v.instance.name}=${instance}&var-${v.name.name}=${name}&\${__url_time_range}`;
}
