import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitUntil } from '@isoscope/test-support';
import { recording, startFakeRuntime, type FakeRuntime } from '../../../test/support/cri/fakeRuntime';
import type { RuntimeLogFn } from '../cache';
import { RuntimeLabels } from '../labels';
import { CriMetadataSource, detectCriSocket } from './source';

const CONTAINERD = recording('containerd-1.6');
const CRIO = recording('cri-o-1.28');
const WEB_SANDBOX = CONTAINERD.sandboxes[0].id;
const AGENT_SANDBOX = CONTAINERD.sandboxes[1].id;
const [NGINX, SHIPPER, AGENT] = CONTAINERD.containers.map((c) => c.id);
const UNKNOWN = 'f'.repeat(64);

function recorder() {
  const entries: Array<{ level: string; msg: string; fields?: Record<string, unknown> }> = [];
  const log: RuntimeLogFn = (level, msg, fields) => entries.push({ level, msg, fields });
  return { log, entries, warns: () => entries.filter((e) => e.level === 'warn') };
}

let runtime: FakeRuntime | undefined;
let source: CriMetadataSource | undefined;
afterEach(async () => {
  source = undefined;
  await runtime?.close();
  runtime = undefined;
});

async function against(
  answers = CONTAINERD,
  opts: { minRefreshIntervalMs?: number; timeoutMs?: number; maxAgeMs?: number; labels?: RuntimeLabels } = {}
) {
  runtime = await startFakeRuntime(structuredClone(answers));
  const rec = recorder();
  source = new CriMetadataSource({ socketPath: runtime.socketPath, log: rec.log, minRefreshIntervalMs: 0, ...opts });
  return { runtime, source, rec };
}

describe('CriMetadataSource on containerd answers', () => {
  it("labels workload containers as kubelet's cAdvisor does: id as name, image name, pod trio", async () => {
    const { source } = await against();
    const md = await source.lookup([NGINX, SHIPPER, AGENT]);
    expect(md.get(NGINX)).toMatchObject({
      name: NGINX,
      image: 'docker.io/library/nginx:1.27',
      namespace: 'shop',
      pod: 'shop-web-7d9f8b6c5-x2x4k',
      container: 'nginx',
      podUid: '0f7c3a52-4b1d-4c8e-9a2f-6d5e4c3b2a19',
    });
    expect(md.get(NGINX)?.sandbox).toBeUndefined();
    // An image with no tag is named by its digest; the DaemonSet pod's container by its tag.
    expect(md.get(SHIPPER)?.image).toBe(
      'cr.fluentbit.io/fluent/fluent-bit@sha256:4c5a6f1e8b2d9c3a7f0e1b5d8c2a6f9e3b7d0c4a8f1e5b9d2c6a0f3e7b1d5c9a'
    );
    expect(md.get(AGENT)).toMatchObject({ namespace: 'kube-system', pod: 'node-agent-9qz7m', container: 'agent' });
  });

  it('marks pod sandboxes container="POD" and gives every member what the pod asked for', async () => {
    const { source } = await against();
    const md = await source.lookup([WEB_SANDBOX, AGENT_SANDBOX, NGINX, AGENT]);
    expect(md.get(WEB_SANDBOX)).toMatchObject({
      name: WEB_SANDBOX,
      container: 'POD',
      sandbox: true,
      namespace: 'shop',
      pod: 'shop-web-7d9f8b6c5-x2x4k',
    });
    expect(md.get(WEB_SANDBOX)?.podSpec?.namespaceModes).toEqual({ net: 'pod', pid: 'container', ipc: 'pod' });
    expect(md.get(NGINX)?.podSpec).toBe(md.get(WEB_SANDBOX)?.podSpec);
    // hostNetwork + hostPID: the node's; no user namespace options from containerd 1.6, so no word on them.
    expect(md.get(AGENT)?.podSpec).toEqual({
      namespace: 'kube-system',
      pod: 'node-agent-9qz7m',
      uid: '6b1e2d3c-4f5a-4b6c-8d7e-9f0a1b2c3d4e',
      namespaceModes: { net: 'node', pid: 'node', ipc: 'pod' },
    });
  });

  it("carries the allow-listed labels of each container's pod, under its own, and none by default", async () => {
    const answers = structuredClone(CONTAINERD);
    answers.containers[0].labels['tier'] = 'front';
    answers.containers[0].labels['app'] = 'shop-web-canary';
    const labels = new RuntimeLabels(['app', 'tier', 'k8s-app', 'io.kubernetes.pod.namespace']);
    const { source } = await against(answers, { labels });
    const md = await source.lookup([NGINX, SHIPPER, AGENT, WEB_SANDBOX]);
    expect(md.get(NGINX)?.labels).toEqual({
      container_label_app: 'shop-web-canary',
      container_label_tier: 'front',
      container_label_io_kubernetes_pod_namespace: 'shop',
    });
    expect(md.get(SHIPPER)?.labels).toEqual({
      container_label_app: 'shop-web',
      container_label_io_kubernetes_pod_namespace: 'shop',
    });
    expect(md.get(WEB_SANDBOX)?.labels).toEqual({
      container_label_app: 'shop-web',
      container_label_io_kubernetes_pod_namespace: 'shop',
    });
    expect(md.get(AGENT)?.labels).toEqual({
      container_label_k8s_app: 'node-agent',
      container_label_io_kubernetes_pod_namespace: 'kube-system',
    });
    await runtime!.close();
    const { source: plain } = await against(answers);
    expect((await plain.lookup([NGINX])).get(NGINX)).not.toHaveProperty('labels');
  });

  it("falls back to the CRI metadata where kubelet's labels are missing", async () => {
    const answers = structuredClone(CONTAINERD);
    for (const s of answers.sandboxes) s.labels = {};
    for (const c of answers.containers) c.labels = {};
    const { source } = await against(answers);
    const md = await source.lookup([NGINX, WEB_SANDBOX]);
    expect(md.get(NGINX)).toMatchObject({ namespace: 'shop', pod: 'shop-web-7d9f8b6c5-x2x4k', container: 'nginx' });
    expect(md.get(WEB_SANDBOX)).toMatchObject({ namespace: 'shop', pod: 'shop-web-7d9f8b6c5-x2x4k', container: 'POD' });
  });

  it("asks each sandbox's status once in its life, and nothing while it knows every id", async () => {
    const { runtime, source } = await against();
    await source.lookup([NGINX]);
    await source.lookup([NGINX, SHIPPER, AGENT, WEB_SANDBOX]);
    expect(runtime.calls.get('ListContainers')).toBe(1);
    await source.lookup([UNKNOWN]);
    await source.lookup([UNKNOWN]);
    expect(runtime.calls.get('ListContainers')).toBe(3);
    expect(runtime.calls.get('ListPodSandbox')).toBe(3);
    expect(runtime.calls.get('PodSandboxStatus')).toBe(2);
    expect(runtime.calls.get('Version')).toBe(3);
    // Never the stats calls: the fake has none, and an unknown method would have failed the lookup.
    expect([...runtime.calls.keys()].sort()).toEqual([
      'ListContainers',
      'ListImages',
      'ListPodSandbox',
      'PodSandboxStatus',
      'Version',
    ]);
  });

  it('keeps names through a runtime outage, reports it down once, and up again after', async () => {
    const { runtime, source, rec } = await against();
    expect(source.up()).toBeUndefined();
    expect((await source.lookup([NGINX])).get(NGINX)?.container).toBe('nginx');
    expect(source.up()).toBe(true);
    runtime.mode = 'fail';
    for (let i = 0; i < 3; i++) expect((await source.lookup([NGINX, UNKNOWN])).get(NGINX)?.container).toBe('nginx');
    expect(source.up()).toBe(false);
    expect(rec.warns()).toHaveLength(1);
    expect(rec.warns()[0].msg).toMatch(/^cri: runtime service unreachable/);
    runtime.mode = undefined;
    await source.lookup([UNKNOWN]);
    expect(source.up()).toBe(true);
    expect(rec.entries.filter((e) => e.level === 'info')).toHaveLength(1);
  });

  it('costs a scrape at most its deadline when the runtime hangs', async () => {
    const { runtime, source } = await against(CONTAINERD, { timeoutMs: 300 });
    runtime.mode = 'hang';
    const start = performance.now();
    expect((await source.lookup([NGINX])).size).toBe(0);
    const took = performance.now() - start;
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(2000);
    expect(source.up()).toBe(false);
  });

  it('refreshes an old cache beside the scrape, never in its way', async () => {
    const { runtime, source } = await against(CONTAINERD, { maxAgeMs: 0, timeoutMs: 1000 });
    expect((await source.lookup([NGINX])).get(NGINX)?.container).toBe('nginx');
    const calls = runtime.calls.get('ListContainers');
    runtime.mode = 'hang';
    const start = performance.now();
    // Every id is known and the cache is old: answered from the cache at once, while a refresh starts.
    expect((await source.lookup([NGINX])).get(NGINX)?.container).toBe('nginx');
    expect(performance.now() - start).toBeLessThan(200);
    await waitUntil(
      'the refresh to reach the runtime',
      () => (runtime.calls.get('ListContainers')! > calls! ? true : undefined),
      {
        timeoutMs: 5000,
        intervalMs: 20,
      }
    );
  });

  it('serves ids only when the socket does not exist', async () => {
    const rec = recorder();
    source = new CriMetadataSource({
      socketPath: join(tmpdir(), 'isoscope-no-such-cri.sock'),
      log: rec.log,
      minRefreshIntervalMs: 0,
    });
    expect((await source.lookup([NGINX])).size).toBe(0);
    expect((await source.lookup([NGINX])).size).toBe(0);
    expect(source.up()).toBe(false);
    expect(rec.warns()).toHaveLength(1);
  });
});

describe('CriMetadataSource on CRI-O answers', () => {
  it('takes the image name CRI-O gives', async () => {
    const { runtime, source } = await against(CRIO);
    const [runner] = CRIO.containers.map((c) => c.id);
    const md = await source.lookup([runner, CRIO.sandboxes[0].id]);
    expect(md.get(runner)).toMatchObject({
      image: 'quay.io/example/batch-runner:2.3',
      namespace: 'jobs',
      container: 'runner',
    });
    expect(md.get(CRIO.sandboxes[0].id)).toMatchObject({ container: 'POD', sandbox: true });
    expect(md.get(runner)?.podSpec?.namespaceModes).toEqual({ net: 'pod', pid: 'pod', ipc: 'pod', user: 'pod' });
    // The image list is empty here: the name is CRI-O's own.
    expect(runtime.calls.get('ListImages')).toBe(1);
  });
});

describe('detectCriSocket', () => {
  let root: string;
  beforeAll(() => (root = mkdtempSync(join(tmpdir(), 'isoscope-rootfs-'))));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('finds a runtime socket under the root, and only a socket', async () => {
    expect(detectCriSocket(root)).toBeUndefined();
    mkdirSync(join(root, 'run', 'containerd'), { recursive: true });
    // A regular file where the socket should be is not a runtime.
    writeFileSync(join(root, 'run', 'containerd', 'containerd.sock'), '');
    mkdirSync(join(root, 'var', 'run', 'crio'), { recursive: true });
    const server = net.createServer().listen(join(root, 'var', 'run', 'crio', 'crio.sock'));
    await new Promise((r) => server.once('listening', r));
    try {
      expect(detectCriSocket(root)).toBe(join(root, 'var', 'run', 'crio', 'crio.sock'));
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
