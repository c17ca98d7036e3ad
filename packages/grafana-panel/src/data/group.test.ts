import { groupByHostAndPod, groupByPod } from './group';
import { containerView as v } from '../../test/fixtures/testFrames';

describe('groupByHostAndPod', () => {
  it('by name: hosts by instance, pods by namespace then pod, containers outside pods last', () => {
    const groups = groupByHostAndPod([
      v({ name: 'loose', instance: 'node-10' }),
      v({ name: 'b1', instance: 'node-10', namespace: 'shop', pod: 'web-2' }),
      v({ name: 'a1', instance: 'node-10', namespace: 'auth', pod: 'zz' }),
      v({ name: 'b2', instance: 'node-10', namespace: 'shop', pod: 'web-1' }),
      v({ name: 'x', instance: 'node-9', namespace: 'shop', pod: 'web-1' }),
      v({ name: 'b3', instance: 'node-10', namespace: 'shop', pod: 'web-2' }),
      v({ name: 'loose2', instance: 'node-10' }),
    ]);
    expect(groups.map((g) => g.instance)).toEqual(['node-9', 'node-10']);
    const pods = groups[1].pods;
    expect(pods.map((p) => [p.namespace, p.pod])).toEqual([
      ['auth', 'zz'],
      ['shop', 'web-1'],
      ['shop', 'web-2'],
      [undefined, undefined],
      [undefined, undefined],
    ]);
    expect(pods[2].containers.map((c) => c.name)).toEqual(['b1', 'b3']); // input order kept
    // each container outside a pod is a group of its own, in input order
    expect(pods.slice(3).map((p) => p.containers.map((c) => c.name))).toEqual([['loose'], ['loose2']]);
  });

  it('in input order: each host and pod where its first member comes (its worst, after a sort)', () => {
    const sorted = [
      v({ name: 'worst', instance: 'node-2', namespace: 'shop', pod: 'b' }),
      v({ name: 'loose', instance: 'node-1' }),
      v({ name: 'a1', instance: 'node-2', namespace: 'shop', pod: 'a' }),
      v({ name: 'b2', instance: 'node-2', namespace: 'shop', pod: 'b' }),
    ];
    const groups = groupByHostAndPod(sorted, 'input');
    expect(groups.map((g) => g.instance)).toEqual(['node-2', 'node-1']);
    expect(groups[0].pods.map((p) => p.containers.map((c) => c.name))).toEqual([['worst', 'b2'], ['a1']]);
  });

  it('keeps pods of the same name in different namespaces apart', () => {
    const [host] = groupByHostAndPod([
      v({ name: 'a', namespace: 'one', pod: 'p' }),
      v({ name: 'b', namespace: 'two', pod: 'p' }),
    ]);
    expect(host.pods.map((p) => p.namespace)).toEqual(['one', 'two']);
  });

  it('handles an empty list and the empty instance', () => {
    expect(groupByHostAndPod([])).toEqual([]);
    const [host] = groupByHostAndPod([v({ name: 'a', instance: '' })]);
    expect(host).toEqual({
      instance: '',
      pods: [
        { instance: '', pod: undefined, namespace: undefined, containers: [expect.objectContaining({ name: 'a' })] },
      ],
    });
  });
});

describe('groupByPod', () => {
  it('keeps same-named pods on different hosts apart and orders them by namespace, pod, host', () => {
    const pods = groupByPod([
      v({ name: 'b', instance: 'node-2', namespace: 'shop', pod: 'web' }),
      v({ name: 'loose', instance: 'node-1' }),
      v({ name: 'a', instance: 'node-1', namespace: 'shop', pod: 'web' }),
      v({ name: 'c', instance: 'node-1', namespace: 'auth', pod: 'zz' }),
    ]);
    expect(pods.map((p) => [p.instance, p.namespace, p.pod])).toEqual([
      ['node-1', 'auth', 'zz'],
      ['node-1', 'shop', 'web'],
      ['node-2', 'shop', 'web'],
      ['node-1', undefined, undefined],
    ]);
  });

  it('in input order: pods where their first member comes, loose containers among them', () => {
    const pods = groupByPod(
      [
        v({ name: 'loose', instance: 'node-1' }),
        v({ name: 'x1', instance: 'node-1', namespace: 'a', pod: 'x' }),
        v({ name: 'y1', instance: 'node-1', namespace: 'a', pod: 'y' }),
        v({ name: 'x2', instance: 'node-1', namespace: 'a', pod: 'x' }),
      ],
      'input'
    );
    expect(pods.map((p) => p.containers.map((c) => c.name))).toEqual([['loose'], ['x1', 'x2'], ['y1']]);
  });
});
