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
import { report, writeDocs, type ChangeFigures, type Cpu, type Machine, type SizeResult } from './report';

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

/** A change measured in the page, and what the renderer's main thread spent on it (CDP metrics). */
type Timed = Measured & { cpu: Cpu };

/** Medians of each figure over the repeats. */
function summarise(ms: Timed[], hostMs: number[] = []): ChangeFigures {
  return {
    toPaint: median(ms.map((m) => m.toPaint)),
    panelToPaint: median(ms.map((m) => m.panelToPaint ?? m.toPaint)),
    panelRender: median(ms.map((m) => m.panelRender)),
    overrides: median(hostMs),
    longestTask: median(ms.map((m) => Math.max(0, ...m.longTasks))),
    cpu: median(ms.map((m) => m.cpu.thread)),
    script: median(ms.map((m) => m.cpu.script)),
    layout: median(ms.map((m) => m.cpu.layout + m.cpu.style)),
  };
}

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

/**
 * Runs `step` and adds what the renderer's main thread did meanwhile: ThreadTime is its CPU time, so it
 * holds on a machine other work competes for, where the wall-clock figures do not; ScriptDuration,
 * LayoutDuration and RecalcStyleDuration split its busy time.
 */
async function cpuOf<T>(cdp: CDPSession, step: () => Promise<T>): Promise<T & { cpu: Cpu }> {
  const a = await metrics(cdp);
  const result = await step();
  const b = await metrics(cdp);
  const d = (name: string) => ((b[name] ?? NaN) - (a[name] ?? NaN)) * 1000;
  return {
    ...result,
    cpu: {
      thread: d('ThreadTime'),
      script: d('ScriptDuration'),
      layout: d('LayoutDuration'),
      style: d('RecalcStyleDuration'),
    },
  };
}

/** Runs `step` under the CDP profiler, writes the profile and prints the functions with the most self time. */
async function profiled<T>(cdp: CDPSession, name: string, step: () => Promise<T>): Promise<T> {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  const result = await step();
  const { profile } = await cdp.send('Profiler.stop');
  const file = path.join(os.tmpdir(), `isoscope-panel-${name}.cpuprofile`);
  await fsp.writeFile(file, JSON.stringify(profile));
  const self = new Map<string, number>();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const deltas = profile.timeDeltas ?? [];
  (profile.samples ?? []).forEach((id, i) => {
    const f = byId.get(id)!.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (deltas[i] ?? 0) / 1000);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  console.log(`profile ${name}: ${file} (${total.toFixed(0)} ms sampled); top self time:`);
  for (const [key, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
    console.log(`  ${t.toFixed(1).padStart(8)} ms  ${key}`);
  }
  return result;
}

async function heap(cdp: CDPSession): Promise<{ usedMiB: number; nodes: number }> {
  await cdp.send('HeapProfiler.collectGarbage');
  const m = await metrics(cdp);
  return { usedMiB: m.JSHeapUsedSize / 2 ** 20, nodes: m.Nodes };
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

  const mounts: Timed[] = [];
  const decode: number[] = [];
  const transform: number[] = [];
  const mountOverrides: number[] = [];
  for (let i = 0; i < opts.repeat; i++) {
    // the host's steps first (Grafana's: decode, the data source's transform, applyFieldOverrides), then
    // the panel's render alone
    const timings = await page.evaluate((x) => window.isoscopeBench.load(x), input);
    decode.push(timings.decodeMs);
    transform.push(timings.transformMs);
    mountOverrides.push(timings.overridesMs);
    await cdp.send('HeapProfiler.collectGarbage');
    const render = () => cpuOf(cdp, () => page.evaluate(() => window.isoscopeBench.render()));
    const last = i === opts.repeat - 1 && opts.profile && n === opts.sizes[opts.sizes.length - 1];
    mounts.push(await (last ? profiled(cdp, `first-paint-${n}`, render) : render()));
  }
  await page.evaluate((key) => window.isoscopeBench.drop(key), `${n}:0`);
  // The panel's share of the heap: with Grafana's data held (as a dashboard holds it), without the panel
  // and then with it.
  await page.evaluate(() => window.isoscopeBench.unmount());
  const without = await heap(cdp);
  await page.evaluate(() => window.isoscopeBench.render());
  await page.waitForTimeout(300);
  const memory = await heap(cdp);
  const dom = await page.evaluate(() => window.isoscopeBench.domNodes());

  const refreshes: Timed[] = [];
  const refreshOverrides: number[] = [];
  for (let tick = 1; tick <= opts.repeat; tick++) {
    const r = queryResponse(fleetAnswers(targets, n, end + tick * STEP_MS, STEP_MS, { tick }));
    const key = `${n}:${tick}`;
    await page.evaluate(([k, body]) => window.isoscopeBench.keep(k, body), [key, JSON.stringify(r)] as const);
    const timings = await page.evaluate((x) => window.isoscopeBench.loadRefresh(x), { responseKey: key, targets });
    await page.evaluate((k) => window.isoscopeBench.drop(k), key);
    refreshOverrides.push(timings.overridesMs);
    await cdp.send('HeapProfiler.collectGarbage');
    refreshes.push(await cpuOf(cdp, () => page.evaluate(() => window.isoscopeBench.applyRefresh())));
  }

  const sorts: Timed[] = [];
  for (let i = 0; i < Math.max(opts.repeat, SORT_CYCLE.length); i++) {
    const key = SORT_CYCLE[i % SORT_CYCLE.length];
    sorts.push(await cpuOf(cdp, () => page.evaluate((k) => window.isoscopeBench.sort(k), key)));
  }
  // back to the default order for the scroll
  const nameSort = page.getByTestId('isoscope-table-sort-name').locator('xpath=ancestor::th');
  while ((await nameSort.getAttribute('aria-sort')) !== 'ascending') {
    await page.evaluate(() => window.isoscopeBench.sort('name'));
  }

  const filters: Timed[] = [];
  const clears: Timed[] = [];
  let shown = '';
  for (let i = 0; i < opts.repeat; i++) {
    const f = await cpuOf(cdp, () => page.evaluate((text) => window.isoscopeBench.filter(text), FILTER_TEXT));
    shown = f.count;
    filters.push(f);
    clears.push(await cpuOf(cdp, () => page.evaluate(() => window.isoscopeBench.filter(''))));
  }

  await page.waitForTimeout(300);
  // the page doing nothing, for a floor: what the machine lets requestAnimationFrame do without the panel
  const idle = await page.evaluate((ms) => window.isoscopeBench.idleFrames(ms), Math.min(2000, opts.scrollMs));
  const scrolling = () =>
    cpuOf(cdp, () =>
      page.evaluate(([px, ms]) => window.isoscopeBench.scroll(px, ms), [opts.scrollPx, opts.scrollMs] as const)
    );
  const scroll = await (opts.profile && n === opts.sizes[opts.sizes.length - 1]
    ? profiled(cdp, `scroll-${n}`, scrolling)
    : scrolling());
  await page.evaluate(() => window.isoscopeBench.stillCopy());
  const still = await cpuOf(cdp, () =>
    page.evaluate(([px, ms]) => window.isoscopeBench.staticScroll(px, ms), [opts.scrollPx, opts.scrollMs] as const)
  );
  const stillFrames = [...still.frames].sort((a, b) => a - b);
  const frames = [...scroll.frames].sort((a, b) => a - b);
  const idleFrames = [...idle].sort((a, b) => a - b);

  return {
    n,
    nodeMs,
    decodeMs: median(decode),
    transformMs: median(transform),
    firstPaint: summarise(mounts, mountOverrides),
    refresh: summarise(refreshes, refreshOverrides),
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
      cpuPerFrame: scroll.cpu.thread / Math.max(1, frames.length),
      scriptPerFrame: scroll.cpu.script / Math.max(1, frames.length),
      layoutPerFrame: (scroll.cpu.layout + scroll.cpu.style) / Math.max(1, frames.length),
      stillP50: percentile(stillFrames, 50),
      stillP95: percentile(stillFrames, 95),
      stillCpuPerFrame: still.cpu.thread / Math.max(1, stillFrames.length),
      idleP50: percentile(idleFrames, 50),
      idleP95: percentile(idleFrames, 95),
    },
    heapMiB: memory.usedMiB,
    panelHeapMiB: memory.usedMiB - without.usedMiB,
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
  const dist = opts.dist ? path.resolve(opts.dist) : DIST;
  if (!fs.existsSync(path.join(dist, 'module.js'))) {
    throw new Error(`${dist}/module.js is missing: npm run build -w @isoscope/grafana-panel`);
  }
  const hostDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'isoscope-panel-bench-'));
  let server: StaticServer | undefined;
  let browser: Browser | undefined;
  try {
    console.log('building the host page (production)…');
    await buildHost(hostDir, 600_000, 'production');
    server = await startStaticServer(hostDir, PLUGIN_ID, dist);
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
    await benchSize(page, cdp, opts.sizes[0], { ...opts, repeat: 1, scrollMs: 200, profile: false });
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
