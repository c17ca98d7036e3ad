/**
 * Every collector on the fixture hosts (pure v2, v1, hybrid, Kubernetes with both drivers, Podman,
 * nerdctl): the values a scrape reports must be those each tree's expected.json records for the files it
 * holds. The trees and their expectations come from test/fixtures/hosts/generate.js.
 */
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COLLECTORS, METRICS, NAMESPACE_TYPES, type CollectorName } from '@isoscope/shared';
import { loadEnvironment } from './app';
import { COLLECTOR_REGISTRY } from './collectors';
import { isPrivilegedLike } from './collectors/security';
import { collectSeconds, Exporter } from './exporter';
import type { MetadataSource } from './runtime/source';
import { Exposition } from './exposition/exposition';
import { silentLogger } from './log/logger';
import { ReadAhead, type ScrapeReads } from './scrape/readAhead';
import { FamilyLines } from './exposition/ahead';
import { sampleLabels, type Sample } from './scrape/samples';
import type { ContainerMetadata, PodSpec } from './runtime/metadata';

const HOSTS = join(__dirname, '..', 'test', 'fixtures', 'hosts');
const TREES = readdirSync(HOSTS, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();
const ALL = new Set<CollectorName>(COLLECTORS);

interface ExpectedNamespace {
  inode: number;
  sharedWithHost: boolean;
  sharedWith: string[];
}
interface ExpectedContainer {
  path: string;
  runtime: string;
  containerId: string;
  podUid?: string;
  podId?: string;
  role: string;
  processStartTimeSeconds: number;
  namespaces: Record<string, ExpectedNamespace>;
  security: { seccompMode: number; noNewPrivs: number; capEff: string; rootIsHostRoot: boolean };
  metrics: Record<string, number>;
}
interface Expected {
  mode: string;
  containers: ExpectedContainer[];
  /** The root cgroup's series (`id="/"`), as cAdvisor reports the machine's own. */
  machine: { path: string; metrics: Record<string, number> };
}

/** A metadata source that answers with `lookup` and reports no runtime health. */
function metadataFrom(lookup: MetadataSource['lookup']): MetadataSource {
  return { lookup, health: () => [] };
}

function exporterFor(root: string, metadata?: MetadataSource, collectors = ALL, readAhead?: ReadAhead): Exporter {
  const env = loadEnvironment(
    { procfs: join(root, 'proc'), sysfs: join(root, 'sys'), namespaceReference: 'pid1' },
    silentLogger
  );
  return new Exporter({
    env,
    collectors,
    exposition: new Exposition(collectors, { processMetrics: false }),
    metadata,
    readAhead,
  });
}

/** "name{a=\"b\"}" → name and labels, as expected.json writes series. */
function parseKey(key: string): { name: string; labels: Record<string, string> } {
  const m = /^([^{]+)(?:\{(.*)\})?$/.exec(key)!;
  const labels: Record<string, string> = {};
  for (const [, k, v] of (m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)) labels[k] = v;
  return { name: m[1], labels };
}

function find(
  samples: Sample[],
  name: string,
  labels: Record<string, string>
): Array<Sample & { labels: Record<string, string> }> {
  return samples
    .map((s) => ({ ...s, labels: sampleLabels(s) }))
    .filter((s) => s.family.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

function one(samples: Sample[], name: string, labels: Record<string, string>): number | undefined {
  const found = find(samples, name, labels);
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} ${JSON.stringify(labels)}`);
  return found[0]?.value;
}

function bits(hex: string): number {
  return [...BigInt(`0x${hex}`).toString(2)].filter((b) => b === '1').length;
}

/** The network owner of a namespace: the sharer whose process started first (see collectors/network.ts). */
function ownsNetwork(c: ExpectedContainer, all: ExpectedContainer[]): boolean {
  const sharers = [c, ...all.filter((o) => c.namespaces.net.sharedWith.includes(o.path))];
  sharers.sort((a, b) => a.processStartTimeSeconds - b.processStartTimeSeconds || a.path.localeCompare(b.path));
  return sharers[0] === c;
}

/** The scope the namespace collector should give: see collectors/namespaceJudgement.ts. */
function expectedScope(c: ExpectedContainer, ns: ExpectedNamespace, all: ExpectedContainer[]): string {
  if (ns.sharedWithHost) return 'host';
  if (ns.sharedWith.length === 0) return 'private';
  const podOf = (x: ExpectedContainer | undefined) => x?.podUid ?? x?.podId;
  const samePOD = ns.sharedWith.every(
    (path) => podOf(c) !== undefined && podOf(all.find((o) => o.path === path)) === podOf(c)
  );
  return samePOD ? 'pod' : 'shared';
}

describe.each(TREES)('fixture host %s', (tree) => {
  const root = join(HOSTS, tree);
  const expected: Expected = JSON.parse(readFileSync(join(root, 'expected.json'), 'utf8'));
  let samples: Sample[];
  beforeAll(async () => {
    samples = await exporterFor(root).collect();
  });

  it('finds exactly the expected containers, labelled by cgroup path', () => {
    const ids = new Set(find(samples, METRICS.lastSeen.name, {}).map((s) => s.labels.id));
    expect([...ids].sort()).toEqual(expected.containers.map((c) => c.path).sort());
    for (const c of expected.containers) {
      expect(find(samples, METRICS.lastSeen.name, { id: c.path })[0].labels).toEqual({ id: c.path });
    }
  });

  it('reports every cAdvisor value the files hold', () => {
    for (const c of expected.containers) {
      for (const [key, value] of Object.entries(c.metrics)) {
        const { name, labels } = parseKey(key);
        const got = one(samples, name, { id: c.path, ...labels });
        const network = name.startsWith('container_network_');
        // Network series: none for the host's namespace, and only on the first-started sharer.
        const want =
          network && (c.namespaces.net.sharedWithHost || !ownsNetwork(c, expected.containers)) ? undefined : value;
        expect({ id: c.path, key, value: got }).toEqual({ id: c.path, key, value: want });
      }
    }
  });

  it('reports no series beyond those the files hold (no loopback, no extra devices)', () => {
    const families = new Set(expected.containers.flatMap((c) => Object.keys(c.metrics).map((k) => parseKey(k).name)));
    for (const c of expected.containers) {
      const keys = new Set(
        Object.keys(c.metrics).map((k) => {
          const { name, labels } = parseKey(k);
          return `${name}${JSON.stringify(labels)}`;
        })
      );
      const extra = samples
        .filter((s) => sampleLabels(s).id === c.path && families.has(s.family.name))
        .map((s) => {
          const labels = Object.fromEntries(Object.entries(sampleLabels(s)).filter(([k]) => k !== 'id'));
          return `${s.family.name}${JSON.stringify(labels)}`;
        })
        .filter((k) => !keys.has(k));
      expect({ id: c.path, extra }).toEqual({ id: c.path, extra: [] });
    }
  });

  it('reports the machine as cAdvisor does: id="/" alone, CPU, memory, IO and the host\'s network', () => {
    const machine = samples.filter((s) => sampleLabels(s).id === '/');
    const got = Object.fromEntries(
      machine.map((s) => {
        const { id, ...labels } = sampleLabels(s);
        expect(id).toBe('/');
        const key = Object.entries(labels)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, v]) => `${k}="${v}"`)
          .join(',');
        return [key ? `${s.family.name}{${key}}` : s.family.name, s.value];
      })
    );
    expect(got).toEqual(expected.machine.metrics);
    // Only the families a machine has: no limits, tasks, pressure, lifecycle, namespaces or security.
    expect(new Set(machine.map((s) => s.family.collector))).toEqual(new Set(['cpu', 'memory', 'io', 'network']));
    // Not a container: it is not counted, and judges no namespace.
    expect(find(samples, METRICS.containers.name, {}).reduce((n, s) => n + s.value, 0)).toBe(
      expected.containers.length
    );
  });

  it('reports each namespace: inode, host sharing and sharers', () => {
    for (const c of expected.containers) {
      for (const type of NAMESPACE_TYPES) {
        const ns = c.namespaces[type];
        const labels = { id: c.path, ns_type: type };
        expect({
          id: c.path,
          type,
          inode: one(samples, METRICS.namespaceInode.name, labels),
          host: one(samples, METRICS.namespaceSharedWithHost.name, labels),
          sharers: one(samples, METRICS.namespaceSharers.name, labels),
          scope: find(samples, METRICS.namespaceScope.name, labels).map((s) => `${s.labels.scope}=${s.value}`),
        }).toEqual({
          id: c.path,
          type,
          inode: ns.inode,
          host: ns.sharedWithHost ? 1 : 0,
          sharers: 1 + ns.sharedWith.length,
          scope: [`${expectedScope(c, ns, expected.containers)}=1`],
        });
      }
    }
  });

  it('reports the security context and start time of each container', () => {
    const hostCapBnd = BigInt(
      `0x${/CapBnd:\s*(\w+)/.exec(readFileSync(join(root, 'proc', '1', 'status'), 'utf8'))![1]}`
    );
    for (const c of expected.containers) {
      const id = c.path;
      const s = c.security;
      expect({
        id,
        seccomp: one(samples, METRICS.securitySeccompMode.name, { id }),
        nnp: one(samples, METRICS.securityNoNewPrivs.name, { id }),
        caps: one(samples, METRICS.securityCapabilitiesEffective.name, { id }),
        privileged: one(samples, METRICS.securityPrivileged.name, { id }),
        root: one(samples, METRICS.securityRootMappedToHost.name, { id }),
      }).toEqual({
        id,
        seccomp: s.seccompMode,
        nnp: s.noNewPrivs,
        caps: bits(s.capEff),
        privileged: isPrivilegedLike(BigInt(`0x${s.capEff}`), hostCapBnd) ? 1 : 0,
        root: s.rootIsHostRoot ? 1 : 0,
      });
      expect(one(samples, METRICS.startTime.name, { id })).toBeCloseTo(c.processStartTimeSeconds, 2);
    }
  });

  it('counts its containers by runtime and reads every file without an error', () => {
    for (const runtime of new Set(expected.containers.map((c) => c.runtime))) {
      expect(one(samples, METRICS.containers.name, { runtime })).toBe(
        expected.containers.filter((c) => c.runtime === runtime).length
      );
    }
    expect(find(samples, METRICS.readErrors.name, {}).filter((s) => s.value !== 0)).toEqual([]);
    expect(find(samples, METRICS.scrapeCollectorSuccess.name, {}).every((s) => s.value === 1)).toBe(true);
  });
});

describe.each(TREES)('fixture host %s, files read ahead by the helper thread', (tree) => {
  const root = join(HOSTS, tree);
  const readAhead = new ReadAhead(silentLogger);
  afterAll(() => readAhead.close());

  /** Every series with its value, except those that change with time (last seen, scrape durations). */
  const series = (samples: Sample[]) =>
    samples
      .filter((s) => s.family !== METRICS.lastSeen && s.family !== METRICS.scrapeCollectorDuration)
      .map((s) => `${s.family.name}${JSON.stringify(sampleLabels(s))} ${s.value}`)
      .sort();

  it('reports exactly what reading on demand reports, from files the thread read', async () => {
    let reads: ScrapeReads | undefined;
    const begin = readAhead.begin.bind(readAhead);
    readAhead.begin = () => (reads = begin());
    // A runtime that takes a moment to answer, as a real one does: the thread reads meanwhile.
    const runtime = metadataFrom(() => new Promise((resolve) => setTimeout(() => resolve(new Map()), 50)));
    const exporter = exporterFor(root, runtime, ALL, readAhead);
    await exporter.collect(); // the first scrape reads on demand and learns which files each container needs
    const ahead = await exporter.collect();
    expect(series(ahead)).toEqual(series(await exporterFor(root).collect()));
    expect(reads!.served.demand).toBe(0);
    expect(reads!.served.thread).toBeGreaterThan(0);
  });

  it('serves the exposition an exporter without the thread serves, its lines made as it collects', async () => {
    const timeless = (text: Buffer) =>
      text
        .toString('utf8')
        .split('\n')
        .filter((l) => !l.startsWith(METRICS.lastSeen.name) && !l.startsWith(METRICS.scrapeCollectorDuration.name))
        .join('\n');
    const exporter = exporterFor(root, undefined, ALL, readAhead);
    const beginAhead = jest.spyOn(Exposition.prototype, 'beginAhead');
    const madeAhead = jest.spyOn(FamilyLines.prototype, 'series');
    await exporter.scrape();
    const served = await exporter.scrape(); // the thread reads this one's files
    expect(beginAhead).toHaveBeenCalledTimes(2);
    expect(madeAhead).toHaveBeenCalled();
    beginAhead.mockRestore();
    madeAhead.mockRestore();
    expect(timeless(served)).toBe(timeless(await exporterFor(root).scrape()));
  });
});

describe('bad input', () => {
  let root: string;
  const tree = 'v2-docker-systemd';
  const expected: Expected = JSON.parse(readFileSync(join(HOSTS, tree, 'expected.json'), 'utf8'));
  const [web, sidecar] = expected.containers;
  const cgroupDir = (c: ExpectedContainer) => join(root, 'sys', 'fs', 'cgroup', c.path);

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'isoscope-bad-'));
    cpSync(join(HOSTS, tree), root, { recursive: true, verbatimSymlinks: true });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('skips a malformed value, counts one error and keeps every other value', async () => {
    writeFileSync(join(cgroupDir(web), 'memory.current'), 'garbage\n');
    writeFileSync(join(cgroupDir(web), 'cpu.max'), 'max\n');
    const samples = await exporterFor(root).collect();
    expect(one(samples, METRICS.memoryUsage.name, { id: web.path })).toBeUndefined();
    expect(one(samples, METRICS.specCpuQuota.name, { id: web.path })).toBeUndefined();
    expect(one(samples, METRICS.memoryRss.name, { id: web.path })).toBe(web.metrics[METRICS.memoryRss.name]);
    expect(one(samples, METRICS.memoryUsage.name, { id: sidecar.path })).toBe(
      sidecar.metrics[METRICS.memoryUsage.name]
    );
    expect(one(samples, METRICS.readErrors.name, { collector: 'memory' })).toBe(1);
    expect(one(samples, METRICS.readErrors.name, { collector: 'limits' })).toBe(1);
    expect(one(samples, METRICS.scrapeCollectorSuccess.name, { collector: 'memory' })).toBe(1);
  });

  it("reads the machine's memory where the v2 root has no memory.stat (older kernels) without an error", async () => {
    rmSync(join(root, 'sys', 'fs', 'cgroup', 'memory.stat'));
    const samples = await exporterFor(root).collect();
    expect(one(samples, METRICS.memoryUsage.name, { id: '/' })).toBeUndefined();
    expect(one(samples, METRICS.memorySwap.name, { id: '/' })).toBe(expected.machine.metrics[METRICS.memorySwap.name]);
    expect(one(samples, METRICS.cpuUsageSeconds.name, { id: '/' })).toBeGreaterThan(0);
    expect(find(samples, METRICS.readErrors.name, {}).filter((s) => s.value !== 0)).toEqual([]);
  });

  it('fails only the collector that throws, only for that scrape', async () => {
    const memory = COLLECTOR_REGISTRY.memory;
    const collect = memory.collect!;
    const spy = jest.spyOn(memory, 'collect').mockImplementation((scrape, t) => {
      if (t.cgroup.path === web.path) throw new Error('a bug in a collector');
      collect(scrape, t);
    });
    const exporter = exporterFor(root);
    try {
      const samples = await exporter.collect();
      expect(one(samples, METRICS.scrapeCollectorSuccess.name, { collector: 'memory' })).toBe(0);
      expect(one(samples, METRICS.scrapeCollectorSuccess.name, { collector: 'cpu' })).toBe(1);
      expect(one(samples, METRICS.memoryUsage.name, { id: web.path })).toBeUndefined();
      expect(one(samples, METRICS.memoryUsage.name, { id: sidecar.path })).toBe(
        sidecar.metrics[METRICS.memoryUsage.name]
      );
      expect(one(samples, METRICS.specCpuPeriod.name, { id: web.path })).toBe(web.metrics[METRICS.specCpuPeriod.name]);
      expect(one(samples, METRICS.scrapeCollectorDuration.name, { collector: 'memory' })).toBeGreaterThan(0);
    } finally {
      spy.mockRestore();
    }
    const next = await exporter.collect();
    expect(one(next, METRICS.scrapeCollectorSuccess.name, { collector: 'memory' })).toBe(1);
    expect(one(next, METRICS.memoryUsage.name, { id: web.path })).toBe(web.metrics[METRICS.memoryUsage.name]);
  });

  it('counts a malformed line of a multi-line file and keeps the other keys', async () => {
    const stat = join(cgroupDir(web), 'memory.stat');
    writeFileSync(stat, readFileSync(stat, 'utf8').replace(/^anon \d+$/m, 'anon lots'));
    const samples = await exporterFor(root).collect();
    expect(one(samples, METRICS.memoryRss.name, { id: web.path })).toBeUndefined();
    expect(one(samples, METRICS.memoryCache.name, { id: web.path })).toBe(web.metrics[METRICS.memoryCache.name]);
    // The bad line, and the key it should have given.
    expect(one(samples, METRICS.readErrors.name, { collector: 'memory' })).toBe(2);
  });

  it('drops a container that vanishes mid-scrape, without partial series or errors', async () => {
    // The runtime is asked after discovery and before any file is read: remove the cgroup right then.
    const vanishing = metadataFrom(async () => {
      rmSync(cgroupDir(sidecar), { recursive: true });
      return new Map();
    });
    const samples = await exporterFor(root, vanishing).collect();
    expect(samples.filter((s) => sampleLabels(s).id === sidecar.path)).toEqual([]);
    expect(one(samples, METRICS.memoryUsage.name, { id: web.path })).toBe(web.metrics[METRICS.memoryUsage.name]);
    expect(find(samples, METRICS.readErrors.name, {}).filter((s) => s.value !== 0)).toEqual([]);
    // The web container is alone in its network namespace now.
    expect(one(samples, METRICS.namespaceSharers.name, { id: web.path, ns_type: 'net' })).toBe(1);
  });

  it('labels series with what the runtime says, and only that', async () => {
    const meta: ContainerMetadata = {
      name: 'web',
      image: 'nginx:1.27',
      namespace: 'shop',
      pod: 'web-0',
      container: 'nginx',
    };
    const source = metadataFrom(
      async (containers) => new Map(containers.slice(0, 1).map((c) => [c.containerId, meta]))
    );
    const samples = await exporterFor(root, source).collect();
    const labels = find(samples, METRICS.memoryUsage.name, {}).map((s) => s.labels);
    expect(labels).toContainEqual({
      id: web.path,
      name: 'web',
      image: 'nginx:1.27',
      namespace: 'shop',
      pod: 'web-0',
      container: 'nginx',
    });
    expect(labels).toContainEqual({ id: sidecar.path });
  });

  it('shares one collection between concurrent scrapes', async () => {
    let collections = 0;
    const counting = metadataFrom(async () => (collections++, new Map()));
    const exporter = exporterFor(root, counting);
    const bodies = await Promise.all([exporter.scrape(), exporter.scrape(), exporter.scrape()]);
    expect(collections).toBe(1);
    expect(new Set(bodies.map((b) => b.toString())).size).toBe(1);
    await exporter.scrape();
    expect(collections).toBe(2);
  });

  it("registers and fills only the enabled collectors' families", async () => {
    const exporter = exporterFor(root, undefined, new Set<CollectorName>(['namespaces']));
    const text = (await exporter.scrape()).toString('utf8');
    expect(text).toContain(`${METRICS.namespaceSharers.name}{`);
    expect(text).not.toContain(METRICS.memoryUsage.name);
    expect(text).toContain(`${METRICS.scrapeCollectorSuccess.name}{collector="namespaces"} 1`);
    expect(text).not.toContain(`${METRICS.scrapeCollectorSuccess.name}{collector="memory"}`);
  });
});

describe('pods on a Kubernetes node (k8s-cgroupfs-v1, with CRI metadata)', () => {
  const root = join(HOSTS, 'k8s-cgroupfs-v1');
  const expected: Expected = JSON.parse(readFileSync(join(root, 'expected.json'), 'utf8'));
  const [burstableSandbox, burstableApp, guaranteedSandbox, guaranteedApp] = expected.containers;
  const burstable: PodSpec = {
    namespace: 'shop',
    pod: 'web-0',
    uid: burstableApp.podUid,
    namespaceModes: { net: 'pod', pid: 'container', ipc: 'pod' },
  };
  // This pod claims hostNetwork and a shared PID namespace, which the kernel does not show.
  const guaranteed: PodSpec = {
    namespace: 'shop',
    pod: 'db-0',
    uid: guaranteedApp.podUid,
    namespaceModes: { net: 'node', pid: 'pod', ipc: 'pod', user: 'node' },
  };
  const meta = new Map<string, ContainerMetadata>([
    [
      burstableSandbox.containerId,
      {
        name: burstableSandbox.containerId,
        namespace: 'shop',
        pod: 'web-0',
        container: 'POD',
        sandbox: true,
        podSpec: burstable,
      },
    ],
    [
      burstableApp.containerId,
      { name: burstableApp.containerId, namespace: 'shop', pod: 'web-0', container: 'app', podSpec: burstable },
    ],
    [
      guaranteedSandbox.containerId,
      {
        name: guaranteedSandbox.containerId,
        namespace: 'shop',
        pod: 'db-0',
        container: 'POD',
        sandbox: true,
        podSpec: guaranteed,
      },
    ],
    [
      guaranteedApp.containerId,
      { name: guaranteedApp.containerId, namespace: 'shop', pod: 'db-0', container: 'db', podSpec: guaranteed },
    ],
  ]);
  let samples: Sample[];
  beforeAll(async () => {
    samples = await exporterFor(
      root,
      metadataFrom(async () => meta)
    ).collect();
  });

  it('labels the sandbox container="POD" and puts the pod\'s network on it alone', () => {
    const rx = find(samples, METRICS.networkReceiveBytes.name, { pod: 'web-0' });
    expect(rx.length).toBeGreaterThan(0);
    expect(new Set(rx.map((s) => s.labels.container))).toEqual(new Set(['POD']));
    expect(find(samples, METRICS.memoryUsage.name, { pod: 'web-0', container: 'app' })).toHaveLength(1);
  });

  it("says which namespaces the pod's containers share only within the pod", () => {
    expect(
      one(samples, METRICS.namespaceScope.name, { pod: 'web-0', container: 'app', ns_type: 'net', scope: 'pod' })
    ).toBe(1);
    expect(
      one(samples, METRICS.namespaceScope.name, { pod: 'web-0', container: 'app', ns_type: 'pid', scope: 'private' })
    ).toBe(1);
    expect(
      one(samples, METRICS.namespaceScope.name, { pod: 'web-0', container: 'app', ns_type: 'user', scope: 'host' })
    ).toBe(1);
  });

  it('exposes what each pod asked for, and where the kernel disagrees', () => {
    const modes = find(samples, METRICS.podNamespaceMode.name, {}).map(
      (s) => `${s.labels.pod} ${s.labels.ns_type}=${s.labels.mode}`
    );
    expect(modes.sort()).toEqual([
      'db-0 ipc=pod',
      'db-0 net=node',
      'db-0 pid=pod',
      'db-0 user=node',
      'web-0 ipc=pod',
      'web-0 net=pod',
      'web-0 pid=container',
    ]);
    const mismatch = (pod: string, ns_type: string) =>
      one(samples, METRICS.podNamespaceMismatch.name, { namespace: 'shop', pod, ns_type });
    expect([mismatch('web-0', 'net'), mismatch('web-0', 'pid'), mismatch('web-0', 'ipc')]).toEqual([0, 0, 0]);
    // db-0: hostNetwork asked for but a pod network seen; a shared PID namespace asked for but one each.
    expect([
      mismatch('db-0', 'net'),
      mismatch('db-0', 'pid'),
      mismatch('db-0', 'ipc'),
      mismatch('db-0', 'user'),
    ]).toEqual([1, 1, 0, 0]);
  });
});

describe('crun\'s layout (k8s-crio-v2 with the processes in each scope\'s "container" child)', () => {
  const tree = 'k8s-crio-v2';
  const expected: Expected = JSON.parse(readFileSync(join(HOSTS, tree, 'expected.json'), 'utf8'));
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'isoscope-crun-'));
    cpSync(join(HOSTS, tree), root, { recursive: true, verbatimSymlinks: true });
    for (const c of expected.containers) {
      const scope = join(root, 'sys', 'fs', 'cgroup', c.path);
      mkdirSync(join(scope, 'container'));
      writeFileSync(join(scope, 'container', 'cgroup.procs'), readFileSync(join(scope, 'cgroup.procs')));
      writeFileSync(join(scope, 'cgroup.procs'), '');
    }
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("finds each container's processes in the leaf: namespaces, security and start time as before", async () => {
    const samples = await exporterFor(root).collect();
    for (const c of expected.containers) {
      expect({ id: c.path, net: one(samples, METRICS.namespaceInode.name, { id: c.path, ns_type: 'net' }) }).toEqual({
        id: c.path,
        net: c.namespaces.net.inode,
      });
      expect(one(samples, METRICS.startTime.name, { id: c.path })).toBeCloseTo(c.processStartTimeSeconds, 2);
      expect(one(samples, METRICS.securitySeccompMode.name, { id: c.path })).toBe(c.security.seccompMode);
    }
    expect(find(samples, METRICS.readErrors.name, {}).filter((s) => s.value !== 0)).toEqual([]);
  });
});

describe.each([
  ['on demand', false],
  ['read ahead', true],
])('hostile files in place of cgroup files (%s)', (_mode, ahead) => {
  let root: string;
  let readAhead: ReadAhead | undefined;
  const tree = 'v2-docker-systemd';
  const expected: Expected = JSON.parse(readFileSync(join(HOSTS, tree, 'expected.json'), 'utf8'));
  const [web, sidecar] = expected.containers;
  const file = (c: ExpectedContainer, name: string) => join(root, 'sys', 'fs', 'cgroup', c.path, name);

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'isoscope-hostile-'));
    cpSync(join(HOSTS, tree), root, { recursive: true, verbatimSymlinks: true });
    readAhead = ahead ? new ReadAhead(silentLogger) : undefined;
  });
  afterEach(async () => {
    await readAhead?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('skips each bad value, counts an error for it, and keeps every other value', async () => {
    const replace = (name: string, make: (path: string) => void) => {
      rmSync(file(web, name));
      make(file(web, name));
    };
    replace('memory.stat', (p) => execFileSync('mkfifo', [p])); // no writer: reads as empty
    replace('memory.current', (p) => (writeFileSync(p, ''), truncateSync(p, 50 * 1024 * 1024)));
    replace('cpu.max', (p) => mkdirSync(p));
    replace('memory.max', (p) => symlinkSync(p, p));
    replace('pids.current', (p) => writeFileSync(p, '12\u00003\n'));
    replace('memory.swap.current', (p) => writeFileSync(p, '18446744073709551616\n'));
    replace('cpu.stat', (p) => writeFileSync(p, Buffer.from([0, 0xff, 0x0a, 0x00])));
    const exporter = exporterFor(root, undefined, ALL, readAhead);
    for (let i = 0; i < 2; i++) {
      // Twice: the second scrape's files come from the read-ahead thread when it runs.
      const samples = await exporter.collect();
      for (const family of [
        METRICS.memoryUsage,
        METRICS.memoryRss,
        METRICS.specCpuQuota,
        METRICS.specMemoryLimit,
        METRICS.threads,
        METRICS.memorySwap,
        METRICS.cpuUserSeconds,
      ])
        expect({ family: family.name, value: one(samples, family.name, { id: web.path }) }).toEqual({
          family: family.name,
          value: undefined,
        });
      expect(one(samples, METRICS.specCpuPeriod.name, { id: web.path })).toBeUndefined();
      expect(one(samples, METRICS.threadsMax.name, { id: web.path })).toBe(web.metrics[METRICS.threadsMax.name]);
      expect(one(samples, METRICS.memoryUsage.name, { id: sidecar.path })).toBe(
        sidecar.metrics[METRICS.memoryUsage.name]
      );
      for (const collector of ['memory', 'limits', 'tasks', 'cpu'])
        expect(one(samples, METRICS.readErrors.name, { collector })).toBeGreaterThan(0);
      for (const collector of COLLECTORS)
        expect(one(samples, METRICS.scrapeCollectorSuccess.name, { collector })).toBe(1);
    }
  });
});

describe('the scrape deadline', () => {
  const tree = 'v2-docker-systemd';
  const root = join(HOSTS, tree);
  const expected: Expected = JSON.parse(readFileSync(join(HOSTS, tree, 'expected.json'), 'utf8'));
  const [web, sidecar] = expected.containers;

  /** An exporter whose clock moves only when told, with a 10 s deadline (0.5 s offset). */
  function clocked(metadata?: MetadataSource) {
    const clock = { now: 0 };
    const env = loadEnvironment(
      { procfs: join(root, 'proc'), sysfs: join(root, 'sys'), namespaceReference: 'pid1' },
      silentLogger
    );
    const exporter = new Exporter({
      env,
      collectors: ALL,
      exposition: new Exposition(ALL, { processMetrics: false }),
      metadata,
      clock: () => clock.now,
    });
    return { exporter, clock };
  }

  it('takes the header less the offset, half of it when the offset leaves nothing, capped by the flag', () => {
    const d = { timeoutSeconds: 10, offsetSeconds: 0.5 };
    expect(collectSeconds(d, undefined)).toBe(10);
    expect(collectSeconds(d, 5)).toBe(4.5);
    expect(collectSeconds(d, 120)).toBe(10);
    expect(collectSeconds(d, 0.4)).toBe(0.2);
    for (const bad of [0, -1, NaN, Infinity]) expect(collectSeconds(d, bad)).toBe(10);
  });

  it('leaves out whole the containers not reached, fails the collectors that had not reached them', async () => {
    const { exporter, clock } = clocked();
    const memory = COLLECTOR_REGISTRY.memory;
    const collect = memory.collect!;
    // The first container's memory collector takes the whole deadline.
    const spy = jest.spyOn(memory, 'collect').mockImplementation((scrape, t) => {
      collect(scrape, t);
      if (t.cgroup.path === web.path) clock.now += 20_000;
    });
    try {
      const samples = await exporter.collect();
      const ids = new Set(find(samples, METRICS.memoryUsage.name, {}).map((s) => s.labels.id));
      // The machine's series come first, then the container reached.
      expect(ids).toEqual(new Set(['/', web.path]));
      // The container served has every family a full scrape gives it, cross-container ones included.
      const full = await exporterFor(root).collect();
      const familiesOf = (ss: Sample[], id: string) =>
        new Set(ss.filter((s) => sampleLabels(s).id === id).map((s) => s.family.name));
      expect(familiesOf(samples, web.path)).toEqual(familiesOf(full, web.path));
      expect(samples.filter((s) => sampleLabels(s).id === sidecar.path)).toEqual([]);
      for (const collector of COLLECTORS)
        expect({ collector, up: one(samples, METRICS.scrapeCollectorSuccess.name, { collector }) }).toEqual({
          collector,
          up: 0,
        });
      expect(one(samples, METRICS.scrapeCollectorSuccess.name, { collector: 'discovery' })).toBe(1);
      expect(one(samples, METRICS.containers.name, { runtime: 'docker' })).toBe(2);
    } finally {
      spy.mockRestore();
    }
    // The next scrape, in time, is whole again.
    const next = await exporter.collect();
    expect(one(next, METRICS.scrapeCollectorSuccess.name, { collector: 'memory' })).toBe(1);
    expect(find(next, METRICS.memoryUsage.name, {})).toHaveLength(3);
  });

  it("serves by the earliest deadline of the requests sharing the scrape, from Prometheus' header", async () => {
    const { exporter, clock } = clocked();
    const memory = COLLECTOR_REGISTRY.memory;
    const collect = memory.collect!;
    const spy = jest.spyOn(memory, 'collect').mockImplementation((scrape, t) => {
      collect(scrape, t);
      clock.now += 2_000; // 2 s per container: past a 2 s header's 1.5 s, within the 10 s default
    });
    const body = (timeoutSeconds?: number) => {
      const bytes: Buffer[] = [];
      return {
        bytes,
        request: {
          timeoutSeconds,
          begin: () => {},
          write: (chunk: Buffer, done: () => void) => (bytes.push(Buffer.from(chunk)), done()),
          end: () => {},
          fail: (err: Error) => {
            throw err;
          },
        },
      };
    };
    try {
      const short = body(2);
      const long = body();
      await Promise.all([exporter.serve(short.request), exporter.serve(long.request)]);
      const text = Buffer.concat(short.bytes).toString();
      expect(Buffer.concat(long.bytes).toString()).toBe(text);
      expect(text).toContain(`${METRICS.scrapeCollectorSuccess.name}{collector="memory"} 0`);
      expect(text).toContain(`id="${web.path}"`);
      expect(text).not.toContain(`id="${sidecar.path}"`);
      const alone = body(120);
      await exporter.serve(alone.request);
      expect(Buffer.concat(alone.bytes).toString()).toContain(`id="${sidecar.path}"`);
    } finally {
      spy.mockRestore();
    }
  });

  it('waits for the runtime no longer than the deadline, then labels by id', async () => {
    const never = metadataFrom(() => new Promise(() => {}));
    const env = loadEnvironment(
      { procfs: join(root, 'proc'), sysfs: join(root, 'sys'), namespaceReference: 'pid1' },
      silentLogger
    );
    const exporter = new Exporter({
      env,
      collectors: ALL,
      exposition: new Exposition(ALL, { processMetrics: false }),
      metadata: never,
      deadlines: { timeoutSeconds: 0.2, offsetSeconds: 0 },
    });
    // No container was reached in time, but the scrape answers.
    const samples = await exporter.collect();
    expect(one(samples, METRICS.containers.name, { runtime: 'docker' })).toBe(2);
    expect(one(samples, METRICS.scrapeCollectorSuccess.name, { collector: 'discovery' })).toBe(1);
  });
});

describe('10,000 containers', () => {
  let root: string;
  const N = 10_000;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'isoscope-many-'));
    cpSync(join(HOSTS, 'v2-docker-systemd'), root, { recursive: true, verbatimSymlinks: true });
    const slice = join(root, 'sys', 'fs', 'cgroup', 'system.slice');
    for (let i = 0; i < N; i++) {
      // Fake containers with a few files each and no process; the rest of their files are missing.
      const dir = join(slice, `docker-e${i.toString(16).padStart(63, '0')}.scope`);
      mkdirSync(dir);
      writeFileSync(join(dir, 'cgroup.procs'), '');
      writeFileSync(join(dir, 'memory.current'), `${i}\n`);
      writeFileSync(join(dir, 'cpu.max'), 'max 100000\n');
    }
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('are all served, or the scrape ends at its deadline with what it collected', async () => {
    const exporter = exporterFor(root);
    const samples = await exporter.collect();
    const found = one(samples, METRICS.containers.name, { runtime: 'docker' });
    expect(found).toBe(N + 2);
    const served = find(samples, METRICS.specCpuPeriod.name, {}).length;
    const complete = one(samples, METRICS.scrapeCollectorSuccess.name, { collector: 'limits' }) === 1;
    if (complete) expect(served).toBe(N + 2);
    else expect(served).toBeLessThan(N + 2);
    expect(one(samples, METRICS.readErrors.name, { collector: 'memory' })).toBeGreaterThan(0);
  });
});

describe('idle', () => {
  it('is false from a request until its scrape is served, and true again after', async () => {
    const exporter = exporterFor(join(HOSTS, 'k8s-cgroupfs-v1'));
    expect(exporter.idle).toBe(true);
    const served = exporter.scrape();
    expect(exporter.idle).toBe(false);
    await served;
    await new Promise((resolve) => setImmediate(resolve));
    expect(exporter.idle).toBe(true);
    expect(exporter.lastBatchSize).toBe(1);
    await Promise.all([exporter.scrape(), exporter.scrape()]);
    expect(exporter.lastBatchSize).toBe(2);
  });
});
