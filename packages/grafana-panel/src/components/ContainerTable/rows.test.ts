import { makeContainer } from '../../../test/support/factory';
import type { ContainerView } from '../../data/types';
import { tableRows, type TableRow } from './rows';

/** 2,000 containers on 4 hosts: 1,400 pods of one container, 300 of two, every pod on one host. */
function fleet(): ContainerView[] {
  const out: ContainerView[] = [];
  for (let p = 0; p < 1700; p++) {
    const size = p < 1400 ? 1 : 2;
    for (let k = 0; k < size; k++) {
      out.push(
        makeContainer({ name: `c-${p}-${k}`, instance: `node-${p % 4}`, namespace: 'default', pod: `pod-${p}` })
      );
    }
  }
  return out;
}

const kinds = (rows: TableRow[]) =>
  rows.reduce<Record<string, number>>((n, r) => ({ ...n, [r.kind]: (n[r.kind] ?? 0) + 1 }), {});

describe('tableRows', () => {
  it('at 2,000 containers gives header rows only to hosts and pods of several containers', () => {
    const containers = fleet();
    expect(containers).toHaveLength(2000);
    expect(kinds(tableRows(containers, 'host', 'name'))).toEqual({ host: 4, pod: 300, container: 2000 });
    expect(kinds(tableRows(containers, 'pod', 'name'))).toEqual({ pod: 300, container: 2000 });
    expect(kinds(tableRows(containers, 'none', 'name'))).toEqual({ container: 2000 });
  });

  it('tells each container row what the headers above it say', () => {
    const a = makeContainer({ name: 'a', instance: 'h1', namespace: 'ns', pod: 'p' });
    const b = makeContainer({ name: 'b', instance: 'h1', namespace: 'ns', pod: 'p' });
    const solo = makeContainer({ name: 'solo', instance: 'h1', namespace: 'ns', pod: 'q' });
    const loose = makeContainer({ name: 'loose', instance: 'h1' });
    const place = (rows: TableRow[]) =>
      Object.fromEntries(rows.flatMap((r) => (r.kind === 'container' ? [[r.container.name, r.place] as const] : [])));
    expect(place(tableRows([a, b, solo, loose], 'host', 'name'))).toEqual({
      a: { hostShown: true, podShown: true, depth: 2 },
      b: { hostShown: true, podShown: true, depth: 2 },
      solo: { hostShown: true, podShown: false, depth: 1 },
      loose: { hostShown: true, podShown: false, depth: 1 },
    });
    expect(place(tableRows([a, b, solo, loose], 'pod', 'name'))).toEqual({
      a: { hostShown: true, podShown: true, depth: 1 },
      b: { hostShown: true, podShown: true, depth: 1 },
      solo: { hostShown: false, podShown: false, depth: 0 },
      loose: { hostShown: false, podShown: false, depth: 0 },
    });
    const header = tableRows([a, b], 'pod', 'name')[0];
    expect(header).toMatchObject({ kind: 'pod', pod: 'p', instance: 'h1', showHost: true, containers: 2 });
  });
});
