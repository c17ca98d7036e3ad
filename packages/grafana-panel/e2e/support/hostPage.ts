import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AxeResults } from 'axe-core';
import { type Browser, type Page } from 'playwright-core';
import { buildHost } from '../host/buildHost';
import { CHROMIUM, launchChromium } from './chromium';
import { startStaticServer, type StaticServer } from './staticServer';

/*
 * The browser tests' page: the stand-in Grafana host (e2e/host/) bundled into a temp dir, served with the
 * panel's built dist/ as Grafana serves a plugin, and opened in Debian's Chromium, with what goes wrong in the
 * page collected; and the teardown every suite runs, which takes each step even when one before it failed.
 */

declare global {
  interface Window {
    axe: { run(context: Element, options: object): Promise<AxeResults> };
  }
}

export const PLUGIN_ID = 'isoscope-isolation-panel';
export const PANEL_DIR = path.resolve(__dirname, '..', '..');
export const DIST = path.join(PANEL_DIR, 'dist');
const AXE = require.resolve('axe-core/axe.min.js');

/** Each file with the command that makes it: a clear error naming the one that is missing. */
export function requireFiles(files: ReadonlyArray<readonly [file: string, hint: string]>): void {
  for (const [file, hint] of files) {
    if (!fs.existsSync(file)) {
      throw new Error(`${file} is missing: ${hint}`);
    }
  }
}

/** The panel's bundle and the browser, which every browser suite needs. */
export const PANEL_AND_BROWSER: ReadonlyArray<readonly [string, string]> = [
  [path.join(DIST, 'module.js'), 'npm run build -w @isoscope/grafana-panel'],
  [CHROMIUM, 'apt-get install chromium'],
];

/** A teardown step: what it does (for the report) and how, or undefined when there is nothing to undo. */
export type TeardownStep = readonly [what: string, step: (() => Promise<unknown>) | undefined];

/** Runs every step, in order, even when one fails; then throws with every failure at once. */
export async function teardown(steps: readonly TeardownStep[]): Promise<void> {
  const problems: string[] = [];
  for (const [what, step] of steps) {
    if (step) {
      await step().catch((err: Error) => problems.push(`${what}: ${err.message}`));
    }
  }
  if (problems.length > 0) {
    throw new Error(problems.join('\n'));
  }
}

export interface OpenOptions {
  viewport: { width: number; height: number };
  /** Also count console warnings, failed requests and HTTP errors as problems (the end-to-end suite). */
  strict?: boolean;
  /** Load axe-core into the page (the accessibility and layout suites). */
  axe?: boolean;
}

export class HostPage {
  hostDir: string | undefined;
  server: StaticServer | undefined;
  browser: Browser | undefined;
  private opened: Page | undefined;
  /** Console errors and uncaught exceptions of the page (more with `strict`), for the tests to check. */
  readonly problems: string[] = [];

  /** `name` names its temp dir (`isoscope-<name>-host-…`). */
  constructor(private readonly name: string) {}

  get page(): Page {
    if (!this.opened) {
      throw new Error('the host page is not open (its beforeAll failed?)');
    }
    return this.opened;
  }

  /** Bundles the host into a temp dir of its own (it can run beside other setup). */
  async build(): Promise<void> {
    this.hostDir = await fsp.mkdtemp(path.join(os.tmpdir(), `isoscope-${this.name}-host-`));
    await buildHost(this.hostDir);
  }

  /** Serves the host and the panel, opens the page, and waits for the host to be ready. */
  async open(options: OpenOptions): Promise<Page> {
    if (!this.hostDir) {
      await this.build();
    }
    this.server = await startStaticServer(this.hostDir!, PLUGIN_ID, DIST);
    this.browser = await launchChromium();
    const page = await this.browser.newPage({ viewport: options.viewport });
    this.opened = page;
    page.setDefaultTimeout(15_000);
    page.on('console', (m) => {
      if (m.type() === 'error' || (options.strict && m.type() === 'warning')) {
        this.problems.push(`console.${m.type()}: ${m.text()}`);
      }
    });
    page.on('pageerror', (e) => this.problems.push(`pageerror: ${e.stack ?? e.message}`));
    if (options.strict) {
      page.on('requestfailed', (r) => this.problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
      page.on('response', (r) => {
        if (r.status() >= 400) {
          this.problems.push(`HTTP ${r.status()} ${r.url()}`);
        }
      });
    }
    await page.goto(`${this.server.url}/`, { timeout: 30_000 });
    await page.evaluate(() => window.isoscopeHost.ready);
    if (options.axe) {
      // With `define` out of sight: axe would register with the page's AMD loader (host/amdLoader.js) and throw.
      const axeSource = await fsp.readFile(AXE, 'utf8');
      await page.addScriptTag({ content: `(function (define) {\n${axeSource}\n}).call(window, undefined);` });
      await page.waitForFunction(() => typeof window.axe?.run === 'function');
    }
    return page;
  }

  /** Its teardown steps: the browser, then the server (the bundle's dir last: see `removeSteps`). */
  closeSteps(): TeardownStep[] {
    const { browser, server } = this;
    return [
      ['closing the browser', browser && (() => browser.close())],
      ['stopping the page server', server && (() => server.close())],
    ];
  }

  /** The bundle's temp dir, removed. */
  removeSteps(): TeardownStep[] {
    const { hostDir } = this;
    return [
      ['removing the host bundle', hostDir ? () => fsp.rm(hostDir, { recursive: true, force: true }) : undefined],
    ];
  }

  /** Everything it made, undone. */
  close(): Promise<void> {
    return teardown([...this.closeSteps(), ...this.removeSteps()]);
  }
}
