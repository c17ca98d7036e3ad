import type { SortKey } from '../types';
import { METRICS, NAMESPACE_TYPES, type NamespaceType } from '@isoscope/shared';

import { HOST_RISK_WEIGHT } from './namespaceRisk';
import { buildPanelModel } from './frames';
import { filterContainers, isolationRank, riskScore, sortContainers } from './sortFilter';
import { containerView as v, instantFrames, metricLabels } from '../../test/fixtures/testFrames';
import type { ContainerView, NamespaceState } from './types';

const names = (cs: ContainerView[]) => cs.map((c) => c.name);

function withStates(name: string, states: NamespaceState[]): ContainerView {
  const c = v({ name });
  states.forEach((s, i) => (c.namespaces[i].state = s));
  return c;
}

/** Every namespace private except those named. */
function withTypes(name: string, states: Partial<Record<NamespaceType, NamespaceState>>): ContainerView {
  const c = v({ name });
  c.namespaces = NAMESPACE_TYPES.map((type) => ({ type, state: states[type] ?? 'private', sharedWith: [] }));
  return c;
}

describe('filterContainers', () => {
  const cs = [
    v({ name: 'web', image: 'nginx:1.27', namespace: 'shop', pod: 'web-1', container: 'nginx', instance: 'node-a' }),
    v({ name: 'db', image: 'postgres:17', instance: 'node-b', id: '/system.slice/docker-abc.scope' }),
  ];

  it('matches case-insensitive substrings of any field', () => {
    expect(names(filterContainers(cs, 'NGINX'))).toEqual(['web']);
    expect(names(filterContainers(cs, 'node-b'))).toEqual(['db']);
    expect(names(filterContainers(cs, 'docker-ABC'))).toEqual(['db']);
    expect(names(filterContainers(cs, 'shop'))).toEqual(['web']);
    expect(names(filterContainers(cs, 'node'))).toEqual(['web', 'db']);
  });

  it('needs every word to match', () => {
    expect(names(filterContainers(cs, 'node nginx'))).toEqual(['web']);
    expect(names(filterContainers(cs, 'postgres nginx'))).toEqual([]);
  });

  it('returns everything for blank text', () => {
    expect(filterContainers(cs, '  ')).toBe(cs);
  });
});

describe('sortContainers', () => {
  it('by name, numerically aware, descending reversed', () => {
    const cs = [v({ name: 'c10' }), v({ name: 'c9' }), v({ name: 'B' })];
    expect(names(sortContainers(cs, 'name', false))).toEqual(['B', 'c9', 'c10']);
    expect(names(sortContainers(cs, 'name', true))).toEqual(['c10', 'c9', 'B']);
    expect(names(cs)).toEqual(['c10', 'c9', 'B']); // input untouched
  });

  it('isolation: weighted host risk, then shared namespaces, then expected host ones; unknown rows last', () => {
    const cs = [
      withTypes('hostNet', { net: 'host', user: 'host', cgroup: 'host', time: 'host' }),
      withTypes('hostPidNet', { pid: 'host', net: 'host' }),
      withTypes('hostUserUts', { user: 'host', uts: 'host', cgroup: 'host', time: 'host' }),
      withTypes('dockerPod', { net: 'shared', user: 'host', cgroup: 'host', time: 'host' }),
      withTypes('docker', { user: 'host', cgroup: 'host', time: 'host' }),
      withTypes('dockerCgroupV2', { user: 'host', time: 'host' }),
      withTypes('threeShared', { net: 'shared', ipc: 'shared', uts: 'shared', time: 'host' }),
      withTypes('private', {}),
      withStates('allUnknown', []),
    ];
    const leastIsolatedFirst = [
      'hostPidNet', // 3 + 3
      'hostNet', // 3 + 1: one high-risk host namespace outweighs both moderate ones
      'hostUserUts', // 1 + 1
      'dockerPod', // 1, then one shared
      'docker', // 1, then two expected host namespaces
      'dockerCgroupV2', // 1, then one expected
      'threeShared', // 0: time is expected, so sharing with containers counts first
      'private',
      'allUnknown',
    ];
    expect(names(sortContainers(cs, 'isolation', true))).toEqual(leastIsolatedFirst);
    expect(names(sortContainers(cs, 'isolation', false))).toEqual([
      ...leastIsolatedFirst.slice(0, -1).reverse(),
      'allUnknown',
    ]);
  });

  it('isolation: the rank is the weighted host risk from HOST_RISK_WEIGHT, shared and expected counts', () => {
    expect(isolationRank(withTypes('a', { pid: 'host', user: 'host', time: 'host', net: 'shared' }))).toEqual([
      HOST_RISK_WEIGHT.high + HOST_RISK_WEIGHT.moderate + HOST_RISK_WEIGHT.low,
      1,
      1,
    ]);
    expect(isolationRank(withStates('none', []))).toBeUndefined();
  });

  it('security: by risk score with documented weights', () => {
    const priv = v({ name: 'priv', security: { privileged: true, seccompMode: 2, noNewPrivs: true } });
    const noSeccomp = v({ name: 'noSeccomp', security: { seccompMode: 0, rootMappedToHost: true } });
    const safe = v({
      name: 'safe',
      security: { seccompMode: 2, noNewPrivs: true, privileged: false, rootMappedToHost: false },
    });
    const none = v({ name: 'none' });
    expect([priv, noSeccomp, safe, none].map(riskScore)).toEqual([4, 5, 0, undefined]);
    expect(names(sortContainers([safe, none, priv, noSeccomp], 'security', true))).toEqual([
      'noSeccomp',
      'priv',
      'safe',
      'none',
    ]);
  });

  it.each<[SortKey, keyof ContainerView]>([
    ['cpu', 'cpu'],
    ['memory', 'memory'],
    ['pids', 'pids'],
  ])('%s: used/limit, unlimited rows by usage below limited ones, no data last both ways', (key, field) => {
    const cs = [
      v({ name: 'half', [field]: { used: 50, limit: 100 } }),
      v({ name: 'unlimitedBig', [field]: { used: 1000 } }),
      v({ name: 'nodata', [field]: { limit: 100 } }),
      v({ name: 'full', [field]: { used: 90, limit: 100 } }),
      v({ name: 'unlimitedSmall', [field]: { used: 1 } }),
    ];
    expect(names(sortContainers(cs, key, true))).toEqual(['full', 'half', 'unlimitedBig', 'unlimitedSmall', 'nodata']);
    expect(names(sortContainers(cs, key, false))).toEqual(['unlimitedSmall', 'unlimitedBig', 'half', 'full', 'nodata']);
  });

  it('pressure: the highest of the three', () => {
    const cs = [
      v({ name: 'a', pressure: { cpu: 0.1, io: 0.5 } }),
      v({ name: 'b', pressure: { memory: 0.3 } }),
      v({ name: 'c' }),
    ];
    expect(names(sortContainers(cs, 'pressure', true))).toEqual(['a', 'b', 'c']);
    expect(names(sortContainers(cs, 'pressure', false))).toEqual(['b', 'a', 'c']);
  });

  it('network: rx + tx; io: read + write; throttled: ratio', () => {
    const cs = [
      v({ name: 'a', network: { rx: 10, tx: 1 }, io: { read: 1 }, throttled: 0.2 }),
      v({ name: 'b', network: { tx: 20 }, io: { read: 5, write: 5 }, throttled: 0 }),
      v({ name: 'c' }),
    ];
    expect(names(sortContainers(cs, 'network', true))).toEqual(['b', 'a', 'c']);
    expect(names(sortContainers(cs, 'io', true))).toEqual(['b', 'a', 'c']);
    expect(names(sortContainers(cs, 'throttled', true))).toEqual(['a', 'b', 'c']);
    expect(names(sortContainers(cs, 'throttled', false))).toEqual(['b', 'a', 'c']);
  });

  it('ties sort by name in both directions, then by key', () => {
    const cs = [
      v({ name: 'b', throttled: 0.5 }),
      v({ name: 'a', throttled: 0.5, instance: 'h2' }),
      v({ name: 'a', throttled: 0.5, instance: 'h1' }),
    ];
    const asc = sortContainers(cs, 'throttled', false);
    const desc = sortContainers(cs, 'throttled', true);
    expect(asc.map((c) => c.key)).toEqual(['h1|/a', 'h2|/a', 'h:9100|/b']);
    expect(desc.map((c) => c.key)).toEqual(asc.map((c) => c.key));
  });
});

describe('sortContainers by name on a model (its ranks from buildPanelModel)', () => {
  const names = ['db-10', 'db-9', 'DB-1', 'cache', 'Cache', 'api'];
  const model = buildPanelModel(
    instantFrames(
      'raw',
      names.map((name, i) => ({
        labels: metricLabels(METRICS.memoryWorkingSet.name, { instance: i % 2 ? 'h1' : 'h2', id: `/c${i}`, name }),
        value: i,
      }))
    ),
    { refIdRoles: {} }
  );
  const collated = ['api', 'cache', 'Cache', 'DB-1', 'db-9', 'db-10'];

  it('orders as the collator does, ties by key, in both directions and for a filtered subset', () => {
    const asc = sortContainers(model.containers, 'name', false);
    expect(asc.map((c) => c.name)).toEqual(collated);
    // "cache" (h1|/c3) and "Cache" (h2|/c4) tie by name: the key decides
    expect(asc.map((c) => c.key).slice(1, 3)).toEqual(['h1|/c3', 'h2|/c4']);
    expect(sortContainers(model.containers, 'name', true).map((c) => c.name)).toEqual([...collated].reverse());
    const some = filterContainers(model.containers, 'db');
    expect(sortContainers(some, 'name', false).map((c) => c.name)).toEqual(['DB-1', 'db-9', 'db-10']);
  });

  it('orders the same when containers from elsewhere are mixed in', () => {
    const mixed = [...model.containers, v({ name: 'db-2', key: 'x|/y' })];
    expect(sortContainers(mixed, 'name', false).map((c) => c.name)).toEqual([
      'api',
      'cache',
      'Cache',
      'DB-1',
      'db-2',
      'db-9',
      'db-10',
    ]);
  });

  it('breaks ties of other sorts by name', () => {
    const flat = sortContainers(model.containers, 'pids', false);
    expect(flat.map((c) => c.name)).toEqual(collated);
  });
});
