import React, { useState } from 'react';
import {
  applyFieldOverrides,
  createTheme,
  getDefaultTimeRange,
  LoadingState,
  type DataFrame,
  type DataQueryError,
  type FieldConfigSource,
  type InterpolateFunction,
  type PanelProps,
  type ScopedVars,
} from '@grafana/data';

import { DEFAULT_THRESHOLDS } from '../../src/components/UsageBar/thresholds';
import { DEFAULT_OPTIONS, type IsolationOptions } from '../../src/types';

/**
 * A stand-in for Grafana's template service, enough for data links: `${__field.labels.X}` and
 * `${__field.name}` from the data context getLinksSupplier passes, other `${var}` from `vars`.
 */
export function fakeReplaceVariables(vars: Record<string, string> = {}): InterpolateFunction {
  return (value: string, scopedVars?: ScopedVars) =>
    value.replace(/\$\{([^}]+)\}/g, (whole, expr: string) => {
      const field = (scopedVars?.__dataContext?.value as { field?: { labels?: Record<string, string>; name?: string } })
        ?.field;
      const label = /^__field\.labels\.(.+)$/.exec(expr);
      if (label) {
        return field?.labels?.[label[1]] ?? '';
      }
      if (expr === '__field.name') {
        return field?.name ?? '';
      }
      return vars[expr] ?? whole;
    });
}

export interface PropsSpec {
  options?: Partial<IsolationOptions>;
  series?: DataFrame[];
  state?: LoadingState;
  errors?: DataQueryError[];
  fieldConfig?: Partial<FieldConfigSource['defaults']>;
  /** Field overrides, applied to the frames as Grafana does (needs initOptionRegistries for their properties). */
  overrides?: FieldConfigSource['overrides'];
  width?: number;
  height?: number;
}

/** PanelProps as Grafana hands them to the panel, built by hand (no Grafana server under jest). */
export function panelProps(spec: PropsSpec = {}): PanelProps<IsolationOptions> {
  const timeRange = getDefaultTimeRange();
  const fieldConfig: FieldConfigSource = {
    defaults: { thresholds: DEFAULT_THRESHOLDS, ...spec.fieldConfig },
    overrides: spec.overrides ?? [],
  };
  const replaceVariables = fakeReplaceVariables();
  // Grafana applies the field config to the frames before the panel sees them; do the same, so the
  // frames carry display processors and links as they would in a dashboard.
  const series = applyFieldOverrides({
    data: spec.series ?? [],
    fieldConfig,
    replaceVariables,
    theme: createTheme(),
    timeZone: 'utc',
  });
  return {
    id: 1,
    data: { state: spec.state ?? LoadingState.Done, series, timeRange, errors: spec.errors },
    timeRange,
    timeZone: 'utc',
    options: { ...DEFAULT_OPTIONS, ...spec.options },
    onOptionsChange: jest.fn(),
    onFieldConfigChange: jest.fn(),
    replaceVariables,
    fieldConfig,
    width: spec.width ?? 1200,
    height: spec.height ?? 600,
    transparent: false,
    renderCounter: 0,
    title: 'Isolation',
    eventBus: {
      publish: jest.fn(),
      getStream: jest.fn(),
      subscribe: jest.fn(),
      removeAllListeners: jest.fn(),
      newScopedBus: jest.fn(),
    },
    onChangeTimeRange: jest.fn(),
  };
}

/**
 * Renders a panel the way a dashboard does between option changes: onOptionsChange feeds the new options
 * back in (Grafana re-renders the panel with them), and `spy` records each change.
 */
export function WithOptions({
  props,
  spy,
  Panel,
}: {
  props: PanelProps<IsolationOptions>;
  spy?: (o: IsolationOptions) => void;
  Panel: React.ComponentType<PanelProps<IsolationOptions>>;
}) {
  const [options, setOptions] = useState(props.options);
  return (
    <Panel
      {...props}
      options={options}
      onOptionsChange={(o) => {
        spy?.(o);
        setOptions(o);
      }}
    />
  );
}
