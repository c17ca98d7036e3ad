/**
 * Self-test of the containerd/CRI harness (test/support/containerd.ts): pods come up the way kubelet makes
 * them (shared sandbox namespaces, host network, cgroupfs paths and limits), a runtime outage leaves the pods
 * running, and stop() leaves nothing behind.
 */
import fs from 'node:fs';
import path from 'node:path';
import { mountsUnder, processesUnder } from '@isoscope/test-support';
import { type CriNode, cgroupHierarchies, startCriNode } from '../support/containerd';

const MiB = 1024 * 1024;

function nsOf(pid: number, ns: string): string {
  return fs.readlinkSync(`/proc/${pid}/ns/${ns}`);
}

/** Exited (or a zombie nobody reaps: PID 1 here need not reap what it inherits). */
function gone(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return /^[ZX]$/.test(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3));
  } catch {
    return true;
  }
}

function readCgroupFile(hierarchy: string, rel: string, file: string): string {
  return fs.readFileSync(path.join('/sys/fs/cgroup', hierarchy, rel, file), 'utf8').trim();
}

describe('containerd CRI node harness (live)', () => {
  let node: CriNode;
  const timings: string[] = [];

  beforeAll(async () => {
    node = await startCriNode();
    const t = node.timings;
    timings.push(
      `start ${t.totalMs} ms (node ${t.nodeReadyMs}, containerd ${t.containerdReadyMs}, image ${t.imageImportMs})`
    );
  }, 120_000);

  afterAll(async () => {
    await node?.stop();
    // One line for whoever watches the run: a slow machine shows here first.
    process.stdout.write(`containerd harness timings: ${timings.join('; ')}\n`);
  }, 60_000);

  test('a pod-network pod: containers share net, ipc and uts with the sandbox; cgroups and limits as kubelet asks', async () => {
    const t0 = Date.now();
    const pod = await node.kubelet.runPod({
      name: 'web',
      namespace: 'shop',
      qosClass: 'Burstable',
      labels: { app: 'web' },
    });
    const app = await node.kubelet.runContainer(pod, {
      name: 'app',
      resources: { memoryLimitBytes: 64 * MiB, cpuPeriod: 100_000, cpuQuota: 50_000, cpuShares: 256 },
    });
    const sidecar = await node.kubelet.runContainer(pod, { name: 'sidecar' });
    timings.push(`pod with 2 containers ${Date.now() - t0} ms`);

    expect(pod.cgroupParent).toBe(`/kubepods/burstable/pod${pod.podUid}`);
    expect(pod.podUid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(pod.ip).toMatch(/^10\.213\.7\.\d+$/);
    for (const c of [app, sidecar]) {
      for (const ns of ['net', 'ipc', 'uts']) expect(nsOf(c.pid, ns)).toBe(nsOf(pod.sandboxPid, ns));
      // Kubelet's default: a pid namespace per container; and each container has its own rootfs.
      expect(nsOf(c.pid, 'pid')).not.toBe(nsOf(pod.sandboxPid, 'pid'));
      expect(nsOf(c.pid, 'mnt')).not.toBe(nsOf(pod.sandboxPid, 'mnt'));
    }
    expect(nsOf(pod.sandboxPid, 'net')).not.toBe(nsOf(node.containerdPid, 'net'));
    expect(nsOf(node.containerdPid, 'net')).not.toBe(nsOf(process.pid, 'net'));

    // cgroupfs driver: /kubepods/burstable/pod<uid>/<container id>, limits written by runc.
    const rel = `kubepods/burstable/pod${pod.podUid}/${app.id}`;
    expect(app.cgroupPath).toBe(`/${rel}`);
    expect(fs.existsSync(path.join('/sys/fs/cgroup/memory', rel))).toBe(true);
    expect(
      fs.existsSync(path.join('/sys/fs/cgroup/memory', `kubepods/burstable/pod${pod.podUid}/${pod.sandboxId}`))
    ).toBe(true);
    expect(Number(readCgroupFile('memory', rel, 'memory.limit_in_bytes'))).toBe(64 * MiB);
    expect(Number(readCgroupFile('cpu', rel, 'cpu.cfs_quota_us'))).toBe(50_000);
    expect(Number(readCgroupFile('cpu', rel, 'cpu.shares'))).toBe(256);
    expect(readCgroupFile('memory', rel, 'cgroup.procs').split('\n').map(Number)).toContain(app.pid);
    expect(fs.readFileSync(`/proc/${app.pid}/cgroup`, 'utf8')).toContain(`:memory:/${rel}\n`);
    if (cgroupHierarchies().includes('/sys/fs/cgroup/unified')) {
      expect(fs.existsSync(path.join('/sys/fs/cgroup/unified', rel))).toBe(true);
    }

    // What the CRI answers: the labels kubelet set, unchanged.
    const { containers } = await node.kubelet.call('ListContainers', { filter: { pod_sandbox_id: pod.sandboxId } });
    const listed = containers.find((c: any) => c.id === app.id);
    expect(listed.state).toBe('CONTAINER_RUNNING');
    expect(listed.labels).toEqual({
      'io.kubernetes.container.name': 'app',
      'io.kubernetes.pod.name': 'web',
      'io.kubernetes.pod.namespace': 'shop',
      'io.kubernetes.pod.uid': pod.podUid,
    });
    // The pod's own labels go on the sandbox only, as kubelet does.
    const { items } = await node.kubelet.call('ListPodSandbox', { filter: { id: pod.sandboxId } });
    expect(items[0].labels).toEqual({
      app: 'web',
      'io.kubernetes.pod.name': 'web',
      'io.kubernetes.pod.namespace': 'shop',
      'io.kubernetes.pod.uid': pod.podUid,
    });

    // The pods' network is a private bridge inside the node: two pods reach each other there.
    const other = await node.kubelet.runPod({ name: 'peer', namespace: 'shop', qosClass: 'BestEffort' });
    expect(other.cgroupParent).toBe(`/kubepods/besteffort/pod${other.podUid}`);
    expect(other.ip).not.toBe(pod.ip);
    const ping = await node.nodeExec([
      'nsenter',
      '-t',
      String(other.sandboxPid),
      '-n',
      '/bin/busybox',
      'ping',
      '-c',
      '1',
      '-W',
      '2',
      pod.ip,
    ]);
    expect(ping).toContain('1 packets received');
  });

  test('a hostNetwork pod lives in the node netns (containerd own), with its own pid namespace', async () => {
    const t0 = Date.now();
    const pod = await node.kubelet.runPod({
      name: 'agent',
      namespace: 'kube-system',
      qosClass: 'Guaranteed',
      hostNetwork: true,
    });
    const c = await node.kubelet.runContainer(pod, {
      name: 'agent',
      resources: { memoryLimitBytes: 32 * MiB, cpuQuota: 20_000, cpuPeriod: 100_000 },
    });
    timings.push(`hostNetwork pod with 1 container ${Date.now() - t0} ms`);
    expect(pod.cgroupParent).toBe(`/kubepods/pod${pod.podUid}`);
    expect(pod.ip).toBe('');
    const nodeNet = nsOf(node.containerdPid, 'net');
    expect(nsOf(pod.sandboxPid, 'net')).toBe(nodeNet);
    expect(nsOf(c.pid, 'net')).toBe(nodeNet);
    expect((await node.nodeExec(['readlink', '/proc/self/ns/net'])).trim()).toBe(nodeNet);
    expect(Number(readCgroupFile('memory', `kubepods/pod${pod.podUid}/${c.id}`, 'memory.limit_in_bytes'))).toBe(
      32 * MiB
    );

    const t1 = Date.now();
    await node.kubelet.removePod(pod);
    timings.push(`removePod ${Date.now() - t1} ms`);
    for (const h of cgroupHierarchies()) expect(fs.existsSync(path.join(h, pod.cgroupParent))).toBe(false);
    expect(gone(c.pid)).toBe(true);
    expect(gone(pod.sandboxPid)).toBe(true);
  });

  test('a containerd outage leaves pods running; the restarted containerd knows them again', async () => {
    const { items: before } = await node.kubelet.call('ListPodSandbox', {});
    const pids = (await Promise.all(before.map((s: any) => node.kubelet.sandboxInfo(s.id)))).map((s) =>
      Number(s.info.pid)
    );
    const oldPid = node.containerdPid;
    await node.stopContainerd();
    await expect(node.kubelet.call('Version', {}, 1000)).rejects.toThrow(/CRI Version failed/);
    for (const pid of pids) expect(gone(pid)).toBe(false);
    const t0 = Date.now();
    await node.restartContainerd();
    timings.push(`containerd restart ${Date.now() - t0} ms`);
    expect(node.containerdPid).not.toBe(oldPid);
    const { items: after } = await node.kubelet.call('ListPodSandbox', {});
    expect(after.map((s: any) => s.id).sort()).toEqual(before.map((s: any) => s.id).sort());
    expect(after.every((s: any) => s.state === 'SANDBOX_READY')).toBe(true);
  });

  test('stop() removes pods, processes, mounts, pod cgroups and the temp dir', async () => {
    const { items } = await node.kubelet.call('ListPodSandbox', {});
    const cgroupParents = (await Promise.all(items.map((s: any) => node.kubelet.sandboxInfo(s.id)))).map(
      (s) => s.info.config.linux.cgroup_parent as string
    );
    expect(cgroupParents.length).toBeGreaterThan(0);
    const { baseDir, containerdPid, nodePid } = node;
    const podPids = (await Promise.all(items.map((s: any) => node.kubelet.sandboxInfo(s.id)))).map((s) =>
      Number(s.info.pid)
    );
    const t0 = Date.now();
    await node.stop();
    timings.push(`stop ${Date.now() - t0} ms`);
    expect(processesUnder(baseDir)).toEqual([]);
    for (const pid of [containerdPid, nodePid, ...podPids]) expect(gone(pid)).toBe(true);
    expect(mountsUnder(baseDir)).toEqual([]);
    for (const h of cgroupHierarchies())
      for (const p of cgroupParents) expect(fs.existsSync(path.join(h, p))).toBe(false);
    expect(fs.existsSync(baseDir)).toBe(false);
    await node.stop(); // idempotent
  });
});
