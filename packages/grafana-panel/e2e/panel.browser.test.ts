/**
 * The panel as Grafana loads it, in a real browser, on real data.
 *
 * A private Docker engine runs containers with different isolation; the built exporter reads them; Debian's
 * Prometheus scrapes it every second. The panel's queries (src/data/roles.ts) go to Prometheus' HTTP API and
 * come back as the frames Grafana's Prometheus data source would hand the panel (promToFrames.ts). Debian's
 * Chromium, driven by playwright-core, opens a host page that shares the real react, @grafana/* etc. through
 * an AMD loader, loads dist/module.js by URL from /public/plugins/<id>/ as Grafana does, and renders
 * `plugin.panel` with PanelProps built as a dashboard builds them (e2e/host/host.tsx). The checks read the
 * page as a person would: rows, cell names and tooltips, badges, meters; and no console errors.
 *
 * Everything is loopback-only and bounded, and afterAll removes it all even when a step failed.
 * Needs root, docker.io/runc/containerd/busybox-static, prometheus, chromium and fonts-inter (see .ci/run),
 * and the exporter's and the panel's builds (dist/cli.js, dist/module.js).
 */
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Locator, type Page } from 'playwright-core';

import {
  startEngine,
  type Engine,
  CLI,
  startExporter,
  type ExporterProcess,
  terminate,
  waitUntil,
  startPrometheus,
  type Prometheus,
} from '@isoscope/test-support';
import type { MountInput, MountResult } from './host/host';
import { queryResponse, type PromData, type PromTarget } from './promToFrames';
import { HostPage, PANEL_AND_BROWSER, PANEL_DIR, PLUGIN_ID, requireFiles, teardown } from './support/hostPage';
import { panelTargets, RANGE_MS, RATE_INTERVAL, STEP_MS } from './support/targets';

jest.setTimeout(300_000);

/**
 * The README's screenshot is refreshed only on request (`UPDATE_SCREENSHOT=1 npm run test:browser`), so a
 * test run leaves the work tree clean; otherwise the shot goes to the temp dir.
 */
const SCREENSHOT = process.env.UPDATE_SCREENSHOT
  ? path.resolve(PANEL_DIR, '../../docs/screenshots/isolation-panel.png')
  : path.join(os.tmpdir(), 'isoscope-isolation-panel.png');
const VIEWPORT = { width: 1400, height: 700 };
const MiB = 1024 * 1024;
const NAMES = ['web', 'sidecar', 'hostnet', 'unconfined', 'spinner'];
let engine: Engine | undefined;
let exporter: ExporterProcess | undefined;
let prometheus: Prometheus | undefined;
const host = new HostPage('e2e');
let page: Page;
let mounted: MountResult;
const timings: Record<string, number> = {};

async function timed<T>(what: string, step: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  try {
    return await step();
  } finally {
    timings[what] = Date.now() - t0;
  }
}

async function runTargets(targets: PromTarget[], endMs: number) {
  const end = endMs / 1000;
  const start = (endMs - RANGE_MS) / 1000;
  return Promise.all(
    targets.map(async (target) => {
      const q = encodeURIComponent(target.expr);
      const data: PromData = target.instant
        ? await prometheus!.api<PromData>(`query?query=${q}&time=${end}`)
        : await prometheus!.api<PromData>(`query_range?query=${q}&start=${start}&end=${end}&step=${STEP_MS / 1000}`);
      return { target, data, stepMs: STEP_MS };
    })
  );
}

/** Count of series per container name for an instant query. */
async function namesIn(expr: string): Promise<Set<string>> {
  const data = await prometheus!.api<PromData>(`query?query=${encodeURIComponent(expr)}`);
  return new Set(data.resultType === 'vector' ? data.result.map((s) => s.metric.name) : []);
}

/** The table row of one container, found by its name as the row header shows it. */
function rowOf(name: string): Locator {
  return page.getByRole('row').filter({ has: page.getByRole('rowheader').getByText(name, { exact: true }) });
}

beforeAll(async () => {
  requireFiles([[CLI, 'npm run build -w @isoscope/exporter'], ...PANEL_AND_BROWSER]);
  const hostBuilt = timed('host bundle', () => host.build());
  // Two ways to fail at once: wait for both so no rejection goes unobserved, then report the first.
  const [bundled, live] = await Promise.allSettled([
    hostBuilt,
    timed('engine + containers + exporter + prometheus', async () => {
      engine = await startEngine();
      const ids = [
        await engine.run('web', ['--memory', '64m', '--cpus', '0.5', '--pids-limit', '50'], ['sleep', '600']),
        await engine.run('sidecar', ['--network', 'container:web'], ['sleep', '600']),
        await engine.run('hostnet', ['--network', 'host', '--pid', 'host'], ['sleep', '600']),
        await engine.run('unconfined', ['--security-opt', 'seccomp=unconfined'], ['sleep', '600']),
        await engine.run('spinner', ['--cpus', '0.2'], ['sh', '-c', 'while :; do :; done']),
      ];
      exporter = await startExporter([`--docker.socket=${engine.socketPath}`]);
      // Only this test's containers: another engine on the machine must not add rows.
      prometheus = await startPrometheus(exporter.port, ids);
      // Every container's raw series, and CPU rates with enough samples in the window.
      await waitUntil(
        'Prometheus to hold every container and a CPU rate over 0.1 for spinner',
        async () => {
          if (prometheus!.exited()) {
            throw new Error(`prometheus exited:\n${prometheus!.log()}`);
          }
          const raw = await namesIn('container_namespace_shared_with_host{ns_type="net"}');
          // A young series' rate ramps up over the window; wait until it is half of the 0.2 quota.
          const rate = await namesIn(
            `rate(container_cpu_usage_seconds_total{cpu="total",name="spinner"}[${RATE_INTERVAL}]) > 0.1`
          );
          return NAMES.every((n) => raw.has(n)) && rate.has('spinner') ? true : undefined;
        },
        { timeoutMs: 90_000, intervalMs: 1000 }
      );
    }),
  ]);
  for (const r of [bundled, live]) {
    if (r.status === 'rejected') {
      throw r.reason;
    }
  }

  const targets = panelTargets();
  const end = Date.now();
  const response = queryResponse(await timed('queries', () => runTargets(targets, end)));

  page = await timed('browser launch', () => host.open({ viewport: VIEWPORT, strict: true }));
  const input: MountInput = {
    moduleUrl: `/public/plugins/${PLUGIN_ID}/module.js`,
    title: 'Container isolation',
    response,
    targets,
    from: end - RANGE_MS,
    to: end,
    width: VIEWPORT.width - 16,
    height: VIEWPORT.height - 16,
  };
  mounted = await timed('mount', () => page.evaluate((i) => window.isoscopeHost.mount(i), input));
  await rowOf('web')
    .waitFor({ state: 'visible', timeout: 15_000 })
    .catch((err: Error) => {
      throw new Error(
        `${err.message}\nframes: ${JSON.stringify(mounted.frames)}\npage problems:\n${host.problems.join('\n')}`
      );
    });
});

afterAll(async () => {
  // Every step runs even when an earlier one (or beforeAll) failed; problems are reported together.
  const stopExporter = async (child: ExporterProcess['child']) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      return;
    }
    await terminate(child, new Promise<void>((r) => child.once('exit', () => r())), 10_000);
  };
  try {
    await teardown([
      ...host.closeSteps(),
      ['stopping prometheus', prometheus && (() => prometheus!.stop())],
      ['stopping the exporter', exporter && (() => stopExporter(exporter!.child))],
      ['stopping the engine', engine && (() => engine!.stop())],
      ...host.removeSteps(),
    ]);
  } finally {
    // For the curious and for spotting a slow machine: where the time went.
    console.log(`browser e2e timings (ms): ${JSON.stringify(timings)}`);
  }
});

describe('the panel in Chromium, loaded from dist/module.js as Grafana loads it', () => {
  it('asks only for modules Grafana shares, and gets the real ones', () => {
    expect(mounted.requested.length).toBeGreaterThan(0);
    const special = ['module', 'exports', 'require'];
    expect(mounted.requested.filter((d) => !special.includes(d) && !mounted.shared.includes(d))).toEqual([]);
    expect(mounted.requested).toEqual(expect.arrayContaining(['react', '@grafana/data']));
  });

  it('shows a row per container, and no other', async () => {
    for (const name of NAMES) {
      await expect(rowOf(name).count()).resolves.toBe(1);
      await rowOf(name).waitFor({ state: 'visible' });
    }
    await page.getByText(`${NAMES.length} containers`, { exact: true }).first().waitFor();
  });

  it("says the host-network, host-pid container uses the host's net and pid namespaces", async () => {
    const row = rowOf('hostnet');
    await row.getByRole('listitem', { name: "net: the host's" }).waitFor();
    await row.getByRole('listitem', { name: "pid: the host's" }).waitFor();
    // …and not for a container with its own namespaces.
    await expect(rowOf('unconfined').getByRole('listitem', { name: "net: the host's" }).count()).resolves.toBe(0);
    // The tooltip a person hovering the cell reads says the same.
    await row.getByRole('listitem', { name: "net: the host's" }).hover();
    await page.getByRole('tooltip').filter({ hasText: "net: the host's" }).first().waitFor();
    await page.mouse.move(0, 0);
  });

  it('says web and sidecar share one network namespace, with each other', async () => {
    await rowOf('web').getByRole('listitem', { name: 'net: shared with sidecar' }).waitFor();
    await rowOf('sidecar').getByRole('listitem', { name: 'net: shared with web' }).waitFor();
    // Only the network is shared: their pid namespaces are their own.
    await rowOf('web').getByRole('listitem', { name: 'pid: private' }).waitFor();
  });

  it('flags the container without seccomp, and only that one', async () => {
    await rowOf('unconfined')
      .getByRole('img', { name: /^seccomp off:/ })
      .waitFor();
    for (const name of NAMES.filter((n) => n !== 'unconfined')) {
      await expect(
        rowOf(name)
          .getByRole('img', { name: /^seccomp off:/ })
          .count()
      ).resolves.toBe(0);
    }
  });

  it("draws web's memory against its 64 MiB limit", async () => {
    const meter = rowOf('web').getByRole('meter', { name: 'Memory' });
    await meter.waitFor();
    expect(Number(await meter.getAttribute('aria-valuemax'))).toBe(64 * MiB);
    expect(await meter.getAttribute('aria-valuetext')).toMatch(/ of 64 MiB, \d+%$/);
    await expect(
      rowOf('web')
        .getByText(/ \/ 64 MiB$/)
        .count()
    ).resolves.toBe(1);
  });

  it("draws spinner's CPU against its 0.2-core quota, busy", async () => {
    const meter = rowOf('spinner').getByRole('meter', { name: 'CPU' });
    await meter.waitFor();
    expect(Number(await meter.getAttribute('aria-valuemax'))).toBeCloseTo(0.2, 5);
    expect(Number(await meter.getAttribute('aria-valuenow'))).toBeGreaterThan(0.1);
  });

  it('renders without a console error, page error or failed request, and saves a screenshot', async () => {
    await fsp.mkdir(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: false });
    expect(host.problems).toEqual([]);
  });
});
