/**
 * The exporter against a real rootful Podman (cgroupfs manager, the harness in @isoscope/test-support): a pod
 * of two members and its infra container, and containers of every isolation mode beside it. Names, images and
 * pods come from Podman's API socket; limits and every namespace state are checked against the kernel.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { METRICS, NAMESPACE_TYPES } from '@isoscope/shared';
import {
  PODMAN_TEST_IMAGE,
  startExporter,
  startPodman,
  type ExporterProcess,
  type PodmanEngine,
} from '@isoscope/test-support';
import { linkNamespaces } from '../support/netns';
import { parseExposition, select, valueOf, type Series } from '../support/exposition';

jest.setTimeout(180_000);

const M = METRICS;
let podman: PodmanEngine;
let exporter: ExporterProcess;
let podId: string;
/** Container name → { id, pid, cgroup path } from podman inspect. */
const containers = new Map<string, { id: string; pid: number; path: string }>();

async function remember(name: string, id: string): Promise<void> {
  const info = await podman.inspect(id);
  const path = info.Pod ? `/libpod_parent/${info.Pod}/libpod-${id}` : `/libpod_parent/libpod-${id}`;
  containers.set(name, { id, pid: info.State.Pid, path });
}

async function run(name: string, args: string[], cmd: string[] = ['sleep', '600']): Promise<void> {
  await remember(name, await podman.run(name, args, cmd));
}

function inode(pid: number | 'self', type: string): number {
  return Number(/\[(\d+)\]/.exec(readlinkSync(`/proc/${pid}/ns/${type}`))![1]);
}

async function scrape(): Promise<Series[]> {
  return parseExposition(await exporter.scrape()).series;
}

beforeAll(async () => {
  podman = await startPodman();
  podId = await podman.createPod('web');
  await run('web-a', ['--pod=web', '--memory=64m', '--cpus=0.5']);
  await run('web-b', ['--pod=web', '--pids-limit=40']);
  const infraName = `${podId.slice(0, 12)}-infra`;
  await remember(infraName, (await podman.inspect(infraName)).Id);
  await run('solo', ['--network=none', '--pids-limit=32']);
  await run('peer', ['--network=container:solo']);
  await run('hostns', ['--network=host', '--pid=host']);
  await run('hostipc', ['--ipc=host', '--uts=host']);
  exporter = await startExporter([`--docker.socket=${podman.socketPath}`]);
});

afterAll(async () => {
  await exporter?.stop();
  await podman?.stop();
});

describe('the exporter on a real Podman', () => {
  it("finds every container under libpod_parent, a pod's members inside the pod's cgroup, and not the pod itself", async () => {
    const series = await scrape();
    const ids = new Set(select(series, M.lastSeen.name).map((s) => s.labels.id));
    for (const { path } of containers.values()) expect(ids).toContain(path);
    expect(ids).not.toContain(`/libpod_parent/${podId}`);
    expect([...ids].filter((id) => id.startsWith('/libpod_parent/')).sort()).toEqual(
      [...containers.values()].map((c) => c.path).sort()
    );
  });

  it('names them from Podman\'s API: name and image, the pod\'s name on its members, container="POD" on its infra', async () => {
    const series = await scrape();
    const labelsOf = (name: string) => select(series, M.memoryUsage.name, { name }).map((s) => s.labels);
    for (const name of ['web-a', 'web-b'])
      expect(labelsOf(name)).toEqual([{ id: containers.get(name)!.path, name, image: PODMAN_TEST_IMAGE, pod: 'web' }]);
    const infraName = `${podId.slice(0, 12)}-infra`;
    expect(labelsOf(infraName)).toEqual([
      { id: containers.get(infraName)!.path, name: infraName, image: PODMAN_TEST_IMAGE, pod: 'web', container: 'POD' },
    ]);
    expect(labelsOf('solo')).toEqual([{ id: containers.get('solo')!.path, name: 'solo', image: PODMAN_TEST_IMAGE }]);
  });

  it('reports the limits Podman set, exactly as the kernel holds them', async () => {
    const series = await scrape();
    const cgroup = (controller: string, name: string, file: string) =>
      Number(readFileSync(`/sys/fs/cgroup/${controller}${containers.get(name)!.path}/${file}`, 'utf8'));
    expect(valueOf(series, M.specMemoryLimit.name, { name: 'web-a' })).toBe(64 * 1024 * 1024);
    expect(valueOf(series, M.specMemoryLimit.name, { name: 'web-a' })).toBe(
      cgroup('memory', 'web-a', 'memory.limit_in_bytes')
    );
    expect(valueOf(series, M.specCpuQuota.name, { name: 'web-a' })).toBe(cgroup('cpu', 'web-a', 'cpu.cfs_quota_us'));
    expect(valueOf(series, M.specCpuQuota.name, { name: 'web-a' })).toBe(50_000);
    expect(valueOf(series, M.threadsMax.name, { name: 'web-b' })).toBe(40);
    expect(valueOf(series, M.threadsMax.name, { name: 'solo' })).toBe(32);
  });

  it('reports each namespace as the kernel has it, and its scope: the pod, shared beyond a pod, the host', async () => {
    const series = await scrape();
    const source = select(series, M.namespaceReferenceInfo.name)[0].labels.source;
    const hostPid = source === 'pid1' ? 1 : 'self';
    for (const [name, { pid }] of containers) {
      for (const type of NAMESPACE_TYPES) {
        const labels = { name, ns_type: type };
        const expected = inode(pid, type);
        expect({ name, type, inode: valueOf(series, M.namespaceInode.name, labels) }).toEqual({
          name,
          type,
          inode: expected,
        });
        expect({ name, type, host: valueOf(series, M.namespaceSharedWithHost.name, labels) }).toEqual({
          name,
          type,
          host: expected === inode(hostPid, type) ? 1 : 0,
        });
      }
    }
    const scope = (name: string, ns_type: string) =>
      select(series, M.namespaceScope.name, { name, ns_type }).map((s) => s.labels.scope);
    // The pod shares net, ipc and uts through its infra container (Podman's default --share); pid stays each's.
    for (const name of ['web-a', 'web-b']) {
      expect([scope(name, 'net'), scope(name, 'ipc'), scope(name, 'uts')]).toEqual([['pod'], ['pod'], ['pod']]);
      expect(scope(name, 'pid')).toEqual(['private']);
    }
    expect(valueOf(series, M.namespaceSharers.name, { name: 'web-a', ns_type: 'net' })).toBe(3);
    // `--network container:solo` is sharing outside any pod.
    expect([scope('solo', 'net'), scope('peer', 'net')]).toEqual([['shared'], ['shared']]);
    expect([scope('hostns', 'net'), scope('hostns', 'pid'), scope('hostipc', 'ipc'), scope('hostipc', 'uts')]).toEqual([
      ['host'],
      ['host'],
      ['host'],
      ['host'],
    ]);
    expect(scope('solo', 'mnt')).toEqual(['private']);
  });

  it("counts the pod's network once, on its infra container", async () => {
    // A veth pair between the pod's network namespace and solo's (both made by this test's Podman).
    const infra = containers.get(`${podId.slice(0, 12)}-infra`)!;
    const [a, b] = [infra.pid, containers.get('solo')!.pid];
    linkNamespaces(a, b, '169.254.78');
    await podman.podman(['exec', 'web-a', 'busybox', 'ping', '-c', '3', '-W', '2', '169.254.78.2']);

    const series = await scrape();
    const infraName = `${podId.slice(0, 12)}-infra`;
    expect(
      valueOf(series, M.networkTransmitPackets.name, { name: infraName, interface: 'eth1' })
    ).toBeGreaterThanOrEqual(3);
    expect(valueOf(series, M.networkReceivePackets.name, { name: 'solo', interface: 'eth1' })).toBeGreaterThanOrEqual(
      3
    );
    for (const name of ['web-a', 'web-b', 'peer'])
      expect(select(series, M.networkTransmitPackets.name, { name })).toEqual([]);
    // Summing by pod counts the pod's traffic once.
    const byPod = select(series, M.networkTransmitPackets.name, { pod: 'web', interface: 'eth1' });
    expect(byPod).toHaveLength(1);
  });
});
