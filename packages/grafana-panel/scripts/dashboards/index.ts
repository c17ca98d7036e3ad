/**
 * Every provisioned dashboard, generated with the Grafana foundation SDK into
 * provisioning/grafana/dashboards/ (repository root): the files, their exact contents, and the PromQL each
 * one holds (for tests that run it). `write.ts` writes or checks them.
 */
import path from 'node:path';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';

import { DASHBOARDS_DIR } from './common';
import * as isolation from './isolation';
import * as resources from './resources';

export interface ProvisionedDashboard {
  /** Absolute path of its JSON file. */
  file: string;
  build: () => dashboard.Dashboard;
}

export const DASHBOARDS = {
  isolation: { file: path.join(DASHBOARDS_DIR, isolation.FILE_NAME), build: isolation.buildIsolationDashboard },
  resources: { file: path.join(DASHBOARDS_DIR, resources.FILE_NAME), build: resources.buildResourcesDashboard },
} as const satisfies Record<string, ProvisionedDashboard>;

/** A file's exact contents: 2-space JSON and a final newline. */
export function dashboardJson(d: ProvisionedDashboard): string {
  return `${JSON.stringify(d.build(), null, 2)}\n`;
}

/** One PromQL expression of a dashboard, and where it sits. */
export interface DashboardQuery {
  /** `panel <id> "<title>" <refId>` or `variable <name>`. */
  where: string;
  /** A target's `expr`, or a query variable's `query` (`label_values(selector, label)`). */
  expr: string;
  kind: 'target' | 'variable';
}

interface PanelJson {
  id?: number;
  title?: string;
  targets?: Array<{ refId?: string; expr?: string }>;
  panels?: PanelJson[];
}

/**
 * Every query of a dashboard's JSON (as parsed from its file): each panel's targets' `expr`, rows'
 * children included, and each query variable's `query`. Variables are Grafana's (`$instance`, `$__rate_interval`):
 * promql.ts's `withVariablesFilled` makes them plain PromQL.
 */
export function dashboardQueries(json: {
  panels?: PanelJson[];
  templating?: { list?: Array<{ name: string; type: string; query?: unknown }> };
}): DashboardQuery[] {
  const panels = (json.panels ?? []).flatMap((p) => [p, ...(p.panels ?? [])]);
  return [
    ...panels.flatMap((p) =>
      (p.targets ?? [])
        .filter((t) => typeof t.expr === 'string')
        .map((t): DashboardQuery => ({ where: `panel ${p.id} "${p.title}" ${t.refId}`, expr: t.expr!, kind: 'target' }))
    ),
    ...(json.templating?.list ?? [])
      .filter((v) => v.type === 'query' && typeof v.query === 'string')
      .map((v): DashboardQuery => ({ where: `variable ${v.name}`, expr: v.query as string, kind: 'variable' })),
  ];
}
