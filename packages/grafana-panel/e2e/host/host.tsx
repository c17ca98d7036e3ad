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
import React, { useState } from 'react';
import { createRoot } from 'react-dom/client';

import { frontendTransform, type DsQueryResponse, type PromTarget } from '../promToFrames';
import { initGrafanaRegistries } from './grafanaRegistries';

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
  /** The /api/ds/query body (part 1 of promToFrames). */
  response: DsQueryResponse;
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
}

export interface MountResult {
  /** The AMD dependencies module.js declared. */
  requested: string[];
  /** What the host shares. */
  shared: string[];
  options: Record<string, unknown>;
  /** refId/field names of the frames handed to the panel, for failure messages. */
  frames: Array<{ refId?: string; fields: string[]; length: number }>;
}

let root: ReturnType<typeof createRoot> | undefined;

const host = {
  async mount(input: MountInput): Promise<MountResult> {
    const exports = await window.__isoscopeAmd.importModule(input.moduleUrl);
    const plugin = exports.plugin as PanelPlugin | undefined;
    if (!plugin || !(plugin instanceof grafanaData.PanelPlugin) || !plugin.panel) {
      throw new Error(
        `${input.moduleUrl} does not export a PanelPlugin with a panel (exports: ${Object.keys(exports).join(', ')})`
      );
    }

    // The data source's response, decoded as DataSourceWithBackend does, then the Prometheus frontend step.
    const queries = input.targets.map((t) => ({ ...t, datasource: { type: 'prometheus', uid: 'prometheus' } }));
    const response = toDataQueryResponse({ data: input.response }, queries);
    if (response.error || response.errors?.length) {
      throw new Error(`query errors: ${JSON.stringify(response.errors ?? response.error)}`);
    }
    const series = frontendTransform(response.data, input.targets, { getFieldDisplayName });

    const theme = createTheme({ colors: { mode: input.theme ?? 'dark' } });
    const timeRange: TimeRange = {
      from: dateTime(input.from),
      to: dateTime(input.to),
      raw: { from: 'now-1m', to: 'now' },
    };
    const defaults = getPanelOptionsWithDefaults({
      plugin: plugin as PanelPlugin,
      currentOptions: input.options ?? {},
      currentFieldConfig: { defaults: {}, overrides: [] },
      isAfterPluginChange: false,
    });
    const replaceVariables = (value: string) => value;
    const eventBus = new EventBusSrv();
    const Panel = plugin.panel as React.ComponentType<PanelProps<Record<string, unknown>>>;

    function PanelHost() {
      const [options, setOptions] = useState(defaults.options);
      const [fieldConfig, setFieldConfig] = useState<FieldConfigSource>(defaults.fieldConfig);
      const [renderCounter, setRenderCounter] = useState(0);
      // PanelQueryRunner.getData({ withFieldConfig: true }): field config and display processors applied.
      const data: PanelData = {
        state: LoadingState.Done,
        series: applyFieldOverrides({
          data: series,
          fieldConfig,
          fieldConfigRegistry: plugin!.fieldConfigRegistry,
          replaceVariables,
          theme,
          timeZone: 'browser',
        }),
        timeRange,
      };
      return (
        <PanelChrome title={input.title} width={input.width} height={input.height}>
          {(innerWidth, innerHeight) => (
            <ErrorBoundary>
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
            </ErrorBoundary>
          )}
        </PanelChrome>
      );
    }

    root?.unmount();
    const container = document.getElementById('root')!;
    container.style.padding = '8px';
    root = createRoot(container);
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
      frames: series.map((f) => ({ refId: f.refId, fields: f.fields.map((x) => x.name), length: f.length })),
    };
  },
  ready: shareModules(),
};

window.isoscopeHost = host;
