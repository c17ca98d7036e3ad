/**
 * The panel at fleet scale in Chromium: the fleet summary's toggles filter the rows, a 600px panel says
 * which columns it hides and cuts no cell's text, axe-core stays clean with the summary (pressed or not) in
 * both themes, and the summary's toggles are tab stops of their own before the grid's one.
 *
 * The same page as a11y.browser.test.ts: dist/module.js loaded as Grafana loads it (host/host.tsx), on the
 * synthetic fleet (support/fleet.ts). Needs the panel's build (dist/module.js) and Debian's chromium.
 */
import type { AxeResults, Result } from 'axe-core';
import type { Page } from 'playwright-core';

import type { MountInput } from './host/host';
import { queryResponse } from './promToFrames';
import { fleetAnswers } from './support/fleet';
import { HostPage, PANEL_AND_BROWSER, PLUGIN_ID, requireFiles } from './support/hostPage';
import { panelTargets, RANGE_MS, STEP_MS } from './support/targets';

jest.setTimeout(240_000);

const FLEET = 120;
/** A 600px screen, the panel as wide as it leaves (the host page pads 8px a side). */
const NARROW = { width: 600, height: 700 };
const WIDE = { width: 1400, height: 700 };

const host = new HostPage('layout');
let page: Page;

const targets = panelTargets();
const end = Date.now();
const response = queryResponse(fleetAnswers(targets, FLEET, end, STEP_MS));

async function mount(
  viewport: { width: number; height: number },
  theme: 'dark' | 'light',
  options: Record<string, unknown> = {}
): Promise<void> {
  await page.setViewportSize(viewport);
  const input: MountInput = {
    moduleUrl: `/public/plugins/${PLUGIN_ID}/module.js`,
    title: 'Container isolation',
    response,
    targets,
    from: end - RANGE_MS,
    to: end,
    width: viewport.width - 16,
    height: viewport.height - 16,
    options,
    theme,
  };
  await page.evaluate((i) => window.isoscopeHost.mount(i), input);
  await page.getByText(`${FLEET} containers`, { exact: true }).first().waitFor({ timeout: 30_000 });
}

async function seriousViolations(): Promise<{ count: number; text: string }> {
  const results = await page.evaluate(
    () =>
      window.axe.run(document.getElementById('root')!, {
        resultTypes: ['violations'],
        rules: { region: { enabled: false } },
      }) as Promise<AxeResults>
  );
  const bad = results.violations.filter((v: Result) => v.impact === 'serious' || v.impact === 'critical');
  const lines = bad.flatMap((v) => [
    `${v.id} (${v.impact}, ${v.nodes.length} nodes): ${v.help}`,
    ...v.nodes.slice(0, 8).map((n) => `  ${n.target.join(' ')}: ${n.failureSummary?.replace(/\s+/g, ' ')}`),
  ]);
  return { count: bad.reduce((s, v) => s + v.nodes.length, 0), text: lines.join('\n') };
}

const toggle = (label: string) =>
  page.getByTestId('isoscope-summary').getByRole('button', { name: new RegExp(`^\\d+ ${label}`) });

/** The number a toggle counts ("12 host network" → 12). */
async function countOf(label: string): Promise<number> {
  const text = (await toggle(label).textContent()) ?? '';
  return Number(/^\s*(\d+)/.exec(text)![1]);
}

const shownCount = () => page.getByTestId('isoscope-panel-count').textContent();

/** The aria-labels of the net and pid cells and the security risks of every drawn container row. */
function drawnRows() {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLElement>('[data-testid="isoscope-table-container-row"]')).map((row) => {
      const cell = (type: string) =>
        row.querySelector(`[data-testid="isoscope-strip-cell-${type}"]`)?.getAttribute('aria-label') ?? '';
      const badges = Array.from(row.querySelectorAll('[data-testid^="isoscope-badge-"]'));
      const risks = badges
        .filter((b) => b.getAttribute('data-testid') !== 'isoscope-badges-more')
        .map((b) => b.getAttribute('aria-label')!.split(':')[0]);
      const more = row.querySelector('[data-testid="isoscope-badges-more"]')?.getAttribute('aria-label');
      if (more) {
        risks.push(...more.replace(/^\d+ more: /, '').split(', '));
      }
      return { key: row.dataset.key!, net: cell('net'), pid: cell('pid'), risks };
    })
  );
}

/**
 * Text that does not fit its box in the drawn rows and the header: any element in a cell (the cell itself
 * included) whose content is wider than its box, any badge outside its cell, and a table wider than its
 * scroller. The name column may cut a long name (its tooltip says it whole), no other.
 */
function overflowing() {
  return page.evaluate(() => {
    const problems: string[] = [];
    const scroller = document.querySelector<HTMLElement>('[data-testid="isoscope-table-scroller"]')!;
    if (scroller.scrollWidth > scroller.clientWidth) {
      problems.push(`the table scrolls sideways: ${scroller.scrollWidth} > ${scroller.clientWidth}`);
    }
    const cells = Array.from(
      document.querySelectorAll<HTMLElement>(
        '[data-testid="isoscope-table-container-row"] td, table[role="grid"] thead th'
      )
    );
    for (const cell of cells) {
      const box = cell.getBoundingClientRect();
      for (const el of [cell, ...Array.from(cell.querySelectorAll<HTMLElement>('*'))]) {
        // (clientWidth 1: text for screen readers only, drawn nowhere)
        if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 1) {
          problems.push(
            `${el.tagName.toLowerCase()} "${el.textContent!.trim().slice(0, 30)}" ${el.scrollWidth} > ${el.clientWidth}`
          );
        }
      }
      for (const badge of Array.from(
        cell.querySelectorAll<HTMLElement>('[role="img"][data-testid^="isoscope-badge"]')
      )) {
        const r = badge.getBoundingClientRect();
        if (r.right > box.right + 0.5 || r.bottom > box.bottom + 0.5 || r.left < box.left - 0.5) {
          problems.push(`badge "${badge.textContent}" outside its cell`);
        }
      }
    }
    return problems;
  });
}

beforeAll(async () => {
  requireFiles(PANEL_AND_BROWSER);
  page = await host.open({ viewport: WIDE, axe: true });
});

afterAll(() => host.close());

describe(`the fleet summary on ${FLEET} containers`, () => {
  // tall enough to draw every row: the checks read all of them
  beforeAll(() => mount({ width: 1400, height: 20_000 }, 'dark', { groupBy: 'none' }));

  it('filters the rows to what a toggle counts, and releases them when pressed again', async () => {
    const hostNet = await countOf('host network');
    expect(hostNet).toBeGreaterThan(0);
    expect(hostNet).toBeLessThan(FLEET);
    await toggle('host network').click();
    await expect(toggle('host network').getAttribute('aria-pressed')).resolves.toBe('true');
    await expect(shownCount()).resolves.toBe(`${hostNet} of ${FLEET} containers`);
    const rows = await drawnRows();
    expect(rows).toHaveLength(hostNet);
    expect(rows.every((r) => /^net: the host's/.test(r.net))).toBe(true);
    await toggle('host network').click();
    await expect(shownCount()).resolves.toBe(`${FLEET} containers`);
  });

  it('combines toggles with AND: the rows are in the host network and the host PID namespace both', async () => {
    const net = await countOf('host network');
    const pid = await countOf('host PID');
    await toggle('host network').click();
    await toggle('host PID').click();
    const rows = await drawnRows();
    expect(rows.length).toBeLessThanOrEqual(Math.min(net, pid));
    expect(rows.every((r) => /^net: the host's/.test(r.net) && /^pid: the host's/.test(r.pid))).toBe(true);
    // counts are of the whole fleet, whatever is pressed
    await expect(countOf('host network')).resolves.toBe(net);
    await page.getByRole('button', { name: 'Show all' }).click();
    await expect(shownCount()).resolves.toBe(`${FLEET} containers`);
    expect(host.problems).toEqual([]);
  });
});

describe('a 600px panel', () => {
  let wideRisks: Map<string, string[]>;

  beforeAll(async () => {
    // every row's risks, where the security column is wide enough for every badge
    await mount({ width: 1400, height: 20_000 }, 'dark', { groupBy: 'none' });
    wideRisks = new Map((await drawnRows()).map((r) => [r.key, r.risks]));
  });

  it.each([
    ['dark', {}],
    ['light', { groupBy: 'none' }],
    ['dark', { compact: true, groupBy: 'none' }],
  ] as const)('in the %s theme (options %j) names the hidden columns and cuts no text', async (theme, options) => {
    await mount({ ...NARROW, height: 20_000 }, theme, options);
    const panelWidth = await page.getByTestId('isoscope-panel').evaluate((el) => el.getBoundingClientRect().width);
    console.log(`a 600px screen leaves the panel ${panelWidth}px`);
    const sign = page.getByTestId('isoscope-panel-hidden-columns');
    await expect(sign.isVisible()).resolves.toBe(true);
    await expect(sign.textContent()).resolves.toMatch(/^\+\d+ columns hidden: memory, tasks(, |$)/);
    const headers = await page.locator('table[role="grid"] thead th').allTextContents();
    expect(headers.map((h) => h.replace(/[↑↓]/g, '').replace('throttled', '').trim())).toEqual([
      'Container',
      'Isolation',
      'Security',
      'CPU',
    ]);
    const problems = await overflowing();
    if (problems.length > 0) {
      throw new Error(`${problems.length} cut or overflowing:\n${problems.slice(0, 20).join('\n')}`);
    }
    // no risk vanished: each row names the same ones as on a wide panel, as badges or in its "+n"
    const rows = await drawnRows();
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect({ key: r.key, risks: r.risks }).toEqual({ key: r.key, risks: wideRisks.get(r.key) });
    }
    const axe = await seriousViolations();
    if (axe.count > 0) {
      throw new Error(`${axe.count} serious or critical axe violations (${theme}):\n${axe.text}`);
    }
    expect(host.problems).toEqual([]);
  });
});

describe('axe-core and the keyboard with the summary', () => {
  it.each(['dark', 'light'] as const)(
    'finds no serious or critical violation in the %s theme with a toggle pressed',
    async (theme) => {
      await mount(WIDE, theme);
      await toggle('throttled').click();
      // the button's colours change with a transition: let it end, and the pointer not hover it
      await page.mouse.move(0, 0);
      await page.waitForFunction(() => document.getAnimations().length === 0);
      const axe = await seriousViolations();
      if (axe.count > 0) {
        throw new Error(`${axe.count} serious or critical axe violations (${theme}):\n${axe.text}`);
      }
    }
  );

  it('makes each toggle a tab stop before the grid, and the grid still one', async () => {
    await mount(WIDE, 'dark');
    await page.getByLabel('Compact').first().focus();
    const stops: string[] = [];
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      const where = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        if (el.closest('table[role="grid"]')) {
          return 'grid';
        }
        return el.closest('[data-testid="isoscope-summary"]') && el.getAttribute('aria-pressed') !== null
          ? `toggle ${el.textContent!.trim()}`
          : `other ${el.tagName}`;
      });
      stops.push(where);
      if (where === 'grid') {
        break;
      }
    }
    expect(stops).toHaveLength(9);
    expect(stops.slice(0, 8).every((s) => s.startsWith('toggle '))).toBe(true);
    expect(stops[8]).toBe('grid');
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => !!document.activeElement?.closest('table[role="grid"]'))).resolves.toBe(false);
    // Space presses a toggle as a button does
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Space');
    await expect(toggle('memory ≥ 90%').getAttribute('aria-pressed')).resolves.toBe('true');
    expect(host.problems).toEqual([]);
  });
});
