import { FieldType } from '@grafana/data';

import { emptyFrame, instantFrames, metricLabels, rangeFrames, tableFrames, T0 } from './testFrames';

// The factory must keep the shapes FRAMES.md describes, or every other test here proves nothing.
describe('testFrames', () => {
  it('range: one frame per series, value field named by __name__ (else "Value") with all labels', () => {
    const [named, unnamed] = rangeFrames(
      'A',
      [
        { labels: metricLabels('container_threads', { id: '/x' }), values: [1, 2] },
        { labels: { id: '/x' }, values: [3] },
      ],
      { expr: 'q' }
    );
    expect(named.refId).toBe('A');
    expect(named.fields.map((f) => [f.name, f.type])).toEqual([
      ['Time', FieldType.time],
      ['container_threads', FieldType.number],
    ]);
    expect(named.fields[1].labels?.__name__).toBe('container_threads');
    expect(named.meta?.executedQueryString).toBe('Expr: q\nStep: 15s');
    expect(named.meta?.custom?.resultType).toBe('matrix');
    expect(unnamed.fields[1].name).toBe('Value');
    expect(unnamed.meta?.executedQueryString).toBeUndefined();
  });

  it('instant time series: one row per frame', () => {
    const [f] = instantFrames('B', [{ labels: { id: '/x' }, value: 5 }]);
    expect(f.length).toBe(1);
    expect(f.fields[0].values).toEqual([T0]);
    expect(f.meta?.custom?.resultType).toBe('vector');
  });

  it('table: Time, sorted label columns with "" for missing, then "Value" or "Value #<refId>"', () => {
    const [one] = tableFrames({
      A: [
        { labels: { b: '1', a: '2' }, value: 1 },
        { labels: { c: '3' }, value: 2 },
      ],
    });
    expect(one.fields.map((f) => f.name)).toEqual(['Time', 'a', 'b', 'c', 'Value']);
    expect(one.fields[3].values).toEqual(['', '3']);
    const two = tableFrames({ A: [], B: [] });
    expect(two.map((f) => f.fields[f.fields.length - 1].name)).toEqual(['Value #A', 'Value #B']);
  });

  it('no data: a frame without fields', () => {
    expect(emptyFrame('A')).toMatchObject({ refId: 'A', fields: [], length: 0 });
    expect(rangeFrames('A', [])).toHaveLength(1);
  });
});
