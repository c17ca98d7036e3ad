/**
 * Accessibility of the built panel in Chromium: axe-core on the page in both of Grafana's themes, and the
 * keyboard as a person uses it (Tab into and past the table, arrow keys, sorting with Enter and Space,
 * focus kept while the focused row scrolls out of the window).
 *
 * The panel is dist/module.js loaded as Grafana loads it (host/host.tsx, as panel.browser.test.ts), on a
 * synthetic fleet of FLEET containers (support/fleet.ts) shaped as the exporter's series through
 * Prometheus and Grafana's data source: enough rows to virtualise, and no engine to start. Needs the
 * panel's build (dist/module.js) and Debian's chromium; not root.
 *
 * The axe test fails on any violation of impact serious or critical and prints each one with its nodes.
 */
import type { AxeResults, Result } from 'axe-core';
import type { Page } from 'playwright-core';

import type { MountInput } from './host/host';
import { queryResponse } from './promToFrames';
import { fleetAnswers } from './support/fleet';
import { HostPage, PANEL_AND_BROWSER, PLUGIN_ID, requireFiles } from './support/hostPage';
import { panelTargets, RANGE_MS, STEP_MS } from './support/targets';

jest.setTimeout(240_000);

const VIEWPORT = { width: 1400, height: 700 };
const FLEET = 200;

const host = new HostPage('a11y');
let page: Page;

const targets = panelTargets();
const end = Date.now();
// as JSON text: playwright serialises an object argument value by value, which is slow at this size
const response = JSON.stringify(queryResponse(fleetAnswers(targets, FLEET, end, STEP_MS)));

/** Mounts the panel afresh with the fleet, in `theme`, with `options` over the defaults. */
async function mount(theme: 'dark' | 'light', options: Record<string, unknown> = {}): Promise<void> {
  const input: MountInput = {
    moduleUrl: `/public/plugins/${PLUGIN_ID}/module.js`,
    title: 'Container isolation',
    response,
    targets,
    from: end - RANGE_MS,
    to: end,
    width: VIEWPORT.width - 16,
    height: VIEWPORT.height - 16,
    options,
    theme,
  };
  const t0 = Date.now();
  await page.evaluate((i) => window.isoscopeHost.mount(i), input);
  await page.getByText(`${FLEET} containers`, { exact: true }).first().waitFor({ timeout: 15_000 });
  console.log(`mounted ${FLEET} containers (${theme}) in ${Date.now() - t0} ms`);
}

/** Serious and critical axe violations on the panel, one readable line per node. */
async function seriousViolations(): Promise<{ count: number; text: string; byRule: Record<string, number> }> {
  const results = await page.evaluate(
    () =>
      window.axe.run(document.getElementById('root')!, {
        resultTypes: ['violations'],
        // the panel, not the host page around it (its <html lang>, <title>, landmarks are Grafana's)
        rules: { region: { enabled: false } },
      }) as Promise<AxeResults>
  );
  const bad = results.violations.filter((v: Result) => v.impact === 'serious' || v.impact === 'critical');
  const byRule: Record<string, number> = {};
  const lines: string[] = [];
  for (const v of bad) {
    byRule[v.id] = v.nodes.length;
    lines.push(`${v.id} (${v.impact}, ${v.nodes.length} nodes): ${v.help}`);
    for (const n of v.nodes.slice(0, 8)) {
      lines.push(`  ${n.target.join(' ')}: ${n.failureSummary?.replace(/\s+/g, ' ')}`);
    }
  }
  return { count: bad.reduce((s, v) => s + v.nodes.length, 0), text: lines.join('\n'), byRule };
}

/** What has the focus: its row's aria-rowindex, its grid column, its text; or where it fell. */
function focused() {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    const inTable = !!el?.closest('table[role="grid"]');
    const row = el?.closest('tr')?.getAttribute('aria-rowindex');
    return {
      inTable,
      tag: el?.tagName.toLowerCase(),
      rowIndex: row ? Number(row) : undefined,
      col: el?.dataset.gridCol !== undefined ? Number(el.dataset.gridCol) : undefined,
      text: (el?.textContent ?? '').trim().slice(0, 40),
    };
  });
}

beforeAll(async () => {
  requireFiles(PANEL_AND_BROWSER);
  page = await host.open({ viewport: VIEWPORT, axe: true });
});

afterAll(() => host.close());

describe(`axe-core on the panel with ${FLEET} containers`, () => {
  it.each([
    ['dark', {}],
    ['light', {}],
    ['dark', { compact: true, groupBy: 'none', showNetworkIo: true }],
    ['light', { compact: true, groupBy: 'none', showNetworkIo: true }],
  ] as const)('finds no serious or critical violation in the %s theme (options %j)', async (theme, options) => {
    await mount(theme, options);
    const found = await seriousViolations();
    console.log(`axe, ${theme} theme, options ${JSON.stringify(options)}: ${JSON.stringify(found.byRule)}`);
    if (found.count > 0) {
      throw new Error(`${found.count} serious or critical axe violations (${theme}):\n${found.text}`);
    }
    expect(host.problems).toEqual([]);
  });
});

// On the last mount above (light, compact, flat).
describe('the table with the keyboard', () => {
  it('is one tab stop: Tab goes into it and the next Tab past it', async () => {
    const stops = await page.evaluate(
      () =>
        document.querySelectorAll('table[role="grid"] [tabindex="0"], table[role="grid"] a[href]:not([tabindex])')
          .length
    );
    expect(stops).toBe(1);
    // the last control before the table (the fleet summary's last toggle: layout.browser.test.ts checks
    // each toggle is a stop of its own), then Tab
    await page.getByTestId('isoscope-summary').getByRole('button').last().focus();
    await page.keyboard.press('Tab');
    await expect(focused()).resolves.toMatchObject({
      inTable: true,
      tag: 'button',
      text: expect.stringContaining('Container'),
    });
    await page.keyboard.press('Tab');
    await expect(focused()).resolves.toMatchObject({ inTable: false });
    // and Shift+Tab comes back to the same stop
    await page.keyboard.press('Shift+Tab');
    await expect(focused()).resolves.toMatchObject({ inTable: true, tag: 'button' });
  });

  it('moves between rows and cells with the arrow keys, Home and End', async () => {
    await page.keyboard.press('ArrowDown');
    await expect(focused()).resolves.toMatchObject({ inTable: true, rowIndex: 2, col: 0 });
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowRight');
    await expect(focused()).resolves.toMatchObject({ rowIndex: 3, col: 1 });
    await page.keyboard.press('End');
    const last = await focused();
    expect(last.col).toBeGreaterThan(3);
    await page.keyboard.press('Home');
    await expect(focused()).resolves.toMatchObject({ rowIndex: 3, col: 0 });
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await expect(focused()).resolves.toMatchObject({ rowIndex: 1, tag: 'button' });
  });

  it('sorts with Enter and Space on a header', async () => {
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('ArrowRight');
    await expect(focused()).resolves.toMatchObject({ rowIndex: 1, text: expect.stringContaining('Isolation') });
    await page.keyboard.press('Enter');
    const sortOf = () => page.evaluate(() => document.activeElement?.closest('th')?.getAttribute('aria-sort') ?? null);
    await page.waitForFunction(() => document.activeElement?.closest('th')?.getAttribute('aria-sort') === 'descending');
    await page.keyboard.press('Space');
    await page.waitForFunction(() => document.activeElement?.closest('th')?.getAttribute('aria-sort') === 'ascending');
    await expect(sortOf()).resolves.toBe('ascending');
    // the focus stayed on the header through both re-renders
    await expect(focused()).resolves.toMatchObject({ inTable: true, rowIndex: 1 });
  });

  it('keeps the focus on its cell while the row scrolls out of the window, and scrolls it back on a move', async () => {
    await page.keyboard.press('ArrowDown');
    // the column the sort left it in
    await expect(focused()).resolves.toMatchObject({ rowIndex: 2, col: 1 });
    const scroller = page.getByTestId('isoscope-table-scroller');
    await scroller.evaluate((el) => {
      el.scrollTop = el.scrollHeight;
      el.dispatchEvent(new Event('scroll'));
    });
    // the window has moved to the last rows…
    await page.waitForFunction((n) => !!document.querySelector(`tr[aria-rowindex="${n}"]`), FLEET + 1);
    // …and the focused row is still there, focused
    await expect(focused()).resolves.toMatchObject({ inTable: true, rowIndex: 2, col: 1 });
    await page.keyboard.press('ArrowDown');
    await expect(focused()).resolves.toMatchObject({ inTable: true, rowIndex: 3 });
    const inView = await page.evaluate(() => {
      const cell = document.activeElement!.getBoundingClientRect();
      const box = document.querySelector('[data-testid="isoscope-table-scroller"]')!.getBoundingClientRect();
      return cell.top >= box.top && cell.bottom <= box.bottom;
    });
    expect(inView).toBe(true);
    // Ctrl+End: the last row, drawn and focused
    await page.keyboard.press('Control+End');
    await expect(focused()).resolves.toMatchObject({ inTable: true, rowIndex: FLEET + 1 });
    expect(host.problems).toEqual([]);
  });
});
