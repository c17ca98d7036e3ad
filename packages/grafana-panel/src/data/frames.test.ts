import { METRICS, NAMESPACE_TYPES, type NamespaceType } from '@isoscope/shared';
import type { DataFrame } from '@grafana/data';

import { buildPanelModel, shortName, SHARED_WITH_MAX } from './frames';
import { RAW_METRICS_QUERY } from './roles';
import {
  containerLabels,
  emptyFrame,
  instantFrames,
  metricLabels,
  rangeFrames,
  STEP_MS,
  T0,
  tableFrame,
  tableFrames,
  type ContainerSpec,
  type TableRow,
} from '../../test/fixtures/testFrames';
import type { ContainerView } from './types';

const M = METRICS;

interface NsFacts {
  inode?: number;
  host?: number;
  sharers?: number;
}

interface RawFacts {
  ns?: Partial<Record<NamespaceType, NsFacts>>;
  seccomp?: number;
  noNewPrivs?: number;
  capabilities?: number;
  privileged?: number;
  rootMapped?: number;
  quota?: number;
  period?: number;
  cpuset?: number;
  memory?: number;
  memoryLimit?: number;
  pids?: number;
  pidsLimit?: number;
}

/** The rows the raw-metrics query returns for one container, in table format. */
function rawRows(c: ContainerSpec, f: RawFacts): TableRow[] {
  const rows: TableRow[] = [];
  const add = (metric: string, value: number | undefined, extra = {}) => {
    if (value !== undefined) {
      rows.push({ labels: metricLabels(metric, c, extra), value });
    }
  };
  for (const [type, ns] of Object.entries(f.ns ?? {})) {
    add(M.namespaceInode.name, ns.inode, { ns_type: type });
    add(M.namespaceSharedWithHost.name, ns.host, { ns_type: type });
    add(M.namespaceSharers.name, ns.sharers, { ns_type: type });
  }
  add(M.securitySeccompMode.name, f.seccomp);
  add(M.securityNoNewPrivs.name, f.noNewPrivs);
  add(M.securityCapabilitiesEffective.name, f.capabilities);
  add(M.securityPrivileged.name, f.privileged);
  add(M.securityRootMappedToHost.name, f.rootMapped);
  add(M.specCpuQuota.name, f.quota);
  add(M.specCpuPeriod.name, f.period);
  add(M.specCpusetCpus.name, f.cpuset);
  add(M.memoryWorkingSet.name, f.memory);
  add(M.specMemoryLimit.name, f.memoryLimit);
  add(M.threads.name, f.pids);
  add(M.threadsMax.name, f.pidsLimit);
  return rows;
}

const web: ContainerSpec = {
  instance: 'node-a:9100',
  id: '/kubepods.slice/kubepods-pod1.slice/cri-containerd-' + 'a'.repeat(64) + '.scope',
  name: 'web',
  image: 'nginx:1.27',
  namespace: 'shop',
  pod: 'web-1',
  container: 'nginx',
};
const sidecar: ContainerSpec = {
  ...web,
  id: web.id.replace(/a{64}/, 'b'.repeat(64)),
  name: 'sidecar',
  container: 'envoy',
};
const db: ContainerSpec = {
  instance: 'node-a:9100',
  id: '/system.slice/docker-' + 'c'.repeat(64) + '.scope',
  name: 'db',
  image: 'postgres:17',
};

const build = (frames: DataFrame[], refIdRoles = {}) => buildPanelModel(frames, { refIdRoles });
const byName = (cs: ContainerView[], name: string) => {
  const c = cs.find((x) => x.name === name);
  if (!c) {
    throw new Error(`no container ${name} in ${cs.map((x) => x.name).join(', ')}`);
  }
  return c;
};
const cell = (c: ContainerView, t: NamespaceType) => c.namespaces.find((n) => n.type === t)!;

describe('buildPanelModel: instant query, table format', () => {
  const frames = [
    tableFrame('raw', [
      ...rawRows(web, {
        ns: {
          net: { inode: 100, host: 0, sharers: 2 },
          pid: { inode: 200, host: 0, sharers: 1 },
          user: { inode: 1, host: 1, sharers: 3 },
        },
        seccomp: 2,
        noNewPrivs: 1,
        capabilities: 14,
        privileged: 0,
        rootMapped: 1,
        quota: 50_000,
        period: 100_000,
        cpuset: 8,
        memory: 200e6,
        memoryLimit: 512e6,
        pids: 12,
        pidsLimit: 0,
      }),
      ...rawRows(sidecar, {
        ns: { net: { inode: 100, host: 0, sharers: 2 }, user: { inode: 1, host: 1, sharers: 3 } },
        cpuset: 4,
        memoryLimit: 0,
      }),
      ...rawRows(db, { ns: { user: { inode: 1, host: 1, sharers: 3 } }, seccomp: 0, privileged: 1 }),
    ]),
  ];
  const model = build(frames);

  it('builds one container per instance + id, with its labels', () => {
    expect(model.containers.map((c) => c.name)).toEqual(['db', 'sidecar', 'web']);
    const w = byName(model.containers, 'web');
    expect(w).toMatchObject({
      instance: 'node-a:9100',
      id: web.id,
      image: 'nginx:1.27',
      namespace: 'shop',
      pod: 'web-1',
      container: 'nginx',
    });
    expect(w.key).toBe(`node-a:9100|${web.id}`);
    expect(byName(model.containers, 'db').pod).toBeUndefined();
    expect(model.unrecognised).toEqual([]);
  });

  it('derives namespace states and who shares what', () => {
    const w = byName(model.containers, 'web');
    expect(w.namespaces.map((n) => n.type)).toEqual([...NAMESPACE_TYPES]);
    expect(cell(w, 'net')).toEqual({
      type: 'net',
      state: 'shared',
      inode: 100,
      sharers: 2,
      sharedWith: ['sidecar'],
      sharedWithCount: 1,
    });
    expect(cell(w, 'pid')).toMatchObject({ state: 'private', sharedWith: [], sharedWithCount: 0 });
    expect(cell(w, 'user')).toMatchObject({ state: 'host', sharedWith: ['db', 'sidecar'], sharedWithCount: 2 });
    expect(cell(w, 'mnt')).toEqual({
      type: 'mnt',
      state: 'unknown',
      inode: undefined,
      sharers: undefined,
      sharedWith: [],
    });
  });

  it('reads security facts from 0/1', () => {
    expect(byName(model.containers, 'web').security).toEqual({
      seccompMode: 2,
      noNewPrivs: true,
      capabilities: 14,
      privileged: false,
      rootMappedToHost: true,
    });
    expect(byName(model.containers, 'db').security).toMatchObject({
      seccompMode: 0,
      privileged: true,
      noNewPrivs: undefined,
    });
  });

  it('takes the CPU limit from quota/period only: without a quota it is none, as memory and tasks say; 0 limits are none', () => {
    const w = byName(model.containers, 'web');
    expect(w.cpu).toEqual({ used: undefined, limit: 0.5, limitSource: 'quota', cpuset: 8 });
    expect(w.memory).toEqual({ used: 200e6, limit: 512e6 });
    expect(w.pids).toEqual({ used: 12, limit: undefined });
    const s = byName(model.containers, 'sidecar');
    // the cpuset (the host's cores, unless pinned) is kept, but is no limit
    expect(s.cpu).toEqual({ used: undefined, cpuset: 4 });
    expect(s.memory.limit).toBeUndefined();
  });

  it('draws CPU against the cpuset only when asked (the panel option), and says so', () => {
    const asked = buildPanelModel(frames, { refIdRoles: {}, cpusetAsCpuLimit: true });
    expect(byName(asked.containers, 'sidecar').cpu).toEqual({
      used: undefined,
      limit: 4,
      limitSource: 'cpuset',
      cpuset: 4,
    });
    // a quota still wins
    expect(byName(asked.containers, 'web').cpu).toMatchObject({ limit: 0.5, limitSource: 'quota' });
  });

  it('makes no row of the machine\'s own series (id="/", the root cgroup), and counts no problem for them', () => {
    const machine: ContainerSpec = { instance: 'node-a:9100', id: '/' };
    const m = build([
      tableFrame('raw', [...rawRows(db, { memory: 1e6 }), ...rawRows(machine, { memory: 8e9, cpuset: 16 })]),
    ]);
    expect(m.containers.map((c) => c.id)).toEqual([db.id]);
    expect(m.unrecognised).toEqual([]);
  });

  it('records which roles were present', () => {
    expect(model.present.has('nsInode')).toBe(true);
    expect(model.present.has('cpuQuota')).toBe(true);
    expect(model.present.has('cpuUsage')).toBe(false);
  });
});

describe('buildPanelModel: range queries (one frame per series)', () => {
  it('reads derived roles by refId and takes the last non-null sample', () => {
    const model = build([
      ...rangeFrames(
        'cpuUsage',
        [
          { labels: containerLabels(web, { cpu: 'total' }), values: [0.1, 0.2, 0.3, null] },
          { labels: containerLabels(db, { cpu: 'total' }), values: [1, 2] },
        ],
        { expr: 'rate(x[5m])' }
      ),
      ...rangeFrames('throttled', [
        { labels: containerLabels(web), values: [0.5, NaN] },
        { labels: containerLabels(db), values: [0.25, 0.125] },
      ]),
    ]);
    expect(byName(model.containers, 'web').cpu.used).toBe(0.3);
    expect(byName(model.containers, 'db').cpu.used).toBe(2);
    expect(byName(model.containers, 'web').throttled).toBeUndefined(); // 0/0 now
    expect(byName(model.containers, 'db').throttled).toBe(0.125);
    expect(model.unrecognised).toEqual([]);
  });

  it('recognises raw metrics by __name__ whatever the refId', () => {
    const model = build(rangeFrames('A', [{ labels: metricLabels(M.memoryWorkingSet.name, db), values: [1, 5] }]));
    expect(byName(model.containers, 'db').memory.used).toBe(5);
  });

  it('an explicit mapping wins over the metric name and the refId', () => {
    const model = build(
      [
        ...rangeFrames('A', [{ labels: containerLabels(db), values: [3] }]),
        ...rangeFrames('memory', [{ labels: metricLabels('container_memory_usage_bytes', db), values: [7] }]),
      ],
      { A: 'cpuUsage' }
    );
    const d = byName(model.containers, 'db');
    expect(d.cpu.used).toBe(3);
    expect(d.memory.used).toBe(7); // unknown __name__, refId is a role key
  });

  it('says which queries it could not map, naming the query', () => {
    const model = build([
      ...rangeFrames(
        'C',
        [
          { labels: containerLabels(db), values: [1] },
          { labels: containerLabels(web), values: [1] },
        ],
        { expr: 'rate(foo[5m])' }
      ),
      ...rangeFrames('D', [{ labels: containerLabels(db), values: [1] }]),
    ]);
    expect(model.containers).toEqual([]);
    expect(model.unrecognised).toEqual([
      'query "rate(foo[5m])" (refId C): no metric name and no role mapped (2 series); map it in the options, e.g. "C=cpuUsage"',
      'query "D" (refId D): no metric name and no role mapped (1 series); map it in the options, e.g. "D=cpuUsage"',
    ]);
  });
});

describe('buildPanelModel: instant queries, time series format', () => {
  it('reads one-row frames', () => {
    const model = build([
      ...instantFrames(
        'raw',
        [
          { labels: metricLabels(M.threads.name, db), value: 9 },
          { labels: metricLabels(M.threadsMax.name, db), value: 100 },
        ],
        { expr: RAW_METRICS_QUERY }
      ),
      ...instantFrames('networkRx', [{ labels: containerLabels(db), value: 1000 }]),
      ...instantFrames('networkTx', [{ labels: containerLabels(db), value: 500 }]),
    ]);
    const d = byName(model.containers, 'db');
    expect(d.pids).toEqual({ used: 9, limit: 100 });
    expect(d.network).toEqual({ rx: 1000, tx: 500 });
  });
});

describe('buildPanelModel: mixed formats', () => {
  it('joins table, range and instant results per container', () => {
    const frames = [
      ...tableFrames({
        raw: rawRows(web, { memory: 100, memoryLimit: 1000, ns: { net: { inode: 5, host: 0, sharers: 1 } } }),
        ioRead: [{ labels: containerLabels(web), value: 11 }],
      }),
      ...rangeFrames('cpuUsage', [{ labels: containerLabels(web, { cpu: 'total' }), values: [0.5, 0.75] }]),
      ...instantFrames('pressureIo', [{ labels: containerLabels(web), value: 0.02 }]),
    ];
    expect(frames[0].fields[frames[0].fields.length - 1].name).toBe('Value #raw');
    const w = byName(build(frames).containers, 'web');
    expect(w.memory).toEqual({ used: 100, limit: 1000 });
    expect(w.io).toEqual({ read: 11, write: undefined });
    expect(w.cpu.used).toBe(0.75);
    expect(w.pressure).toEqual({ cpu: undefined, memory: undefined, io: 0.02 });
    expect(cell(w, 'net').state).toBe('private');
  });

  it('reads "Value #<refId>" columns of a merged table by their refId', () => {
    const frame = tableFrame('A', [{ labels: containerLabels(db), value: 0.25 }], 'Value #throttled');
    expect(byName(build([frame]).containers, 'db').throttled).toBe(0.25);
  });

  it('keeps containers present in only some frames', () => {
    const model = build([
      ...rangeFrames('cpuUsage', [{ labels: containerLabels(web), values: [1] }]),
      ...rangeFrames('memory', [{ labels: containerLabels(db), values: [2] }]),
    ]);
    expect(byName(model.containers, 'web')).toMatchObject({ cpu: { used: 1 }, memory: { used: undefined } });
    expect(byName(model.containers, 'db')).toMatchObject({ cpu: { used: undefined }, memory: { used: 2 } });
  });
});

describe('buildPanelModel: duplicates, gaps and odd values', () => {
  it('"Both" (instant + range under one refId): the latest sample wins', () => {
    const model = build([
      ...instantFrames('cpuUsage', [{ labels: containerLabels(db), value: 9, time: T0 + 5_000 }]),
      ...rangeFrames('cpuUsage', [{ labels: containerLabels(db), values: [1, 2], end: T0 }]),
    ]);
    expect(byName(model.containers, 'db').cpu.used).toBe(9);
  });

  it('equal times: the first one met wins, whatever the frame order after it', () => {
    const model = build([
      ...instantFrames('cpuUsage', [{ labels: containerLabels(db), value: 1 }]),
      ...instantFrames('cpuUsage', [{ labels: containerLabels(db), value: 2 }]),
    ]);
    expect(byName(model.containers, 'db').cpu.used).toBe(1);
  });

  it('range in table format: one row per sample, the latest row wins', () => {
    const l = containerLabels(db);
    const model = build([
      tableFrame('memory', [
        { labels: l, value: 3, time: T0 },
        { labels: l, value: 1, time: T0 - 2 * STEP_MS },
        { labels: l, value: 2, time: T0 - STEP_MS },
      ]),
    ]);
    expect(byName(model.containers, 'db').memory.used).toBe(3);
  });

  it('skips null rows and counts NaN / Inf as unknown', () => {
    const model = build([
      tableFrame('memory', [{ labels: containerLabels(db), value: null }]),
      ...instantFrames('pids', [{ labels: containerLabels(db), value: NaN }]),
      ...instantFrames('pidsLimit', [{ labels: containerLabels(db), value: Infinity }]),
      ...rangeFrames('ioWrite', [{ labels: containerLabels(db), values: [null, null] }]),
    ]);
    const d = byName(model.containers, 'db');
    expect(d.memory.used).toBeUndefined();
    expect(d.pids).toEqual({ used: undefined, limit: undefined });
    expect(d.io.write).toBeUndefined();
    expect(model.present.has('pids')).toBe(true);
    expect(model.present.has('memory')).toBe(false);
  });

  it('treats cgroup v1 "unlimited" memory as no limit', () => {
    const model = build(
      instantFrames('raw', [{ labels: metricLabels(M.specMemoryLimit.name, db), value: 9223372036854771712 }])
    );
    expect(byName(model.containers, 'db').memory.limit).toBeUndefined();
  });

  it('ignores empty "no data" frames and an empty list', () => {
    expect(build([emptyFrame('A'), ...rangeFrames('cpuUsage', [])])).toEqual({
      containers: [],
      present: new Set(),
      unrecognised: [],
    });
    expect(build([]).containers).toEqual([]);
  });

  it('explains series without id, namespace series without ns_type, unknown metrics', () => {
    const model = build([
      ...instantFrames('cpuUsage', [{ labels: { instance: 'x' }, value: 1 }], { expr: 'sum(rate(c[5m]))' }),
      ...instantFrames('raw', [
        { labels: metricLabels(M.namespaceInode.name, db), value: 1 },
        { labels: metricLabels('container_last_seen', db), value: 1 },
        { labels: metricLabels(M.namespaceInode.name, db, { ns_type: 'bogus' }), value: 1 },
      ]),
    ]);
    expect(model.containers).toEqual([]);
    expect(model.unrecognised).toEqual([
      expect.stringMatching(
        /^query "sum\(rate\(c\[5m\]\)\)" \(refId cpuUsage\): 1 series of cpuUsage have no "id" label/
      ),
      'query "raw" (refId raw): metrics the panel does not read (1 series): container_last_seen',
      expect.stringMatching(/^query "raw" \(refId raw\): 2 namespace series have no known "ns_type" label/),
    ]);
  });

  it('a missing instance label is the empty instance', () => {
    const { instance: _drop, ...noInstance } = db;
    const model = build(instantFrames('memory', [{ labels: containerLabels(noInstance), value: 1 }]));
    expect(model.containers[0]).toMatchObject({ instance: '', key: `|${db.id}` });
  });
});

describe('buildPanelModel: hosts and names', () => {
  it('keeps the same container id on two hosts apart, and shares namespaces only within a host', () => {
    const a = { ...db, instance: 'a:9100', name: 'db-a' };
    const b = { ...db, instance: 'b:9100', name: 'db-b' };
    const model = build([
      tableFrame('raw', [
        ...rawRows(a, { ns: { net: { inode: 7, host: 0 } } }),
        ...rawRows(b, { ns: { net: { inode: 7, host: 0 } } }),
      ]),
    ]);
    expect(model.containers.map((c) => c.key)).toEqual([`a:9100|${db.id}`, `b:9100|${db.id}`]);
    for (const c of model.containers) {
      expect(cell(c, 'net')).toMatchObject({ sharedWith: [], sharedWithCount: 0, state: 'unknown' });
    }
  });

  it('a shared inode marks the cell shared even without the sharers metric', () => {
    const model = build([
      tableFrame('raw', [
        ...rawRows(web, { ns: { ipc: { inode: 3 } } }),
        ...rawRows(sidecar, { ns: { ipc: { inode: 3 } } }),
      ]),
    ]);
    expect(cell(byName(model.containers, 'web'), 'ipc')).toMatchObject({ state: 'shared', sharedWith: ['sidecar'] });
  });

  it('orders rows by host, then name (numbers by value, case aside), then key; sharers in the same name order', () => {
    const spec = (instance: string, id: string, name: string) => ({ instance, id, name });
    const cs = [
      spec('node-10', '/a', 'web'),
      spec('node-2', '/b', 'Web'),
      spec('node-2', '/c', 'web'),
      spec('node-2', '/d', 'api-10'),
      spec('node-2', '/e', 'api-9'),
      spec('Node-2', '/f', 'api-99'),
    ];
    const model = build([
      tableFrame(
        'raw',
        cs.flatMap((c) => rawRows(c, { ns: { pid: { inode: 4 } } }))
      ),
    ]);
    // "Node-2" and "node-2" are one host to the collator: their rows mix by name
    expect(model.containers.map((c) => `${c.instance} ${c.name}`)).toEqual([
      'node-2 api-9',
      'node-2 api-10',
      'Node-2 api-99',
      'node-2 Web',
      'node-2 web',
      'node-10 web',
    ]);
    // "Web" and "web" are the same name to the collator: the key (instance|id) breaks the tie
    expect(cell(model.containers[0], 'pid').sharedWith).toEqual(['api-10', 'Web', 'web']);
  });

  it(`lists at most ${SHARED_WITH_MAX} sharers by name, with the full count`, () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ instance: 'h', id: `/c${i}`, name: `c${i}` }));
    const model = build([
      tableFrame(
        'raw',
        many.flatMap((c) => rawRows(c, { ns: { user: { inode: 1, host: 1, sharers: 30 } } }))
      ),
    ]);
    const c0 = byName(model.containers, 'c0');
    expect(cell(c0, 'user').sharedWithCount).toBe(29);
    expect(cell(c0, 'user').sharedWith).toHaveLength(SHARED_WITH_MAX);
    expect(cell(c0, 'user').sharedWith.slice(0, 3)).toEqual(['c1', 'c2', 'c3']);
    expect(cell(byName(model.containers, 'c5'), 'user').sharedWith.slice(0, 5)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4']);
  });

  it('names containers without a name label after their cgroup path', () => {
    const model = build(instantFrames('memory', [{ labels: containerLabels({ ...db, name: '' }), value: 1 }]));
    expect(model.containers[0].name).toBe('cccccccccccc');
    expect(
      shortName('/system.slice/docker-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope')
    ).toBe('0123456789ab');
    expect(shortName('/docker/' + 'F'.repeat(64))).toBe('ffffffffffff');
    expect(shortName('/system.slice/nginx.service')).toBe('nginx.service');
    expect(shortName('/')).toBe('/');
  });

  it('names a containerd or CRI-O container, whose name label is its id, by its Kubernetes container name', () => {
    const id = 'd'.repeat(64);
    const crio = {
      instance: 'node-a:9100',
      id: `/kubepods/burstable/pod1/${id}`,
      name: id,
      namespace: 'shop',
      pod: 'web-1',
    };
    const model = build(
      instantFrames('memory', [
        { labels: containerLabels({ ...crio, container: 'nginx' }), value: 1 },
        {
          labels: containerLabels({
            ...crio,
            id: crio.id.replace(id, 'e'.repeat(64)),
            name: 'e'.repeat(64),
            container: 'POD',
          }),
          value: 1,
        },
        {
          labels: containerLabels({
            ...crio,
            id: crio.id.replace(id, 'f'.repeat(64)),
            name: 'f'.repeat(64),
            namespace: undefined,
            pod: undefined,
          }),
          value: 1,
        },
      ])
    );
    // the pod's sandbox (container="POD") is no workload: no row
    expect(model.containers.map((c) => c.name).sort()).toEqual(['ffffffffffff', 'nginx']);
  });

  it('makes no row of a pod sandbox, and its app containers still say they share its namespace', () => {
    const pod = { instance: 'node-a:9100', namespace: 'shop', pod: 'web-1' };
    const app = { ...pod, id: '/kubepods/pod1/app', name: 'app', container: 'app' };
    const sandbox = { ...pod, id: '/kubepods/pod1/pause', name: 'pause', container: 'POD' };
    const model = build(
      instantFrames('raw', [
        { labels: metricLabels(METRICS.namespaceInode.name, app, { ns_type: 'net' }), value: 4026532000 },
        { labels: metricLabels(METRICS.namespaceInode.name, sandbox, { ns_type: 'net' }), value: 4026532000 },
      ])
    );
    expect(model.containers.map((c) => c.name)).toEqual(['app']);
    const net = model.containers[0].namespaces.find((n) => n.type === 'net')!;
    expect(net).toMatchObject({ state: 'shared', sharedWith: ['pause'] });
  });
});

describe('buildPanelModel at 2,000 containers', () => {
  it('joins ~30 series per container from table and range frames correctly', () => {
    const N = 2000;
    const specs: ContainerSpec[] = Array.from({ length: N }, (_, i) => ({
      instance: `node-${Math.floor(i / 2) % 4}:9100`, // a pod's containers on one host
      id: `/kubepods/pod${Math.floor(i / 2)}/${i.toString(16).padStart(64, '0')}`,
      name: `c${i}`,
      image: 'app:1',
      namespace: 'ns',
      pod: `pod${Math.floor(i / 2)}`,
    }));
    const rows = specs.flatMap((c, i) =>
      rawRows(c, {
        // net shared by the two containers of a pod; user shared with the host by all; the rest private
        ns: Object.fromEntries(
          NAMESPACE_TYPES.map((t) => [
            t,
            t === 'net'
              ? { inode: 10_000 + Math.floor(i / 2), host: 0, sharers: 2 }
              : t === 'user'
                ? { inode: 1, host: 1, sharers: N / 4 }
                : { inode: 100_000 + i * 8 + NAMESPACE_TYPES.indexOf(t), host: 0, sharers: 1 },
          ])
        ),
        seccomp: 2,
        noNewPrivs: 1,
        capabilities: 14,
        privileged: 0,
        rootMapped: 1,
        quota: ((i % 4) + 1) * 100_000,
        period: 100_000,
        memory: i,
        memoryLimit: 2 * N,
        pids: 3,
        pidsLimit: 100,
      })
    );
    const derived = (refId: string, f: (i: number) => number) =>
      rangeFrames(
        refId,
        specs.map((c, i) => ({ labels: containerLabels(c), values: [0, f(i)] }))
      );
    const frames = [
      tableFrame('raw', rows),
      ...derived('cpuUsage', (i) => i / 1000),
      ...derived('throttled', () => 0),
      ...derived('networkRx', (i) => i),
      ...derived('networkTx', () => 1),
    ];
    expect(rows.length).toBeGreaterThan(30 * N);

    const model = build(frames);
    expect(model.containers).toHaveLength(N);
    expect(model.unrecognised).toEqual([]);
    const c = byName(model.containers, 'c1001');
    expect(c.instance).toBe('node-0:9100');
    expect(cell(c, 'net')).toMatchObject({ state: 'shared', sharedWith: ['c1000'], sharedWithCount: 1 });
    expect(cell(c, 'user')).toMatchObject({ state: 'host', sharedWithCount: N / 4 - 1 });
    expect(cell(c, 'user').sharedWith).toHaveLength(SHARED_WITH_MAX);
    expect(cell(c, 'pid')).toMatchObject({ state: 'private', sharedWithCount: 0 });
    expect(c.cpu).toEqual({ used: 1.001, limit: 2, limitSource: 'quota' });
    expect(c.memory).toEqual({ used: 1001, limit: 2 * N });
    expect(c.network).toEqual({ rx: 1001, tx: 1 });
    expect(model.containers.every((x) => x.namespaces.every((n) => n.state !== 'unknown'))).toBe(true);
  });
});
