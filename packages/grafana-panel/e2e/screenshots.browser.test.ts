/**
 * The documentation's screenshots of the built panel in Chromium (the same page as layout.browser.test.ts:
 * dist/module.js loaded as Grafana loads it, host/host.tsx), on the synthetic fleet (support/fleet.ts):
 * 2,000 containers wide, at 600px, compact and in the light theme, and the panel of each provisioned
 * dashboard with the options, field config and targets of its committed JSON.
 *
 * Each shot is also a check: the panel shows the containers it was given, fits its screen (no part of it
 * outside the picture, no table scrolling sideways) and logs no error. A normal run writes the pictures
 * to $TMPDIR/isoscope-screenshots/ (overwritten each run); `UPDATE_SCREENSHOT=1` writes them to
 * docs/screenshots/ (look at them before committing). Needs the panel's build (dist/module.js) and
 * Debian's chromium.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FieldConfigSource } from '@grafana/data';
import type { Page } from 'playwright-core';

import type { MountInput } from './host/host';
import { queryResponse, type PromTarget } from './promToFrames';
import { fleetAnswers, type FleetOptions } from './support/fleet';
import { HostPage, PANEL_AND_BROWSER, PANEL_DIR, PLUGIN_ID, requireFiles } from './support/hostPage';
import { panelTargets, RANGE_MS, STEP_MS } from './support/targets';

jest.setTimeout(240_000);

const REPO_ROOT = path.resolve(PANEL_DIR, '..', '..');
const DASHBOARDS = path.join(REPO_ROOT, 'provisioning', 'grafana', 'dashboards');
const DOCS_SCREENSHOTS = path.join(REPO_ROOT, 'docs', 'screenshots');
/** Grafana's dashboard grid: rows of 30px with 8px between them. */
const gridHeight = (h: number) => h * 30 + (h - 1) * 8;
/** The host page pads the panel 8px a side. */
const PAGE_PADDING = 16;

interface DashboardPanel {
  title: string;
  options: Record<string, unknown>;
  fieldConfig?: FieldConfigSource;
  gridPos: { h: number };
  targets: Array<{ refId: string; expr: string; instant?: boolean; format?: string; legendFormat?: string }>;
}

/** The isoscope panel of a committed dashboard file. */
function dashboardPanel(file: string): DashboardPanel {
  const board = JSON.parse(fs.readFileSync(path.join(DASHBOARDS, file), 'utf8'));
  const panels = board.panels.flatMap((p: { panels?: unknown[] }) => [p, ...(p.panels ?? [])]);
  const panel = panels.find((p: { type: string }) => p.type === PLUGIN_ID);
  if (!panel) {
    throw new Error(`${file} has no ${PLUGIN_ID}`);
  }
  return panel;
}

/** A dashboard's targets as the harness's queries (their variables left in: only the answers matter). */
function asPromTargets(panel: DashboardPanel): PromTarget[] {
  return panel.targets.map((t) => ({
    refId: t.refId,
    expr: t.expr,
    instant: t.instant === true,
    format: t.format === 'table' ? 'table' : 'time_series',
    legendFormat: t.legendFormat,
  }));
}

interface Shot {
  file: string;
  title: string;
  viewport: { width: number; height: number };
  theme: 'dark' | 'light';
  targets: PromTarget[];
  fleet: number;
  /** Containers picked from the fleet (a dashboard's variables). */
  select?: FleetOptions['select'];
  /** How many containers the panel shows. */
  shown: number;
  options: Record<string, unknown>;
  fieldConfig?: FieldConfigSource;
}

const FLEET = 2000;
const isolationPanel = dashboardPanel('isoscope-isolation.json');
const resourcesPanel = dashboardPanel('isoscope-resources.json');
/** What the resources dashboard's variables pick: two pods, of two and three containers, on one host. */
const RESOURCES_PICK = { instance: ['node-0:9820'], pod: ['pod-0', 'pod-2'] };

const SHOTS: Shot[] = [
  ...(
    [
      ['fleet-2000-wide.png', { width: 1600, height: 900 }, 'dark', {}],
      ['fleet-2000-600px.png', { width: 600, height: 900 }, 'dark', {}],
      ['fleet-2000-compact.png', { width: 1600, height: 900 }, 'dark', { compact: true }],
      ['fleet-2000-light.png', { width: 1600, height: 900 }, 'light', {}],
    ] as const
  ).map(([file, viewport, theme, options]): Shot => ({
    file,
    title: 'Containers: isolation and usage against limits',
    viewport,
    theme,
    targets: panelTargets(),
    fleet: FLEET,
    shown: FLEET,
    options,
  })),
  {
    file: 'dashboard-isolation-panel.png',
    title: isolationPanel.title,
    viewport: { width: 1600, height: gridHeight(isolationPanel.gridPos.h) + PAGE_PADDING },
    theme: 'dark',
    targets: asPromTargets(isolationPanel),
    fleet: 200,
    shown: 200,
    options: isolationPanel.options,
    fieldConfig: isolationPanel.fieldConfig,
  },
  {
    file: 'dashboard-resources-panel.png',
    title: resourcesPanel.title,
    viewport: { width: 1600, height: gridHeight(resourcesPanel.gridPos.h) + PAGE_PADDING },
    theme: 'dark',
    targets: asPromTargets(resourcesPanel),
    fleet: 200,
    select: RESOURCES_PICK,
    shown: 5,
    options: resourcesPanel.options,
    fieldConfig: resourcesPanel.fieldConfig,
  },
];

const host = new HostPage('screenshots');
let outDir: string;
let page: Page;

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
  const head = fs.readFileSync(file).subarray(0, 24);
  return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
}

beforeAll(async () => {
  requireFiles(PANEL_AND_BROWSER);
  // one temp folder, overwritten by each run, so the last run's pictures are there to look at
  outDir = process.env.UPDATE_SCREENSHOT ? DOCS_SCREENSHOTS : path.join(os.tmpdir(), 'isoscope-screenshots');
  await fsp.mkdir(outDir, { recursive: true });
  page = await host.open({ viewport: SHOTS[0].viewport });
});

afterAll(async () => {
  if (!process.env.UPDATE_SCREENSHOT && outDir) {
    console.log(`screenshots in ${outDir} (UPDATE_SCREENSHOT=1 writes docs/screenshots/)`);
  }
  await host.close();
});

describe.each(SHOTS.map((s) => [s.file, s] as const))('%s', (_file, shot) => {
  it(`shows its ${shot.shown} containers whole within ${shot.viewport.width}×${shot.viewport.height}, and is saved`, async () => {
    const end = Date.now();
    const answers = fleetAnswers(shot.targets, shot.fleet, end, STEP_MS, { select: shot.select });
    await page.setViewportSize(shot.viewport);
    const input: MountInput = {
      moduleUrl: `/public/plugins/${PLUGIN_ID}/module.js`,
      title: shot.title,
      response: JSON.stringify(queryResponse(answers)),
      targets: shot.targets,
      from: end - RANGE_MS,
      to: end,
      width: shot.viewport.width - PAGE_PADDING,
      height: shot.viewport.height - PAGE_PADDING,
      options: shot.options,
      fieldConfig: shot.fieldConfig,
      theme: shot.theme,
    };
    await page.evaluate((i) => window.isoscopeHost.mount(i), input);
    await page.getByText(`${shot.shown} containers`, { exact: true }).first().waitFor({ timeout: 60_000 });
    // fonts and icons loaded, and a frame drawn with them
    await page.evaluate(() => document.fonts.ready.then(() => new Promise(requestAnimationFrame)));

    const fit = await page.evaluate(() => {
      const panel = document.querySelector<HTMLElement>('[data-testid="isoscope-panel"]')!.getBoundingClientRect();
      const scroller = document.querySelector<HTMLElement>('[data-testid="isoscope-table-scroller"]')!;
      return {
        right: Math.ceil(panel.right) <= window.innerWidth,
        bottom: Math.ceil(panel.bottom) <= window.innerHeight,
        scrollsSideways: scroller.scrollWidth > scroller.clientWidth,
      };
    });
    expect(fit).toEqual({ right: true, bottom: true, scrollsSideways: false });

    const file = path.join(outDir, shot.file);
    await page.screenshot({ path: file, fullPage: false });
    expect(pngSize(file)).toEqual(shot.viewport);
    expect(host.problems).toEqual([]);
  });
});
