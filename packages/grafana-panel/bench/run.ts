/**
 * The panel's benchmark (`npm run bench` in this package): the built dist/module.js in Debian's Chromium,
 * mounted by the e2e host (e2e/host/host.tsx, built for production) on the synthetic fleet
 * (e2e/support/fleet.ts, through promToFrames.ts as Grafana shapes it), at 20, 200 and 2,000 containers.
 * Per size: first paint, a data refresh, a sort, a filter (each from the change to the paint that shows
 * it, measured in the page: e2e/host/probe.ts), scrolling frame times, JS heap and DOM nodes. Writes the
 * results block of docs/benchmarks.md ("The panel"). Not a test: no threshold fails it.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, CDPSession, Page } from 'playwright-core';

import { buildHost } from '../e2e/host/buildHost';
import type { Measured } from '../e2e/host/probe';
import { queryResponse } from '../e2e/promToFrames';
import { CHROMIUM, launchChromium } from '../e2e/support/chromium';
import { fleetAnswers } from '../e2e/support/fleet';
import { startStaticServer, type StaticServer } from '../e2e/support/staticServer';
import { panelTargets, RANGE_MS, STEP_MS } from '../e2e/support/targets';
import { parseFlags, type BenchOptions } from './options';
import { report, writeDocs, type Machine, type SizeResult } from './report';

const PLUGIN_ID = 'isoscope-isolation-panel';
const PANEL_DIR = path.resolve(__dirname, '..');
const DIST = path.join(PANEL_DIR, 'dist');
const DOCS = path.resolve(PANEL_DIR, '../../docs/benchmarks.md');
/** A wide dashboard panel: every default column fits (README's breakpoints). */
const VIEWPORT = { width: 1400, height: 900 };
/** The sort keys clicked in turn: from the default (name, ascending) each click changes a header's aria-sort. */
const SORT_CYCLE = ['cpu', 'isolation', 'memory', 'name'];
/** Matches the Kubernetes namespace of about a fifth of the pods' containers. */
const FILTER_TEXT = 'team-1';

const median = (xs: number[]) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1];

/** Medians of each figure over the repeats. */
function summarise(ms: Measured[]): SizeResult['firstPaint'] {
  return {
    toPaint: median(ms.map((m) => m.toPaint)),
    panelToPaint: median(ms.map((m) => m.panelToPaint ?? NaN)),
    panelRender: median(ms.map((m) => m.panelRender)),
    overrides: median(ms.map((m) => m.host.fieldOverrides ?? 0)),
    longestTask: median(ms.map((m) => Math.max(0, ...m.longTasks))),
  };
}

async function heap(cdp: CDPSession): Promise<{ usedMiB: number; nodes: number }> {
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const get = (name: string) => metrics.find((m) => m.name === name)?.value ?? NaN;
  return { usedMiB: get('JSHeapUsedSize') / 2 ** 20, nodes: get('Nodes') };
}

async function benchSize(page: Page, cdp: CDPSession, n: number, opts: BenchOptions): Promise<SizeResult> {
  const targets = panelTargets();
  const end = Date.now();
  const t0 = performance.now();
  const response = queryResponse(fleetAnswers(targets, n, end, STEP_MS));
  const nodeMs = performance.now() - t0;
  const t1 = performance.now();
  await page.evaluate(([key, r]) => window.isoscopeBench.keep(key, r), [`${n}:0`, JSON.stringify(response)] as const);
  console.log(
    `  ${n}: answers and backend frames ${nodeMs.toFixed(0)} ms in node, to the page ${(performance.now() - t1).toFixed(0)} ms`
  );
  for (let tick = 1; tick <= opts.repeat; tick++) {
    const r = queryResponse(fleetAnswers(targets, n, end + tick * STEP_MS, STEP_MS, { tick }));
    await page.evaluate(([key, body]) => window.isoscopeBench.keep(key, body), [
      `${n}:${tick}`,
      JSON.stringify(r),
    ] as const);
  }
  const input = {
    moduleUrl: `/public/plugins/${PLUGIN_ID}/module.js`,
    title: 'Container isolation',
    responseKey: `${n}:0`,
    targets,
    from: end - RANGE_MS,
    to: end,
    width: VIEWPORT.width - 16,
    height: VIEWPORT.height - 16,
  };

  const mounts: Measured[] = [];
  const decode: number[] = [];
  const transform: number[] = [];
  for (let i = 0; i < opts.repeat; i++) {
    await cdp.send('HeapProfiler.collectGarbage');
    const { mounted, measured } = await page.evaluate((x) => window.isoscopeBench.mount(x), input);
    mounts.push(measured);
    decode.push(mounted.timings.decodeMs);
    transform.push(mounted.timings.transformMs);
  }
  await page.waitForTimeout(300);
  const memory = await heap(cdp);
  const dom = await page.evaluate(() => window.isoscopeBench.domNodes());

  const refreshes: Measured[] = [];
  for (let tick = 1; tick <= opts.repeat; tick++) {
    await cdp.send('HeapProfiler.collectGarbage');
    const { measured } = await page.evaluate((x) => window.isoscopeBench.refresh(x), {
      responseKey: `${n}:${tick}`,
      targets,
    });
    refreshes.push(measured);
  }

  const sorts: Measured[] = [];
  for (let i = 0; i < Math.max(opts.repeat, SORT_CYCLE.length); i++) {
    sorts.push(await page.evaluate((key) => window.isoscopeBench.sort(key), SORT_CYCLE[i % SORT_CYCLE.length]));
  }
  // back to the default order for the scroll
  while (
    (await page.getByTestId('isoscope-table-sort-name').locator('xpath=ancestor::th').getAttribute('aria-sort')) !==
    'ascending'
  ) {
    await page.evaluate(() => window.isoscopeBench.sort('name'));
  }

  const filters: Measured[] = [];
  const clears: Measured[] = [];
  let shown = '';
  for (let i = 0; i < opts.repeat; i++) {
    const f = await page.evaluate((text) => window.isoscopeBench.filter(text), FILTER_TEXT);
    shown = f.count;
    filters.push(f);
    clears.push(await page.evaluate(() => window.isoscopeBench.filter('')));
  }

  await page.waitForTimeout(300);
  const scroll = await page.evaluate(([px, ms]) => window.isoscopeBench.scroll(px, ms), [opts.scrollPx, opts.scrollMs]);
  const frames = [...scroll.frames].sort((a, b) => a - b);

  return {
    n,
    nodeMs,
    decodeMs: median(decode),
    transformMs: median(transform),
    firstPaint: summarise(mounts),
    refresh: summarise(refreshes),
    sort: summarise(sorts),
    filter: summarise(filters),
    clear: summarise(clears),
    filterShown: shown,
    scroll: {
      frames: frames.length,
      p50: percentile(frames, 50),
      p95: percentile(frames, 95),
      max: frames[frames.length - 1] ?? NaN,
      over17: frames.filter((f) => f > 17).length,
      longTasks: scroll.longTasks.length,
    },
    heapMiB: memory.usedMiB,
    nodes: memory.nodes,
    domDocument: dom.document,
    domPanel: dom.panel,
  };
}

function machine(browser: Browser): Machine {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const memKb = Number(/^MemTotal:\s+(\d+)/m.exec(fs.readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0);
  return {
    nproc: os.availableParallelism(),
    model: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown',
    memory: `${(memKb / 2 ** 20).toFixed(1)} GiB`,
    kernel: os.release(),
    node: process.version,
    chromium: browser.version(),
    date: new Date().toISOString(),
    load: os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
  };
}

async function main(): Promise<void> {
  const opts = parseFlags([...(process.env.BENCH_FLAGS ?? '').split(/\s+/).filter(Boolean), ...process.argv.slice(2)]);
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
  }
  if (opts.build) {
    console.log('building the panel (npm run build)…');
    execFileSync('npm', ['run', 'build'], { cwd: PANEL_DIR, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  if (!fs.existsSync(path.join(DIST, 'module.js'))) {
    throw new Error(`${DIST}/module.js is missing: npm run build -w @isoscope/grafana-panel`);
  }
  const hostDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'isoscope-panel-bench-'));
  let server: StaticServer | undefined;
  let browser: Browser | undefined;
  try {
    console.log('building the host page (production)…');
    await buildHost(hostDir, 600_000, 'production');
    server = await startStaticServer(hostDir, PLUGIN_ID, DIST);
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: VIEWPORT });
    page.setDefaultTimeout(120_000);
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => m.type() === 'error' && problems.push(`console.error: ${m.text()}`));
    await page.goto(`${server.url}/`, { timeout: 60_000 });
    await page.evaluate(() => window.isoscopeHost.ready);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const before = machine(browser);
    // A throw-away round first: the first mount also loads module.js, compiles it and fills emotion's
    // style cache, which no later mount (and no dashboard after its first panel) pays.
    await benchSize(page, cdp, opts.sizes[0], { ...opts, repeat: 1, scrollMs: 200 });
    const results: SizeResult[] = [];
    for (const n of opts.sizes) {
      console.log(`${n} containers…`);
      results.push(await benchSize(page, cdp, n, opts));
    }
    if (problems.length > 0) {
      console.warn(`the page reported:\n${problems.slice(0, 20).join('\n')}`);
    }
    const { terminal, block } = report(
      results,
      {
        ...before,
        loadAfter: os
          .loadavg()
          .map((l) => l.toFixed(2))
          .join(' '),
      },
      opts
    );
    console.log(terminal);
    if (opts.docs) {
      const file = opts.docsFile ? path.resolve(opts.docsFile) : DOCS;
      await writeDocs(file, block);
      console.log(`results written to ${file}`);
    }
  } finally {
    await browser?.close().catch(() => undefined);
    await server?.close().catch(() => undefined);
    await fsp.rm(hostDir, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  console.error(err.stack ?? err.message);
  process.exit(1);
});
