/**
 * The exporter on a real Kubernetes node's runtime: a private containerd with its CRI plugin, pods created
 * through the CRI exactly as kubelet creates them (labels, QoS cgroup parents, limits, a pod network on a CNI
 * bridge, a hostNetwork + hostPID pod, a pod sharing its PID namespace), and the built CLI reading names and
 * pod specs from the CRI socket. Every value is checked against what the kernel and the runtime say.
 *
 * The node's network is a namespace of its own (see test/support/containerd.ts), so the exporter runs in it
 * (`nsenter --net`) and compares with its own namespaces, as an exporter on a real node's host network does;
 * the test fetches its metrics from inside that namespace with busybox wget.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { METRICS, NAMESPACE_TYPES } from '@isoscope/shared';
import { startExporter, type ExporterProcess, waitUntil } from '@isoscope/test-support';
import { startCriNode, type CriNode, type RunningContainer, type RunningPod } from '../support/containerd';
import { parseExposition, select, valueOf, type Series } from '../support/exposition';

jest.setTimeout(240_000);

const M = METRICS;
let node: CriNode;
let exporter: ExporterProcess;
let web: RunningPod;
let agent: RunningPod;
let batch: RunningPod;

async function scrape(): Promise<Series[]> {
  const text = await node.nodeExec(['/bin/busybox', 'wget', '-q', '-O', '-', `${exporter.url}/metrics`]);
  return parseExposition(text).series;
}

function inode(pid: number, type: string): number {
  return Number(/\[(\d+)\]/.exec(readlinkSync(`/proc/${pid}/ns/${type}`))![1]);
}

/** The namespaces the exporter compares with: its own, i.e. the node's network and this host's others. */
function referenceInode(type: string): number {
  return type === 'net' ? inode(node.nodePid, 'net') : inode(process.pid, type);
}

function eth0RxBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/net/dev`, 'utf8')
    .split('\n')
    .find((l) => l.trim().startsWith('eth0:'))!;
  return Number(line.split(':')[1].trim().split(/\s+/)[0]);
}

function container(pod: RunningPod, name: string): RunningContainer {
  return pod.containers.find((c) => c.name === name)!;
}

beforeAll(async () => {
  node = await startCriNode();
  const { kubelet } = node;
  web = await kubelet.runPod({ name: 'web-7d9f8', namespace: 'shop', qosClass: 'Burstable', labels: { app: 'web' } });
  await kubelet.runContainer(web, {
    name: 'app',
    resources: { cpuPeriod: 100_000, cpuQuota: 50_000, cpuShares: 102, memoryLimitBytes: 64 * 1024 * 1024 },
  });
  await kubelet.runContainer(web, { name: 'sidecar' });
  agent = await kubelet.runPod({
    name: 'node-agent-x1',
    namespace: 'kube-system',
    qosClass: 'BestEffort',
    hostNetwork: true,
    hostPID: true,
  });
  await kubelet.runContainer(agent, { name: 'agent' });
  batch = await kubelet.runPod({
    name: 'batch-0',
    namespace: 'jobs',
    qosClass: 'Guaranteed',
    shareProcessNamespace: true,
  });
  await kubelet.runContainer(batch, {
    name: 'runner',
    resources: { cpuPeriod: 100_000, cpuQuota: 100_000, cpuShares: 1024, memoryLimitBytes: 32 * 1024 * 1024 },
  });
  await kubelet.runContainer(batch, {
    name: 'helper',
    resources: { cpuPeriod: 100_000, cpuQuota: 100_000, cpuShares: 1024, memoryLimitBytes: 32 * 1024 * 1024 },
  });
  exporter = await startExporter(
    [`--cri.socket=${node.socketPath}`, '--docker.socket=', '--namespace.reference=self'],
    20_000,
    ['nsenter', `--net=/proc/${node.nodePid}/ns/net`, '--']
  );
});

afterAll(async () => {
  await exporter?.stop();
  await node?.stop();
});

describe('the exporter on a containerd node, with names from the CRI', () => {
  it("labels every workload container as kubelet's cAdvisor does", async () => {
    const series = await scrape();
    for (const pod of [web, agent, batch]) {
      for (const c of pod.containers) {
        const found = select(series, M.memoryUsage.name, { id: c.cgroupPath });
        expect(found.map((s) => s.labels)).toEqual([
          {
            id: c.cgroupPath,
            name: c.id,
            image: node.image,
            namespace: pod.namespace,
            pod: pod.name,
            container: c.name,
          },
        ]);
        expect(c.cgroupPath).toBe(`${pod.cgroupParent}/${c.id}`);
      }
    }
    expect(web.cgroupParent).toBe(`/kubepods/burstable/pod${web.podUid}`);
    expect(batch.cgroupParent).toBe(`/kubepods/pod${batch.podUid}`);
    expect(valueOf(series, M.metadataSourceUp.name, { source: 'cri' })).toBe(1);
    expect(valueOf(series, M.containers.name, { runtime: 'containerd' })).toBe(3 + 5);
  });

  it('labels each pod sandbox container="POD", never as a workload', async () => {
    const series = await scrape();
    for (const pod of [web, agent, batch]) {
      const id = `${pod.cgroupParent}/${pod.sandboxId}`;
      expect(select(series, M.memoryUsage.name, { id }).map((s) => s.labels)).toEqual([
        { id, name: pod.sandboxId, namespace: pod.namespace, pod: pod.name, container: 'POD' },
      ]);
    }
    // kubernetes-mixin's workload filter sees exactly the five workload containers.
    const workloads = select(series, M.memoryUsage.name).filter(
      (s) => s.labels.container && s.labels.container !== 'POD'
    );
    expect(workloads.map((s) => s.labels.container).sort()).toEqual(['agent', 'app', 'helper', 'runner', 'sidecar']);
  });

  it('reports the limits kubelet asked for, as the kernel holds them', async () => {
    const series = await scrape();
    const app = container(web, 'app');
    expect(valueOf(series, M.specCpuQuota.name, { id: app.cgroupPath })).toBe(50_000);
    expect(valueOf(series, M.specCpuShares.name, { id: app.cgroupPath })).toBe(102);
    expect(valueOf(series, M.specMemoryLimit.name, { id: app.cgroupPath })).toBe(
      Number(readFileSync(`/sys/fs/cgroup/memory${app.cgroupPath}/memory.limit_in_bytes`, 'utf8'))
    );
    expect(valueOf(series, M.specMemoryLimit.name, { id: app.cgroupPath })).toBe(64 * 1024 * 1024);
    expect(valueOf(series, M.specMemoryLimit.name, { id: container(web, 'sidecar').cgroupPath })).toBe(0);
  });

  it('reports every namespace of every container as the kernel has it, with its scope', async () => {
    const series = await scrape();
    const members = [web, agent, batch].flatMap((pod) => [
      { pod, id: `${pod.cgroupParent}/${pod.sandboxId}`, pid: pod.sandboxPid },
      ...pod.containers.map((c) => ({ pod, id: c.cgroupPath, pid: c.pid })),
    ]);
    for (const m of members) {
      for (const type of NAMESPACE_TYPES) {
        const labels = { id: m.id, ns_type: type };
        const want = inode(m.pid, type);
        const host = want === referenceInode(type);
        const sharers = members.filter((o) => inode(o.pid, type) === want);
        const scope = host
          ? 'host'
          : sharers.length === 1
            ? 'private'
            : sharers.every((o) => o.pod === m.pod)
              ? 'pod'
              : 'shared';
        expect({
          id: m.id,
          type,
          inode: valueOf(series, M.namespaceInode.name, labels),
          host: valueOf(series, M.namespaceSharedWithHost.name, labels),
          sharers: valueOf(series, M.namespaceSharers.name, labels),
          scope: select(series, M.namespaceScope.name, labels).map((s) => s.labels.scope),
        }).toEqual({
          id: m.id,
          type,
          inode: want,
          host: host ? 1 : 0,
          // Every container on the host counts, another engine's too (a namespace of the host's is shared by
          // all of them): count them off the inode series of the same scrape.
          sharers: select(series, M.namespaceInode.name, { ns_type: type }).filter((s) => s.value === want).length,
          scope: [scope],
        });
        if (!host) expect(valueOf(series, M.namespaceSharers.name, labels)).toBe(sharers.length);
      }
    }
    // What each pod's spec means, as a user reads it off the scope series.
    const scopeOf = (c: RunningContainer, ns_type: string) =>
      select(series, M.namespaceScope.name, { id: c.cgroupPath, ns_type })[0]?.labels.scope;
    expect(['net', 'ipc', 'uts', 'pid'].map((t) => scopeOf(container(web, 'app'), t))).toEqual([
      'pod',
      'pod',
      'pod',
      'private',
    ]);
    expect(['net', 'pid'].map((t) => scopeOf(container(agent, 'agent'), t))).toEqual(['host', 'host']);
    expect(scopeOf(container(batch, 'runner'), 'pid')).toBe('pod');
  });

  it('exposes what each pod asked for, and finds the kernel in agreement', async () => {
    const series = await scrape();
    const modes = select(series, M.podNamespaceMode.name).map(
      (s) => `${s.labels.namespace}/${s.labels.pod} ${s.labels.ns_type}=${s.labels.mode}`
    );
    expect(modes.sort()).toEqual([
      'jobs/batch-0 ipc=pod',
      'jobs/batch-0 net=pod',
      'jobs/batch-0 pid=pod',
      'kube-system/node-agent-x1 ipc=pod',
      'kube-system/node-agent-x1 net=node',
      'kube-system/node-agent-x1 pid=node',
      'shop/web-7d9f8 ipc=pod',
      'shop/web-7d9f8 net=pod',
      'shop/web-7d9f8 pid=container',
    ]);
    const mismatches = select(series, M.podNamespaceMismatch.name);
    expect(mismatches).toHaveLength(9);
    expect(mismatches.filter((s) => s.value !== 0)).toEqual([]);
  });

  it("reads a pod's network once, on its sandbox, as the kernel counts it", async () => {
    // Traffic between two pods on the node's bridge (both namespaces are the test's own).
    await node.nodeExec([
      'nsenter',
      `--net=/proc/${web.sandboxPid}/ns/net`,
      '/bin/busybox',
      'ping',
      '-c',
      '3',
      '-W',
      '1',
      batch.ip,
    ]);
    const before = eth0RxBytes(web.sandboxPid);
    const series = await scrape();
    const after = eth0RxBytes(web.sandboxPid);
    const rx = select(series, M.networkReceiveBytes.name, { pod: web.name });
    expect(rx.map((s) => [s.labels.container, s.labels.interface])).toEqual([['POD', 'eth0']]);
    expect(rx[0].value).toBeGreaterThanOrEqual(before);
    expect(rx[0].value).toBeLessThanOrEqual(after);
    expect(before).toBeGreaterThan(0);
    // The hostNetwork pod is on the node's network: no interface series at all.
    expect(select(series, M.networkReceiveBytes.name, { pod: agent.name })).toEqual([]);
  });

  it('keeps serving, with the names it knows, while containerd is down, and says the CRI is down', async () => {
    await node.stopContainerd();
    // A container cgroup the runtime has not told about yet (one that just appeared) makes the exporter ask
    // the runtime again, which now fails. Created under our own pod's cgroup in every hierarchy, as a runtime
    // makes one, and removed below.
    const unknown = `${web.cgroupParent}/${randomBytes(32).toString('hex')}`;
    // Each hierarchy once: co-mounted controllers appear under several names (cpu -> cpu,cpuacct).
    const hierarchies = [
      ...new Set(
        readdirSync('/sys/fs/cgroup')
          .map((h) => realpathSync(`/sys/fs/cgroup/${h}`))
          .filter((h) => existsSync(`${h}${web.cgroupParent}`))
      ),
    ];
    for (const h of hierarchies) mkdirSync(`${h}${unknown}`);
    try {
      const down = await waitUntil(
        'the CRI reported down',
        async () => {
          const series = await scrape();
          return valueOf(series, M.metadataSourceUp.name, { source: 'cri' }) === 0 ? series : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 1000 }
      );
      const app = container(web, 'app');
      expect(select(down, M.memoryUsage.name, { id: app.cgroupPath })[0].labels).toMatchObject({
        pod: web.name,
        container: 'app',
      });
      // The new one is served by id alone.
      expect(select(down, M.lastSeen.name, { id: unknown }).map((s) => s.labels)).toEqual([{ id: unknown }]);

      await node.restartContainerd();
      await waitUntil(
        'the CRI reported up again',
        async () => {
          const series = await scrape();
          return valueOf(series, M.metadataSourceUp.name, { source: 'cri' }) === 1 ? true : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 1000 }
      );
    } finally {
      for (const h of hierarchies) rmdirSync(`${h}${unknown}`);
    }
    expect(exporter.log()).toMatch(
      /level=warn msg="cri: runtime service unreachable; container names and images will be missing"/
    );
    expect(exporter.log()).toMatch(/level=info msg="cri: runtime service reachable"/);
  });
});
