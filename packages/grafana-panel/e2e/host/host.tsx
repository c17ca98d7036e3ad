/**
 * The stand-in for Grafana's frontend in the browser test: shares the real packages with plugins through the
 * AMD loader (amdLoader.js), loads dist/module.js by URL, and renders `plugin.panel` the way a dashboard
 * panel is rendered: PanelData from the data source response, options and field config with the plugin's
 * defaults (getPanelOptionsWithDefaults, as Grafana's PanelModel does), applyFieldOverrides with the theme,
 * inside Grafana's theme context and PanelChrome.
 *
 * What plugins get is what Grafana's sharedDependencies.ts gives them: module namespaces (as `import()`
 * yields), lodash and moment marked `__useDefault`, i18next the i18next instance, @grafana/ui with the
 * plugin classes re-exported from @grafana/data.
 */
import * as grafanaData from '@grafana/data';
import {
  applyFieldOverrides,
  createTheme,
  type DataFrame,
  dateTime,
  EventBusSrv,
  getFieldDisplayName,
  getPanelOptionsWithDefaults,
  LoadingState,
  ThemeContext,
  type FieldConfigSource,
  type PanelData,
  type PanelPlugin,
  type PanelProps,
  type TimeRange,
} from '@grafana/data';
import * as grafanaRuntime from '@grafana/runtime';
import { toDataQueryResponse } from '@grafana/runtime';
import * as grafanaUIraw from '@grafana/ui';
import { GlobalStyles, PanelChrome, PanelContextProvider } from '@grafana/ui';
import i18next from 'i18next';
import React, { useLayoutEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';

import { frontendTransform, type DsQueryResponse, type PromTarget } from '../promToFrames';
import { initGrafanaRegistries } from './grafanaRegistries';
import { TEST_IDS } from '../../src/components/testIds';
import { probe, type HostTimings, type Measured } from './probe';

interface AmdHost {
  set(name: string, ns: unknown): void;
  names(): string[];
  requested: Record<string, string[]>;
  importModule(url: string): Promise<Record<string, unknown>>;
}

declare global {
  interface Window {
    __isoscopeAmd: AmdHost;
    isoscopeHost: typeof host;
    isoscopeBench: typeof bench;
  }
}

/** Registers the shared modules under the names plugins import them by (Grafana's sharedDependenciesMap). */
async function shareModules(): Promise<void> {
  initGrafanaRegistries();
  const amd = window.__isoscopeAmd;
  const grafanaUI: Record<string, unknown> = { ...grafanaUIraw };
  grafanaUI.PanelPlugin = grafanaData.PanelPlugin;
  grafanaUI.DataSourcePlugin = grafanaData.DataSourcePlugin;
  grafanaUI.AppPlugin = grafanaData.AppPlugin;
  grafanaUI.DataSourceApi = grafanaData.DataSourceApi;
  amd.set('@grafana/data', grafanaData);
  amd.set('@grafana/runtime', grafanaRuntime);
  amd.set('@grafana/ui', grafanaUI);
  amd.set('@emotion/css', await import(/* webpackMode: "eager" */ '@emotion/css'));
  amd.set('@emotion/react', await import(/* webpackMode: "eager" */ '@emotion/react'));
  amd.set('react', await import(/* webpackMode: "eager" */ 'react'));
  amd.set('react-dom', await import(/* webpackMode: "eager" */ 'react-dom'));
  amd.set('react/jsx-runtime', await import(/* webpackMode: "eager" */ 'react/jsx-runtime'));
  amd.set('rxjs', await import(/* webpackMode: "eager" */ 'rxjs'));
  amd.set('lodash', { ...(await import(/* webpackMode: "eager" */ 'lodash')), __useDefault: true });
  amd.set('moment', { ...(await import(/* webpackMode: "eager" */ 'moment')), __useDefault: true });
  // Grafana shares its i18next instance itself (getI18nInstance()), which @grafana/i18n also uses.
  amd.set('i18next', i18next);
}

/** Reports render errors (they would show as the panel's error state in Grafana) to the console. */
class ErrorBoundary extends React.Component<{ children: React.ReactNode }, { error?: Error }> {
  state: { error?: Error } = {};
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  componentDidCatch(error: Error) {
    console.error(`panel render error: ${error.stack ?? error.message}`);
  }
  render() {
    return this.state.error ? <div role="alert">Panel error: {this.state.error.message}</div> : this.props.children;
  }
}

export interface MountInput {
  /** URL of the plugin's module.js, as Grafana would fetch it (public/plugins/<id>/module.js). */
  moduleUrl: string;
  title: string;
  /**
   * The /api/ds/query body (part 1 of promToFrames), or its JSON text: what the backend sends is text
   * anyway, and playwright's argument serialisation walks an object value by value, which took longer
   * than everything else at thousands of containers.
   */
  response: DsQueryResponse | string;
  targets: PromTarget[];
  /** The dashboard time range (ms). */
  from: number;
  to: number;
  width: number;
  height: number;
  /** Panel options saved in the dashboard (merged over the plugin's defaults), usually {}. */
  options?: Record<string, unknown>;
  /** Grafana's theme, dark (its default) or light. */
  theme?: 'dark' | 'light';
  /** The panel's saved field config (defaults and overrides), usually none. */
  fieldConfig?: FieldConfigSource;
}

export interface MountResult {
  /** The AMD dependencies module.js declared. */
  requested: string[];
  /** What the host shares. */
  shared: string[];
  options: Record<string, unknown>;
  /** refId/field names of the frames handed to the panel, for failure messages. */
  frames: Array<{ refId?: string; fields: string[]; length: number }>;
  /** What the host's own steps took (the data source's part of Grafana, not the panel's). */
  timings: HostTimings;
}

let root: ReturnType<typeof createRoot> | undefined;

/** The response decoded as DataSourceWithBackend does, then the Prometheus data source's frontend step. */
function toSeries(
  answer: DsQueryResponse | string,
  targets: PromTarget[]
): { series: DataFrame[]; timings: HostTimings } {
  const t0 = performance.now();
  const body: DsQueryResponse = typeof answer === 'string' ? JSON.parse(answer) : answer;
  const queries = targets.map((t) => ({ ...t, datasource: { type: 'prometheus', uid: 'prometheus' } }));
  const response = toDataQueryResponse({ data: body }, queries);
  if (response.error || response.errors?.length) {
    throw new Error(`query errors: ${JSON.stringify(response.errors ?? response.error)}`);
  }
  const t1 = performance.now();
  const series = frontendTransform(response.data, targets, { getFieldDisplayName });
  return { series, timings: { decodeMs: t1 - t0, transformMs: performance.now() - t1, overridesMs: 0 } };
}

/**
 * Around the plugin's panel: marks where its render starts and where its commit ends (this component's
 * layout effect runs after every layout effect below it), so the benchmark can tell the panel's work from
 * the host's (probe.ts).
 */
function PanelProbe({ children }: { children: React.ReactNode }) {
  probe.renderStart();
  useLayoutEffect(() => probe.committed());
  return <>{children}</>;
}

/** What applyFieldOverrides needs besides the data and the field config. */
interface OverrideContext {
  plugin: PanelPlugin;
  theme: ReturnType<typeof createTheme>;
  timeRange: TimeRange;
}

const replaceVariables = (value: string) => value;

/**
 * PanelQueryRunner.getData({ withFieldConfig: true }): field config and display processors applied. Kept
 * per series array and field config, so it runs again only when one of them changes (as Grafana's VizPanel
 * memoises it), not when an option does; and so the benchmark can run it before it times the panel.
 */
const withConfigCache = new WeakMap<DataFrame[], { fieldConfig: FieldConfigSource; data: PanelData }>();

function withFieldConfig(series: DataFrame[], fieldConfig: FieldConfigSource, ctx: OverrideContext): PanelData {
  const hit = withConfigCache.get(series);
  if (hit && hit.fieldConfig === fieldConfig) {
    return hit.data;
  }
  const t0 = performance.now();
  const withConfig = applyFieldOverrides({
    data: series,
    fieldConfig,
    fieldConfigRegistry: ctx.plugin.fieldConfigRegistry,
    replaceVariables,
    theme: ctx.theme,
    timeZone: 'browser',
  });
  probe.hostStep('fieldOverrides', performance.now() - t0);
  const data: PanelData = { state: LoadingState.Done, series: withConfig, timeRange: ctx.timeRange };
  withConfigCache.set(series, { fieldConfig, data });
  return data;
}

/** A panel ready to render: the plugin, its saved options over the defaults, the host's data steps done. */
interface Loaded {
  input: MountInput;
  plugin: PanelPlugin;
  defaults: ReturnType<typeof getPanelOptionsWithDefaults>;
  ctx: OverrideContext;
  series: DataFrame[];
  timings: HostTimings;
}

/** The mounted panel: its current field config, and how to hand it new data (a refresh). */
let mounted: { ctx: OverrideContext; fieldConfig: FieldConfigSource; setSeries: (s: DataFrame[]) => void } | undefined;

const host = {
  /** Everything before the panel renders: the plugin, the options, the data source's and Grafana's steps. */
  async load(input: MountInput): Promise<Loaded> {
    const exports = await window.__isoscopeAmd.importModule(input.moduleUrl);
    const plugin = exports.plugin as PanelPlugin | undefined;
    if (!plugin || !(plugin instanceof grafanaData.PanelPlugin) || !plugin.panel) {
      throw new Error(
        `${input.moduleUrl} does not export a PanelPlugin with a panel (exports: ${Object.keys(exports).join(', ')})`
      );
    }
    const { series, timings } = toSeries(input.response, input.targets);
    const theme = createTheme({ colors: { mode: input.theme ?? 'dark' } });
    const timeRange: TimeRange = {
      from: dateTime(input.from),
      to: dateTime(input.to),
      raw: { from: 'now-1m', to: 'now' },
    };
    const defaults = getPanelOptionsWithDefaults({
      plugin,
      currentOptions: input.options ?? {},
      currentFieldConfig: input.fieldConfig ?? { defaults: {}, overrides: [] },
      isAfterPluginChange: false,
    });
    const ctx = { plugin, theme, timeRange };
    const t0 = performance.now();
    withFieldConfig(series, defaults.fieldConfig, ctx);
    timings.overridesMs = performance.now() - t0;
    return { input, plugin, defaults, ctx, series, timings };
  },

  /** Renders a loaded panel, as a dashboard panel is rendered (theme context, PanelChrome). */
  render(loaded: Loaded): MountResult {
    const { input, plugin, defaults, ctx } = loaded;
    const eventBus = new EventBusSrv();
    const Panel = plugin.panel as React.ComponentType<PanelProps<Record<string, unknown>>>;

    function PanelHost() {
      const [series, setSeries] = useState(loaded.series);
      const [options, setOptions] = useState(defaults.options);
      const [fieldConfig, setFieldConfig] = useState<FieldConfigSource>(defaults.fieldConfig);
      const [renderCounter, setRenderCounter] = useState(0);
      // after each commit (not during render): refresh() reads the field config the panel was last given
      useLayoutEffect(() => {
        mounted = { ctx, fieldConfig, setSeries };
      }, [fieldConfig]);
      const data = withFieldConfig(series, fieldConfig, ctx);
      return (
        <PanelChrome title={input.title} width={input.width} height={input.height}>
          {(innerWidth, innerHeight) => (
            <ErrorBoundary>
              <PanelProbe>
                <Panel
                  id={1}
                  title={input.title}
                  data={data}
                  timeRange={ctx.timeRange}
                  timeZone="browser"
                  options={options}
                  fieldConfig={fieldConfig}
                  transparent={false}
                  width={innerWidth}
                  height={innerHeight}
                  renderCounter={renderCounter}
                  eventBus={eventBus}
                  replaceVariables={replaceVariables}
                  onOptionsChange={(o) => {
                    setOptions(o);
                    setRenderCounter((c) => c + 1);
                  }}
                  onFieldConfigChange={(c) => setFieldConfig(c)}
                  onChangeTimeRange={() => undefined}
                />
              </PanelProbe>
            </ErrorBoundary>
          )}
        </PanelChrome>
      );
    }

    root?.unmount();
    mounted = undefined;
    const container = document.getElementById('root')!;
    container.style.padding = '8px';
    root = createRoot(container);
    probe.mounting();
    root.render(
      <ThemeContext.Provider value={ctx.theme}>
        <GlobalStyles />
        <PanelContextProvider value={{ eventsScope: 'global', eventBus }}>
          <PanelHost />
        </PanelContextProvider>
      </ThemeContext.Provider>
    );
    return {
      requested: window.__isoscopeAmd.requested[input.moduleUrl] ?? [],
      shared: window.__isoscopeAmd.names(),
      options: defaults.options,
      frames: loaded.series.map((f) => ({ refId: f.refId, fields: f.fields.map((x) => x.name), length: f.length })),
      timings: loaded.timings,
    };
  },

  async mount(input: MountInput): Promise<MountResult> {
    return host.render(await host.load(input));
  },

  /** A refresh's host steps: the same queries' new answers, decoded, transformed, field config applied. */
  loadRefresh(input: { response: DsQueryResponse | string; targets: PromTarget[] }) {
    if (!mounted) {
      throw new Error('no panel mounted');
    }
    const { series, timings } = toSeries(input.response, input.targets);
    const t0 = performance.now();
    withFieldConfig(series, mounted.fieldConfig, mounted.ctx);
    timings.overridesMs = performance.now() - t0;
    return { series, timings };
  },

  /** Hands refreshed data to the mounted panel. */
  applyRefresh(series: DataFrame[]): void {
    probe.mounting();
    mounted!.setSeries(series);
  },

  /** A dashboard refresh: the same queries' new answers reach the mounted panel. */
  refresh(input: { response: DsQueryResponse | string; targets: PromTarget[] }): HostTimings {
    const { series, timings } = host.loadRefresh(input);
    host.applyRefresh(series);
    return timings;
  },
  ready: shareModules(),
};

/** Set a text input's value as typing does, so React's onChange sees it. */
function typeInto(input: HTMLInputElement, text: string): void {
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
  setter.call(input, text);
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

const byTestId = (id: string) => document.querySelector<HTMLElement>(`[data-testid="${id}"]`);

/**
 * The benchmark's changes (bench/run.ts), each measured in the page from its start to the paint that shows
 * it, so the round trips to the page are not in the figures.
 */
const kept = new Map<string, string>();
let loaded: Loaded | undefined;
let refreshed: DataFrame[] | undefined;

/** Rows in the bench's still copy of the table: some 300 rows, tens of screens to scroll through. */
const STILL_ROWS = 300;
let stillCopy: HTMLElement | undefined;

const bench = {
  /** Keeps a response (JSON text) in the page, so repeated mounts and refreshes need not send it again. */
  keep(key: string, response: string): void {
    kept.set(key, response);
  },
  drop(key: string): void {
    kept.delete(key);
  },
  /** Unmounts the panel, keeping what load() prepared (Grafana's data stays, as on a dashboard). */
  unmount(): void {
    root?.unmount();
    root = undefined;
    mounted = undefined;
  },
  /** The host's steps for a mount (timed apart from the panel's: the bench calls render separately). */
  async load(input: Omit<MountInput, 'response'> & { responseKey: string }): Promise<HostTimings> {
    loaded = await host.load({ ...input, response: kept.get(input.responseKey)! });
    return loaded.timings;
  },
  /** Renders what load() prepared; done when the first container row is in the document. */
  async render(): Promise<Measured> {
    host.render(loaded!);
    return probe.measure(() => byTestId(TEST_IDS.table.containerRow) !== null);
  },
  loadRefresh(input: { responseKey: string; targets: PromTarget[] }): HostTimings {
    const r = host.loadRefresh({ response: kept.get(input.responseKey)!, targets: input.targets });
    refreshed = r.series;
    return r.timings;
  },
  /** Hands the refreshed data to the panel; done when it has committed the render. */
  async applyRefresh(): Promise<Measured> {
    host.applyRefresh(refreshed!);
    return probe.measure(() => probe.hasCommitted());
  },
  /** Clicks a column's sort button; done when its header's aria-sort has changed. */
  async sort(key: string): Promise<Measured> {
    const button = byTestId(TEST_IDS.table.sortButton(key))!;
    const th = () => byTestId(TEST_IDS.table.sortButton(key))?.closest('th')?.getAttribute('aria-sort') ?? null;
    const before = th();
    probe.mounting();
    button.click();
    return probe.measure(() => th() !== before);
  },
  /** Types `text` into the filter; done when the container count says the table shows the result. */
  async filter(text: string): Promise<Measured & { count: string }> {
    const input =
      byTestId(TEST_IDS.panel.filter)?.querySelector('input') ?? (byTestId(TEST_IDS.panel.filter) as HTMLInputElement);
    const count = () => byTestId(TEST_IDS.panel.count)?.textContent ?? '';
    const before = count();
    probe.mounting();
    typeInto(input as HTMLInputElement, text);
    const measured = await probe.measure(() => count() !== before);
    return { ...measured, count: count() };
  },
  scroll(px: number, ms: number) {
    return probe.scroll(byTestId(TEST_IDS.table.scroller)!, px, ms);
  },
  /**
   * Puts a still copy of the panel's table over it: its drawn rows repeated (up to STILL_ROWS rows), no
   * windowing, no React; laid out and painted once before staticScroll measures it.
   */
  async stillCopy(): Promise<number> {
    const live = byTestId(TEST_IDS.table.scroller)!;
    const copy = live.cloneNode(true) as HTMLElement;
    const body = copy.querySelector('tbody')!;
    const rows = Array.from(body.querySelectorAll('tr:not([aria-hidden])'));
    body.replaceChildren();
    for (let n = 0; n < STILL_ROWS && rows.length > 0; n++) {
      body.append(rows[n % rows.length].cloneNode(true));
    }
    const box = live.getBoundingClientRect();
    Object.assign(copy.style, {
      position: 'fixed',
      left: `${box.left}px`,
      top: `${box.top}px`,
      width: `${box.width}px`,
      height: `${box.height}px`,
      zIndex: '10',
    });
    copy.dataset.stillCopy = '';
    document.body.append(copy);
    stillCopy = copy;
    await probe.idleFrames(100);
    return copy.scrollHeight;
  },
  /**
   * The bench's scroll over the still copy (stillCopy), then removes it: what the browser itself needs to
   * scroll and paint those rows on this machine, the floor the panel's scroll figures can reach.
   */
  async staticScroll(px: number, ms: number) {
    const copy = stillCopy!;
    try {
      return await probe.scroll(copy, px, ms);
    } finally {
      copy.remove();
      stillCopy = undefined;
    }
  },
  /** Frame times with nothing changing (the machine's floor for the scroll figures). */
  idleFrames(ms: number): Promise<number[]> {
    return probe.idleFrames(ms);
  },
  /** Elements in the document, and under the panel's root. */
  domNodes(): { document: number; panel: number } {
    return {
      document: document.getElementsByTagName('*').length,
      panel: byTestId(TEST_IDS.panel.root)?.getElementsByTagName('*').length ?? 0,
    };
  },
};

window.isoscopeHost = host;
window.isoscopeBench = bench;
