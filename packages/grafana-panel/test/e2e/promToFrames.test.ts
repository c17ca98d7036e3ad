import { FieldType, getFieldDisplayName, type DataFrame } from '@grafana/data';
import { toDataQueryResponse } from '@grafana/runtime';

import { buildPanelModel } from '../../src/data';
import {
  backendFrames,
  displayNameScope,
  frontendTransform,
  queryResponse,
  type PromData,
  type PromTarget,
} from '../../e2e/promToFrames';
import { FLEET_HOSTS, fleetAnswers } from '../../e2e/support/fleet';
import { panelTargets, STEP_MS } from '../../e2e/support/targets';

// The browser tests and the benchmark see the panel only through this conversion: it must keep the shapes
// src/data/FRAMES.md describes (Grafana's backend, then the Prometheus data source's frontend step).

const raw: PromTarget = {
  refId: 'raw',
  expr: '{__name__=~"a|b"}',
  instant: true,
  format: 'table',
  legendFormat: '__auto',
};
const rate: PromTarget = {
  refId: 'cpuUsage',
  expr: 'rate(x[15s])',
  instant: false,
  format: 'time_series',
  legendFormat: '__auto',
};

const vector = (result: Array<[Record<string, string>, string]>): PromData => ({
  resultType: 'vector',
  result: result.map(([metric, v]) => ({ metric, value: [1000, v] as [number, string] })),
});

/** The page's half: the /api/ds/query body decoded as DataSourceWithBackend does, then transformV2. */
function panelFrames(answers: Parameters<typeof queryResponse>[0]): DataFrame[] {
  const targets = answers.map((a) => a.target);
  const body = JSON.parse(JSON.stringify(queryResponse(answers)));
  const decoded = toDataQueryResponse({ data: body } as never, targets.map((t) => ({ ...t })) as never);
  return frontendTransform(decoded.data, targets, { getFieldDisplayName });
}

describe('backendFrames (pkg/promlib)', () => {
  it('gives one frame per series: Time and a value field named by __name__, with every label, NaN as an entity', () => {
    const frames = backendFrames(
      raw,
      vector([
        [{ __name__: 'a', id: '/x', instance: 'h:1' }, '1'],
        [{ __name__: 'b', id: '/x', instance: 'h:1' }, 'NaN'],
      ]),
      5000
    );
    expect(frames).toHaveLength(2);
    expect(frames[0].schema?.fields.map((f) => [f.name, f.type])).toEqual([
      ['Time', 'time'],
      ['a', 'number'],
    ]);
    expect(frames[0].schema?.fields[1].labels).toEqual({ __name__: 'a', id: '/x', instance: 'h:1' });
    expect(frames[0].schema?.meta?.executedQueryString).toBe(`Expr: ${raw.expr}\nStep: 5s`);
    expect(frames[1].schema?.meta?.executedQueryString).toBeUndefined();
    expect(frames[1].data?.values[1]).toEqual([null]);
    expect(frames[1].data?.entities?.[1]).toEqual({ NaN: [0] });
  });

  it('gives one frame without fields for a query without result', () => {
    const frames = backendFrames(rate, { resultType: 'matrix', result: [] }, 5000);
    expect(frames).toHaveLength(1);
    expect(frames[0].schema?.fields).toEqual([]);
  });
});

describe('frontendTransform (transformV2, transformDFToTable)', () => {
  const frames = panelFrames([
    {
      target: raw,
      data: vector([
        [{ __name__: 'a', id: '/x', instance: 'h:1', pod: 'p' }, '1'],
        [{ __name__: 'b', id: '/y', instance: 'h:1' }, '+Inf'],
      ]),
      stepMs: 5000,
    },
    {
      target: rate,
      data: {
        resultType: 'matrix',
        result: [
          {
            metric: { id: '/x', instance: 'h:1' },
            values: [
              [995, '0.5'],
              [1000, 'NaN'],
            ],
          },
        ],
      },
      stepMs: 5000,
    },
  ]);

  it('puts the time series first, marked for graphs, then one table frame per table-format refId', () => {
    expect(frames.map((f) => [f.refId, f.meta?.preferredVisualisationType])).toEqual([
      ['cpuUsage', 'graph'],
      ['raw', 'rawPrometheus'],
    ]);
    expect(frames[0].fields[1].values).toEqual([0.5, NaN]);
  });

  it('makes the table: Time, one string column per label (sorted, first appearance), "Value" with one table refId', () => {
    const table = frames[1];
    expect(table.fields.map((f) => [f.name, f.type])).toEqual([
      ['Time', FieldType.time],
      ['__name__', FieldType.string],
      ['id', FieldType.string],
      ['instance', FieldType.string],
      ['pod', FieldType.string],
      ['Value', FieldType.number],
    ]);
    expect(table.length).toBe(2);
    expect(table.fields.find((f) => f.name === 'pod')?.values).toEqual(['p', '']);
    expect(table.fields[5].values).toEqual([1, Infinity]);
    expect(table.fields[5].labels).toBeUndefined();
  });

  it('names the value column "Value #<refId>" when several refIds are table-formatted', () => {
    const other: PromTarget = { ...raw, refId: 'B' };
    const two = panelFrames([
      { target: raw, data: vector([[{ __name__: 'a', id: '/x' }, '1']]), stepMs: 5000 },
      { target: other, data: vector([[{ __name__: 'b', id: '/x' }, '2']]), stepMs: 5000 },
    ]);
    expect(two.map((f) => f.fields[f.fields.length - 1].name)).toEqual(['Value #raw', 'Value #B']);
  });
});

describe('displayNameScope', () => {
  const frame = (name: string | undefined, labels: Record<string, string>): DataFrame => ({
    name,
    fields: [{ name: 'Value', type: FieldType.number, config: {}, values: [1], labels }],
    length: 1,
  });
  const cases: Array<[string, DataFrame[]]> = [
    [
      'no names, several label names',
      [frame(undefined, { a: '1', b: '2' }), frame(undefined, { a: '3' }), frame(undefined, { a: '4', c: '5' })],
    ],
    [
      'one label name everywhere',
      [frame(undefined, { a: '1' }), frame(undefined, { a: '2' }), frame(undefined, { a: '3' })],
    ],
    ['frame names that differ', [frame('x', { a: '1', b: '2' }), frame('x', { a: '1' }), frame('y', { b: '1' })]],
  ];

  it.each(cases)('gives the display names all frames give (%s)', (_what, frames) => {
    const scope = displayNameScope(frames);
    expect(scope.length).toBeLessThanOrEqual(2);
    for (const f of frames) {
      const field = f.fields[0];
      expect(getFieldDisplayName({ ...field, state: undefined }, f, scope)).toBe(
        getFieldDisplayName({ ...field, state: undefined }, f, frames)
      );
    }
  });
});

describe('the synthetic fleet', () => {
  it(`spreads its containers over ${FLEET_HOSTS} hosts, each pod (of one to three containers) on one host, and the panel reads every one`, () => {
    const n = 200;
    const model = buildPanelModel(panelFrames(fleetAnswers(panelTargets(), n, 1_000_000, STEP_MS)), { refIdRoles: {} });
    expect(model.containers).toHaveLength(n);
    expect(model.unrecognised).toEqual([]);
    const perHost = new Map<string, number>();
    const hostOfPod = new Map<string, Set<string>>();
    const podSize = new Map<string, number>();
    for (const c of model.containers) {
      perHost.set(c.instance, (perHost.get(c.instance) ?? 0) + 1);
      if (c.pod) {
        hostOfPod.set(c.pod, (hostOfPod.get(c.pod) ?? new Set()).add(c.instance));
        podSize.set(c.pod, (podSize.get(c.pod) ?? 0) + 1);
      }
    }
    expect([...perHost.values()]).toEqual(Array(FLEET_HOSTS).fill(n / FLEET_HOSTS));
    expect([...hostOfPod.values()].every((hosts) => hosts.size === 1)).toBe(true);
    // pods of one, two and three containers (on one host each): grouping draws pod header rows
    expect(new Set(podSize.values())).toEqual(new Set([1, 2, 3]));
    // a pod's containers share its network namespace, and know how many share it
    const net = (c: (typeof model.containers)[number]) => c.namespaces.find((x) => x.type === 'net');
    const pod0 = model.containers.filter((c) => c.pod === 'pod-0');
    expect(pod0.length).toBeGreaterThan(1);
    expect(new Set(pod0.map((c) => net(c)?.inode)).size).toBe(1);
    // Kubernetes containers are named by their container, not the 64-hex id the CRI source puts in `name`
    expect(model.containers.every((c) => !/^[0-9a-f]{64}$/.test(c.name))).toBe(true);
    expect(model.containers.some((c) => c.pod !== undefined) && model.containers.some((c) => c.pod === undefined)).toBe(
      true
    );
  });

  it('changes values, not containers, from one refresh to the next', () => {
    const at = (tick: number) =>
      buildPanelModel(panelFrames(fleetAnswers(panelTargets(), 20, 1_000_000, STEP_MS, { tick })), { refIdRoles: {} });
    const [a, b] = [at(0), at(1)];
    expect(b.containers.map((c) => c.key)).toEqual(a.containers.map((c) => c.key));
    expect(b.containers.map((c) => c.cpu.used)).not.toEqual(a.containers.map((c) => c.cpu.used));
  });
});
