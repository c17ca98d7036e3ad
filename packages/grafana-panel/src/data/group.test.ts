import { groupByHostAndPod } from './group';
import { containerView as v } from '../../test/fixtures/testFrames';

describe('groupByHostAndPod', () => {
  it('sorts hosts by instance and pods by namespace then pod, loose containers last', () => {
    const groups = groupByHostAndPod([
      v({ name: 'loose', instance: 'node-10' }),
      v({ name: 'b1', instance: 'node-10', namespace: 'shop', pod: 'web-2' }),
      v({ name: 'a1', instance: 'node-10', namespace: 'auth', pod: 'zz' }),
      v({ name: 'b2', instance: 'node-10', namespace: 'shop', pod: 'web-1' }),
      v({ name: 'x', instance: 'node-9', namespace: 'shop', pod: 'web-1' }),
      v({ name: 'b3', instance: 'node-10', namespace: 'shop', pod: 'web-2' }),
    ]);
    expect(groups.map((g) => g.instance)).toEqual(['node-9', 'node-10']);
    const pods = groups[1].pods;
    expect(pods.map((p) => [p.namespace, p.pod])).toEqual([
      ['auth', 'zz'],
      ['shop', 'web-1'],
      ['shop', 'web-2'],
      [undefined, undefined],
    ]);
    expect(pods[2].containers.map((c) => c.name)).toEqual(['b1', 'b3']); // input order kept
    expect(pods[3].containers.map((c) => c.name)).toEqual(['loose']);
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
      pods: [{ pod: undefined, namespace: undefined, containers: [expect.objectContaining({ name: 'a' })] }],
    });
  });
});
