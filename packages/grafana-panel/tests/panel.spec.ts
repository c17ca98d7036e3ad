/**
 * NOT RUN HERE: these specs need the repository's docker-compose.yml stack running (Docker Hub images) and a
 * Playwright browser (`npx playwright install chromium`, a download); isoscope's own machines have neither.
 * CI with Docker runs them: .github/workflows/compose-e2e.yml. How to run them by hand: tests/README.md.
 *
 * The isoscope-isolation-panel in a real Grafana 13.2, on the provisioned dashboard, fed by the compose
 * Prometheus scraping the compose exporter. Expects, besides the compose containers, one container in the
 * host's network namespace named $HOST_NETWORK_CONTAINER (the workflow starts it:
 * `docker run -d --network host --name isoscope-e2e-host-network busybox sleep 3600`).
 */
import { expect, test, type Dashboard } from '@grafana/plugin-e2e';

import plugin from '../src/plugin.json';
import { TEST_IDS } from '../src/components/testIds';
import { describeMissing } from '../src/data/missing';
import type { PanelModel } from '../src/data/types';

const DASHBOARD_FILE = 'isoscope-isolation.json';
const HOST_NETWORK_CONTAINER = process.env.HOST_NETWORK_CONTAINER ?? 'isoscope-e2e-host-network';
/** Prometheus scrapes every 15 s and the derived roles need two samples in $__rate_interval: be patient. */
const DATA_TIMEOUT = 90_000;

/** readProvisionedDashboard returns the whole JSON; plugin-e2e types only uid and title. */
type ProvisionedDashboard = Dashboard & { panels?: Array<{ type: string; title?: string }> };

/** Title of the one panel of the dashboard whose type is this plugin's id. */
function isolationPanelTitle(dashboard: Dashboard): string {
  const panels = ((dashboard as ProvisionedDashboard).panels ?? []).filter((p) => p.type === plugin.id);
  expect(panels).toHaveLength(1);
  return panels[0].title ?? '';
}

/** What the panel says when no container could be built (src/data/missing.ts), up to the first full stop. */
const EMPTY: PanelModel = { containers: [], present: new Set(), unrecognised: [] };
const NO_CONTAINERS = describeMissing(EMPTY).fatal!.split('.')[0];

test.describe('the provisioned isoscope dashboard', () => {
  test('renders the isolation panel with a row per container', async ({
    gotoDashboardPage,
    readProvisionedDashboard,
  }) => {
    const dashboard = await readProvisionedDashboard({ fileName: DASHBOARD_FILE });
    const dashboardPage = await gotoDashboardPage({ uid: dashboard.uid });
    const panel = dashboardPage.getPanelByTitle(isolationPanelTitle(dashboard));

    await expect(panel.locator.getByTestId(TEST_IDS.panel.root)).toBeVisible({ timeout: DATA_TIMEOUT });
    const rows = panel.locator.getByTestId(TEST_IDS.table.containerRow);
    // at least the compose stack's own three containers (exporter, prometheus, grafana) and the host-network one
    await expect.poll(() => rows.count(), { timeout: DATA_TIMEOUT }).toBeGreaterThanOrEqual(4);
    await expect(rows.first().getByTestId(TEST_IDS.strip.root)).toBeVisible();
  });

  test('says "host" in the net cell of a container on the host network', async ({
    gotoDashboardPage,
    readProvisionedDashboard,
  }) => {
    const dashboard = await readProvisionedDashboard({ fileName: DASHBOARD_FILE });
    const dashboardPage = await gotoDashboardPage({ uid: dashboard.uid });
    const panel = dashboardPage.getPanelByTitle(isolationPanelTitle(dashboard));

    const row = panel.locator.getByTestId(TEST_IDS.table.containerRow).filter({ hasText: HOST_NETWORK_CONTAINER });
    await expect(row).toHaveCount(1, { timeout: DATA_TIMEOUT });
    const net = row.getByTestId(TEST_IDS.strip.cell('net'));
    await expect(net).toHaveAttribute('data-state', 'host');
    await expect(net).toHaveAttribute('aria-label', /host/);
    // and not every cell: its mount namespace is its own
    await expect(row.getByTestId(TEST_IDS.strip.cell('mnt'))).not.toHaveAttribute('data-state', 'host');
  });

  test('draws no panel errors', async ({ gotoDashboardPage, readProvisionedDashboard }) => {
    const dashboard = await readProvisionedDashboard({ fileName: DASHBOARD_FILE });
    const dashboardPage = await gotoDashboardPage({ uid: dashboard.uid });
    await expect(dashboardPage).not.toHavePanelErrors();
  });
});

test.describe('the panel on its own', () => {
  test('shows PanelDataErrorView, saying what it expects, when the query is empty', async ({
    panelEditPage,
    selectors,
  }) => {
    // a new dashboard with one panel: query A on the default data source (the provisioned Prometheus), no expr
    await panelEditPage.setVisualization(plugin.name);
    const error = panelEditPage.getByGrafanaSelector(selectors.components.Panels.Panel.PanelDataErrorMessage);
    await expect(error).toBeVisible();
    await expect(error).toContainText(NO_CONTAINERS);
    await expect(panelEditPage.panel.locator.getByTestId(TEST_IDS.table.containerRow)).toHaveCount(0);
  });
});
