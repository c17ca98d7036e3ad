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
import React, { useLayoutEffect, useMemo, useState } from 'react';
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
/** Hands a refreshed query result to the mounted panel (set while a panel is mounted). */
let refreshSeries: ((series: DataFrame[]) => void) | undefined;

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
  return { series, timings: { decodeMs: t1 - t0, transformMs: performance.now() - t1 } };
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

const host = {
  async mount(input: MountInput): Promise<MountResult> {
    const exports = await window.__isoscopeAmd.importModule(input.moduleUrl);
    const plugin = exports.plugin as PanelPlugin | undefined;
    if (!plugin || !(plugin instanceof grafanaData.PanelPlugin) || !plugin.panel) {
      throw new Error(
        `${input.moduleUrl} does not export a PanelPlugin with a panel (exports: ${Object.keys(exports).join(', ')})`
      );
    }

    const { series: initialSeries, timings } = toSeries(input.response, input.targets);

    const theme = createTheme({ colors: { mode: input.theme ?? 'dark' } });
    const timeRange: TimeRange = {
      from: dateTime(input.from),
      to: dateTime(input.to),
      raw: { from: 'now-1m', to: 'now' },
    };
    const defaults = getPanelOptionsWithDefaults({
      plugin: plugin as PanelPlugin,
      currentOptions: input.options ?? {},
      currentFieldConfig: input.fieldConfig ?? { defaults: {}, overrides: [] },
      isAfterPluginChange: false,
    });
    const replaceVariables = (value: string) => value;
    const eventBus = new EventBusSrv();
    const Panel = plugin.panel as React.ComponentType<PanelProps<Record<string, unknown>>>;

    function PanelHost() {
      const [series, setSeries] = useState(initialSeries);
      const [options, setOptions] = useState(defaults.options);
      const [fieldConfig, setFieldConfig] = useState<FieldConfigSource>(defaults.fieldConfig);
      const [renderCounter, setRenderCounter] = useState(0);
      refreshSeries = setSeries;
      // PanelQueryRunner.getData({ withFieldConfig: true }): field config and display processors applied,
      // again only when the data or the field config change (as Grafana's VizPanel memoises it), not when
      // an option does.
      const data: PanelData = useMemo(() => {
        const t0 = performance.now();
        const withConfig = applyFieldOverrides({
          data: series,
          fieldConfig,
          fieldConfigRegistry: plugin!.fieldConfigRegistry,
          replaceVariables,
          theme,
          timeZone: 'browser',
        });
        probe.hostStep('fieldOverrides', performance.now() - t0);
        return { state: LoadingState.Done, series: withConfig, timeRange };
      }, [series, fieldConfig]);
      return (
        <PanelChrome title={input.title} width={input.width} height={input.height}>
          {(innerWidth, innerHeight) => (
            <ErrorBoundary>
              <PanelProbe>
                <Panel
                  id={1}
                  title={input.title}
                  data={data}
                  timeRange={timeRange}
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
    refreshSeries = undefined;
    const container = document.getElementById('root')!;
    container.style.padding = '8px';
    root = createRoot(container);
    probe.mounting();
    root.render(
      <ThemeContext.Provider value={theme}>
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
      frames: initialSeries.map((f) => ({ refId: f.refId, fields: f.fields.map((x) => x.name), length: f.length })),
      timings,
    };
  },
  /** A dashboard refresh: the same queries' new answers reach the mounted panel. */
  refresh(input: { response: DsQueryResponse | string; targets: PromTarget[] }): HostTimings {
    if (!refreshSeries) {
      throw new Error('no panel mounted');
    }
    const { series, timings } = toSeries(input.response, input.targets);
    probe.mounting();
    refreshSeries(series);
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

const bench = {
  /** Keeps a response (JSON text) in the page, so repeated mounts and refreshes need not send it again. */
  keep(key: string, response: string): void {
    kept.set(key, response);
  },
  async mount(
    input: Omit<MountInput, 'response'> & { responseKey: string }
  ): Promise<{ mounted: MountResult; measured: Measured }> {
    const mounted = await host.mount({ ...input, response: kept.get(input.responseKey)! });
    const measured = await probe.measure(() => byTestId(TEST_IDS.table.containerRow) !== null);
    return { mounted, measured };
  },
  async refresh(input: { responseKey: string; targets: PromTarget[] }) {
    const timings = host.refresh({ response: kept.get(input.responseKey)!, targets: input.targets });
    const measured = await probe.measure(() => probe.hasCommitted());
    return { timings, measured };
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
