/**
 * Prometheus HTTP API answers → the data frames a Grafana 13 panel receives from the Prometheus data source,
 * following src/data/FRAMES.md (which names the Grafana sources).
 *
 * Grafana splits this work in two, and so does this file:
 *  1. `backendFrames` / `queryResponse`: what Grafana's backend (pkg/promlib) sends the browser from
 *     /api/ds/query, i.e. `DataFrameJSON` per refId: one frame per series (Time + value field with the
 *     series' labels, `__name__` included), NaN/±Inf as null plus `entities`. Runs in node (the test
 *     queries Prometheus there); the result is plain JSON, the actual wire format.
 *  2. `frontendTransform`: what the data source's frontend (`transformV2` in grafana-prometheus'
 *     result_transformer.ts) then does to the decoded frames: table format (`transformDFToTable`) for
 *     targets with `format: 'table'`, `preferredVisualisationType: 'graph'` on the rest, and the legend
 *     "Auto" display-name migration. Runs in the page, on the frames `toDataQueryResponse` (the real
 *     @grafana/runtime decoder) made from part 1.
 *
 * Only type imports from @grafana/data: node (jest) cannot load @grafana/data without transforms, and the
 * page passes in the one runtime function part 2 needs.
 */
import type {
  DataFrame,
  DataFrameJSON,
  Field,
  FieldType,
  FieldValueEntityLookup,
  Labels,
  QueryResultMeta,
} from '@grafana/data';

/** One query of the panel, as a dashboard target would state it. */
export interface PromTarget {
  refId: string;
  expr: string;
  /** Instant (one sample per series at `time`) or range (`start`..`end` every `stepMs`). */
  instant: boolean;
  /** 'table' → one frame per refId with label columns (frontend); 'time_series' → one frame per series. */
  format: 'table' | 'time_series';
  /** Grafana's default for new queries is '__auto' (legend "Auto"). */
  legendFormat?: string;
}

/** The `data` of a Prometheus /api/v1/query or /api/v1/query_range answer. */
export type PromData =
  | { resultType: 'matrix'; result: Array<{ metric: Labels; values: Array<[number, string]> }> }
  | { resultType: 'vector'; result: Array<{ metric: Labels; value: [number, string] }> }
  | { resultType: 'scalar' | 'string'; result: [number, string] };

/** The body of /api/ds/query as the backend answers it (`results` keyed by refId). */
export interface DsQueryResponse {
  results: Record<string, { status: number; frames: DataFrameJSON[] }>;
}

/** Prometheus sample text → number, as the Go converter parses it ("NaN", "+Inf", "-Inf" included). */
function parseSample(text: string): number {
  if (/^\+?inf(inity)?$/i.test(text)) {
    return Infinity;
  }
  if (/^-inf(inity)?$/i.test(text)) {
    return -Infinity;
  }
  return Number(text);
}

/** Go's time.Duration.String() for whole milliseconds: "15s", "1m0s", "1.5s". */
export function goDuration(ms: number): string {
  if (ms === 0) {
    return '0s';
  }
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  if (h > 0) {
    return `${h}h${m}m${s}s`;
  }
  if (m > 0) {
    return `${m}m${s}s`;
  }
  return `${s}s`;
}

/** Values with NaN/±Inf replaced by null and their positions in an entities lookup (as the Go SDK encodes). */
function encodeNumbers(values: number[]): { values: Array<number | null>; entities: FieldValueEntityLookup | null } {
  const lookup: FieldValueEntityLookup = {};
  const out = values.map((v, i) => {
    if (Number.isNaN(v)) {
      (lookup.NaN ??= []).push(i);
      return null;
    }
    if (v === Infinity) {
      (lookup.Inf ??= []).push(i);
      return null;
    }
    if (v === -Infinity) {
      (lookup.NegInf ??= []).push(i);
      return null;
    }
    return v;
  });
  return { values: out, entities: Object.keys(lookup).length > 0 ? lookup : null };
}

/**
 * Part 1: one query's Prometheus answer as the backend's frames (FRAMES.md "Every series-shaped frame").
 * `stepMs` is the step Grafana used (range) or would use (instant; it still reports one).
 */
export function backendFrames(target: PromTarget, data: PromData, stepMs: number): DataFrameJSON[] {
  const executedQueryString = `Expr: ${target.expr}\nStep: ${goDuration(stepMs)}`;
  if (data.resultType !== 'matrix' && data.resultType !== 'vector') {
    throw new Error(`${target.refId}: result type ${data.resultType} is not handled by this harness`);
  }
  const series =
    data.resultType === 'matrix'
      ? data.result.map((s) => ({ metric: s.metric, samples: s.values }))
      : data.result.map((s) => ({ metric: s.metric, samples: [s.value] }));
  if (series.length === 0) {
    // pkg/promlib adds an empty frame to carry the metadata.
    return [{ schema: { refId: target.refId, meta: { executedQueryString }, fields: [] }, data: { values: [] } }];
  }
  return series.map((s, i) => {
    const labels: Labels = { ...s.metric };
    const times = s.samples.map(([t]) => Math.round(t * 1000));
    const encoded = encodeNumbers(s.samples.map(([, v]) => parseSample(v)));
    const legend = legendOf(target, labels);
    const frame: DataFrameJSON = {
      schema: {
        refId: target.refId,
        meta: {
          type: 'timeseries-multi' as QueryResultMeta['type'],
          typeVersion: [0, 0],
          custom:
            i === 0 ? { resultType: data.resultType, calculatedMinStep: stepMs } : { resultType: data.resultType },
          ...(i === 0 ? { executedQueryString } : {}),
        },
        fields: [
          { name: 'Time', type: 'time' as FieldType, config: { interval: stepMs } },
          {
            name: labels.__name__ ?? 'Value',
            type: 'number' as FieldType,
            labels,
            config: legend ? { displayNameFromDS: legend } : {},
          },
        ],
      },
      data: {
        values: [times, encoded.values],
        ...(encoded.entities ? { entities: [null, encoded.entities] } : {}),
      },
    };
    return frame;
  });
}

/** pkg/promlib getName(): the legend the backend puts in displayNameFromDS ('' = none). */
function legendOf(target: PromTarget, labels: Labels): string {
  // built only when used: with legend Auto and labels (every series here) it is not, and sorting every
  // series' labels for nothing was a fifth of this step at 2,000 containers
  const fallback = () => {
    const keys = Object.keys(labels).filter((k) => k !== '__name__');
    const name = labels.__name__ ?? '';
    return keys.length === 0
      ? name || '{}'
      : `${name}{${keys
          .sort()
          .map((k) => `${k}=${JSON.stringify(labels[k])}`)
          .join(', ')}}`;
  };
  let legend: string;
  if (target.legendFormat === '__auto') {
    legend = Object.keys(labels).length > 0 ? '' : fallback();
  } else if (target.legendFormat) {
    legend = target.legendFormat.replace(/\{\{\s*(.+?)\s*\}\}/g, (_m, key: string) => labels[key] ?? '');
  } else {
    legend = fallback();
  }
  return legend === '{}' ? target.expr : legend;
}

/** Part 1 for several queries: the /api/ds/query body. */
export function queryResponse(answers: Array<{ target: PromTarget; data: PromData; stepMs: number }>): DsQueryResponse {
  const results: DsQueryResponse['results'] = {};
  for (const a of answers) {
    results[a.target.refId] = { status: 200, frames: backendFrames(a.target, a.data, a.stepMs) };
  }
  return { results };
}

/** What part 2 needs from @grafana/data at runtime (the page passes the real functions). */
export interface FrontendDeps {
  getFieldDisplayName: (field: Field, frame?: DataFrame, allFrames?: DataFrame[]) => string;
}

/**
 * Part 2: grafana-prometheus' `transformV2` on decoded frames, for the cases these targets produce
 * (no exemplars, no heatmaps). Output order as there: time-series frames first, then table frames.
 * Linear in the number of frames (see displayNameScope).
 */
export function frontendTransform(frames: DataFrame[], targets: PromTarget[], deps: FrontendDeps): DataFrame[] {
  const byRefId = new Map(targets.map((t) => [t.refId, t]));
  const targetOf = (f: DataFrame) => (f.refId === undefined ? undefined : byRefId.get(f.refId));
  // "migration for dataplane field name issue": legend Auto and a value field named by __name__.
  const scope = displayNameScope(frames);
  for (const f of frames) {
    if (targetOf(f)?.legendFormat === '__auto') {
      for (const field of f.fields) {
        if (field.labels?.__name__ && field.labels.__name__ === field.name) {
          field.config.displayNameFromDS = deps.getFieldDisplayName({ ...field, name: 'Value' }, f, scope);
        }
      }
    }
  }
  const tableFrames: DataFrame[] = [];
  const others: DataFrame[] = [];
  for (const f of frames) {
    if (targetOf(f)?.format === 'table') {
      tableFrames.push(f);
    } else {
      others.push({ ...f, meta: { ...f.meta, preferredVisualisationType: 'graph' as const } });
    }
  }
  return [...others, ...transformDFToTable(tableFrames)];
}

/**
 * What `getFieldDisplayName(field, frame, allFrames)` reads of `allFrames`, in two frames. The data
 * source passes every frame of the response, and @grafana/data's calculateFieldDisplayName looks at
 * them for three things only: whether there is more than one, whether any two frame names differ, and
 * the one label name all fields share (getSingleLabelName; none when two names occur). Scanning all
 * frames once per field is what made this step quadratic (74,000 frames at 2,000 containers); the same
 * three answers from a two-frame stand-in give the same display names.
 */
export function displayNameScope(frames: DataFrame[]): DataFrame[] {
  if (frames.length <= 2) {
    return frames;
  }
  const namesDiffer = frames.some((f, i) => i > 0 && f.name !== frames[i - 1].name);
  let single: string | null = null;
  let several = false;
  for (const f of frames) {
    for (const field of f.fields) {
      for (const key in field.labels ?? {}) {
        if (single === null) {
          single = key;
        } else if (key !== single) {
          several = true;
          break;
        }
      }
      if (several) {
        break;
      }
    }
    if (several) {
      break;
    }
  }
  const labels: Labels = single !== null && !several ? { [single]: '' } : {};
  const field: Field = { name: '', type: 'number' as FieldType, config: {}, values: [], labels };
  return [
    { name: frames[0].name, fields: [field], length: 0 },
    { name: namesDiffer ? `${frames[0].name ?? ''}\u0000other` : frames[0].name, fields: [], length: 0 },
  ];
}

/** grafana-prometheus `transformDFToTable` (FRAMES.md "table format"). */
export function transformDFToTable(dfs: DataFrame[]): DataFrame[] {
  if (dfs.length === 0 || (dfs.length === 1 && dfs[0].length === 0)) {
    return dfs;
  }
  const byRefId = new Map<string, DataFrame[]>();
  for (const df of dfs) {
    const key = String(df.refId);
    const group = byRefId.get(key);
    if (group) {
      group.push(df);
    } else {
      byRefId.set(key, [df]);
    }
  }
  const refIds = [...byRefId.keys()];
  return refIds.map((refId) => {
    const group = byRefId.get(refId)!;
    const valueName = refIds.length > 1 ? `Value #${refId}` : 'Value';
    const timeField: Field = { name: 'Time', type: 'time' as FieldType, config: {}, values: [] };
    const valueField: Field = {
      name: valueName,
      type: 'number' as FieldType,
      config: { displayNameFromDS: undefined },
      labels: undefined,
      values: [],
    };
    const labelFields: Field[] = [];
    const seen = new Set<string>();
    for (const df of group) {
      for (const label of Object.keys(df.fields[1]?.labels ?? {}).sort()) {
        if (!seen.has(label)) {
          seen.add(label);
          labelFields.push({ name: label, config: { filterable: true }, type: 'string' as FieldType, values: [] });
        }
      }
    }
    let prevTime = -Infinity;
    let needsSort = false;
    for (const df of group) {
      timeField.config.interval ??= df.fields[0]?.config.interval;
      for (const t of df.fields[0]?.values ?? []) {
        timeField.values.push(t);
        if (t < prevTime) {
          needsSort = true;
        }
        prevTime = t;
      }
      for (const v of df.fields[1]?.values ?? []) {
        // parseSampleValue(): the decoded values are numbers already; parseFloat keeps NaN/±Infinity.
        valueField.values.push(typeof v === 'number' ? v : parseFloat(String(v)));
        const labels = df.fields[1].labels ?? {};
        for (const lf of labelFields) {
          lf.values.push(Object.prototype.hasOwnProperty.call(labels, lf.name) ? labels[lf.name] : '');
        }
      }
    }
    const fields = [timeField, ...labelFields, valueField];
    if (needsSort) {
      const order = timeField.values.map((_, i) => i).sort((a, b) => timeField.values[a] - timeField.values[b]);
      for (const f of fields) {
        f.values = order.map((i) => f.values[i]);
      }
    }
    return {
      refId,
      fields,
      meta: { ...group[0].meta, preferredVisualisationType: 'rawPrometheus' as const },
      length: timeField.values.length,
    };
  });
}
