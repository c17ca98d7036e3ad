/**
 * Test frames shaped exactly as Grafana 13's Prometheus data source hands them to a panel (see FRAMES.md).
 * For tests only; nothing in the panel imports this.
 */
import { createDataFrame, DataFrameType, FieldType, type DataFrame, type Field, type Labels } from '@grafana/data';
import { NAMESPACE_TYPES } from '@isoscope/shared';

import { containerKey } from './frames';
import type { ContainerView } from './types';

/** A fixed "now" for test frames (ms). */
export const T0 = 1_700_000_000_000;
export const STEP_MS = 15_000;

export interface SeriesSpec {
  /** Full label set, `__name__` included when the query keeps it. */
  labels: Labels;
  /** Sample values, oldest first; NaN as Prometheus sends it, null for a gap a transformation left. */
  values: Array<number | null>;
  /** Sample times (ms); default: one step apart, ending at `end`. */
  times?: number[];
  end?: number;
}

export interface FrameOpts {
  /** The PromQL, for `meta.executedQueryString` on the query's first frame. */
  expr?: string;
  /** `config.displayNameFromDS` (set by a legend format); display only. */
  legend?: string;
}

function seriesFrame(
  refId: string,
  s: SeriesSpec,
  resultType: 'matrix' | 'vector',
  first: boolean,
  opts: FrameOpts
): DataFrame {
  const end = s.end ?? T0;
  const times = s.times ?? s.values.map((_, i) => end - (s.values.length - 1 - i) * STEP_MS);
  const name = s.labels.__name__ ?? 'Value';
  const valueField: Partial<Field> = {
    name,
    type: FieldType.number,
    values: s.values,
    labels: { ...s.labels },
    config: opts.legend ? { displayNameFromDS: opts.legend } : {},
  };
  return createDataFrame({
    refId,
    meta: {
      type: DataFrameType.TimeSeriesMulti,
      typeVersion: [0, 0],
      custom: first ? { resultType, calculatedMinStep: STEP_MS } : { resultType },
      executedQueryString: first && opts.expr ? `Expr: ${opts.expr}\nStep: 15s` : undefined,
      preferredVisualisationType: 'graph',
    },
    fields: [{ name: 'Time', type: FieldType.time, values: times, config: { interval: STEP_MS } }, valueField],
  });
}

/** A range query: one frame per series, Time + value field with labels. */
export function rangeFrames(refId: string, series: SeriesSpec[], opts: FrameOpts = {}): DataFrame[] {
  if (series.length === 0) {
    return [emptyFrame(refId)];
  }
  return series.map((s, i) => seriesFrame(refId, s, 'matrix', i === 0, opts));
}

/** An instant query in "time series" format: one frame per series with a single row. */
export function instantFrames(
  refId: string,
  series: Array<{ labels: Labels; value: number | null; time?: number }>,
  opts: FrameOpts = {}
): DataFrame[] {
  if (series.length === 0) {
    return [emptyFrame(refId)];
  }
  return series.map((s, i) =>
    seriesFrame(refId, { labels: s.labels, values: [s.value], times: [s.time ?? T0] }, 'vector', i === 0, opts)
  );
}

/** A query that returned nothing: one frame without fields. */
export function emptyFrame(refId: string): DataFrame {
  return createDataFrame({ refId, meta: {}, fields: [] });
}

export interface TableRow {
  labels: Labels;
  value: number | null;
  time?: number;
}

/**
 * One refId's instant (or range) result in "table" format, as `transformDFToTable` builds it:
 * `[Time, <label columns>, <value>]`, label columns in first-seen order of each series' sorted labels,
 * '' where a series lacks a label. `valueName` is "Value" when only one refId is table-formatted, else
 * "Value #<refId>" (use `tableFrames` to get that right).
 */
export function tableFrame(refId: string, rows: TableRow[], valueName = 'Value'): DataFrame {
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    for (const k of Object.keys(r.labels).sort()) {
      if (!seen.has(k)) {
        seen.add(k);
        columns.push(k);
      }
    }
  }
  return createDataFrame({
    refId,
    meta: { preferredVisualisationType: 'rawPrometheus', custom: { resultType: 'vector' } },
    fields: [
      { name: 'Time', type: FieldType.time, values: rows.map((r) => r.time ?? T0), config: { interval: STEP_MS } },
      ...columns.map((c) => ({
        name: c,
        type: FieldType.string,
        values: rows.map((r) => r.labels[c] ?? ''),
        config: { filterable: true },
      })),
      { name: valueName, type: FieldType.number, values: rows.map((r) => r.value), config: {} },
    ],
  });
}

/** Several table-format queries answered together: "Value #<refId>" once there is more than one. */
export function tableFrames(queries: Record<string, TableRow[]>): DataFrame[] {
  const refIds = Object.keys(queries);
  return refIds.map((refId) => tableFrame(refId, queries[refId], refIds.length > 1 ? `Value #${refId}` : 'Value'));
}

export interface ContainerSpec {
  instance?: string;
  id: string;
  name?: string;
  image?: string;
  namespace?: string;
  pod?: string;
  container?: string;
}

/** The labels the exporter puts on a per-container series (plus Prometheus' `instance`/`job`). */
export function containerLabels(c: ContainerSpec, extra: Labels = {}): Labels {
  const l: Labels = { id: c.id, name: c.name ?? '', image: c.image ?? '', job: 'isoscope' };
  if (c.instance !== undefined) {
    l.instance = c.instance;
  }
  if (c.namespace !== undefined) {
    l.namespace = c.namespace;
  }
  if (c.pod !== undefined) {
    l.pod = c.pod;
  }
  if (c.container !== undefined) {
    l.container = c.container;
  }
  return { ...l, ...extra };
}

/** Labels of a raw exporter series: the container's labels plus `__name__` (and any extra, e.g. ns_type). */
export function metricLabels(metric: string, c: ContainerSpec, extra: Labels = {}): Labels {
  return { __name__: metric, ...containerLabels(c, extra) };
}

/** A ContainerView for tests of the functions after buildPanelModel; every namespace unknown by default. */
export function containerView(p: Partial<ContainerView> & { name: string }): ContainerView {
  const instance = p.instance ?? 'h:9100';
  const id = p.id ?? `/${p.name}`;
  return {
    key: containerKey(instance, id),
    instance,
    id,
    namespaces: NAMESPACE_TYPES.map((type) => ({ type, state: 'unknown', sharedWith: [] })),
    security: {},
    cpu: {},
    memory: {},
    pids: {},
    pressure: {},
    network: {},
    io: {},
    ...p,
  };
}
