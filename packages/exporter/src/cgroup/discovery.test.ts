import * as fs from 'fs';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parseMountinfo } from '../parsers/mountinfo';
import type { CgroupHierarchy } from './hierarchy';
import { discoverContainers, MAX_DEPTH, walkRoot } from './discovery';
import { detectHierarchy } from './hierarchy';

const HOSTS = join(__dirname, '../../test/fixtures/hosts');
const TREES = readdirSync(HOSTS, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

function fixtureHierarchy(tree: string): CgroupHierarchy {
  const root = join(HOSTS, tree);
  return detectHierarchy(parseMountinfo(readFileSync(join(root, 'proc/self/mountinfo'), 'latin1')), join(root, 'sys'));
}

describe('discoverContainers on the fixture hosts', () => {
  it('has the trees the README lists', () => {
    expect(TREES).toEqual([
      'hybrid-docker',
      'k8s-cgroupfs-v1',
      'k8s-crio-v2',
      'k8s-systemd-v2',
      'nerdctl-v2',
      'podman-v2',
      'v1-docker-cgroupfs',
      'v2-docker-systemd',
    ]);
  });

  describe.each(TREES)('%s', (tree) => {
    const expected = JSON.parse(readFileSync(join(HOSTS, tree, 'expected.json'), 'utf8'));

    it('finds exactly the expected containers, with runtime, pod UID and QoS (or Podman pod), sorted by path', async () => {
      const found = await discoverContainers(fixtureHierarchy(tree));
      const want = expected.containers.map((c: Record<string, unknown>) => ({
        path: c.path,
        runtime: c.runtime,
        containerId: c.containerId,
        ...(c.podUid ? { podUid: c.podUid, qos: c.qos } : {}),
        ...(c.podId ? { podId: c.podId } : {}),
      }));
      expect(found).toEqual(want);
      expect(found.map((c) => c.path)).toEqual([...found.map((c) => c.path)].sort());
    });

    it('reports none of the system, pod-level, mount and conmon directories', async () => {
      const paths = new Set((await discoverContainers(fixtureHierarchy(tree))).map((c) => c.path));
      for (const p of expected.notContainers) expect(paths.has(p)).toBe(false);
    });
  });

  it('podman-v2: the libpod-conmon scopes exist on disk but are skipped', async () => {
    const h = fixtureHierarchy('podman-v2');
    const conmon = readdirSync(join(h.unified!, 'machine.slice')).filter((n) => n.startsWith('libpod-conmon-'));
    expect(conmon).toHaveLength(1);
    const found = await discoverContainers(h);
    expect(found.map((c) => c.runtime)).toEqual(['podman', 'podman', 'podman', 'podman']);
    expect(found.some((c) => c.path.includes('conmon'))).toBe(false);
  });

  it("podman-v2: a pod's slice is walked into, its two containers carry the pod's id", async () => {
    const found = await discoverContainers(fixtureHierarchy('podman-v2'));
    const inPod = found.filter((c) => c.path.includes('libpod_pod_'));
    expect(inPod).toHaveLength(2);
    expect(new Set(inPod.map((c) => c.podId)).size).toBe(1);
    expect(inPod[0].path).toContain(`machine-libpod_pod_${inPod[0].podId}.slice/`);
    expect(found.filter((c) => c.podId === undefined)).toHaveLength(2);
  });

  it('k8s trees: pods of each QoS class, runtime from the leaf', async () => {
    const systemd = await discoverContainers(fixtureHierarchy('k8s-systemd-v2'));
    expect(systemd.map((c) => [c.runtime, c.qos])).toEqual([
      ['containerd', 'burstable'],
      ['containerd', 'burstable'],
      ['containerd', 'guaranteed'],
      ['containerd', 'guaranteed'],
    ]);
    expect(new Set(systemd.map((c) => c.podUid)).size).toBe(2);
    for (const c of systemd) expect(c.podUid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const cgroupfs = await discoverContainers(fixtureHierarchy('k8s-cgroupfs-v1'));
    expect(cgroupfs.map((c) => c.qos)).toEqual(['burstable', 'burstable', 'guaranteed', 'guaranteed']);
    const crio = await discoverContainers(fixtureHierarchy('k8s-crio-v2'));
    expect(crio.map((c) => [c.runtime, c.qos])).toEqual([
      ['cri-o', 'besteffort'],
      ['cri-o', 'besteffort'],
      ['cri-o', 'burstable'],
      ['cri-o', 'burstable'],
      ['cri-o', 'guaranteed'],
    ]);
    expect(new Set(crio.map((c) => c.podUid)).size).toBe(3);
  });

  it('k8s-crio-v2: the crio-conmon scopes beside each container hold a process but are skipped', async () => {
    const h = fixtureHierarchy('k8s-crio-v2');
    const found = await discoverContainers(h);
    const conmon: string[] = [];
    for (const c of found) {
      const podSlice = c.path.slice(0, c.path.lastIndexOf('/'));
      const monitor = `${podSlice}/crio-conmon-${c.containerId}.scope`;
      // Each container's conmon is on disk, beside it, with the conmon PID in its cgroup.procs.
      expect(readFileSync(join(h.unified!, monitor, 'cgroup.procs'), 'utf8')).toMatch(/^\d+\n$/);
      conmon.push(monitor);
    }
    expect(conmon).toHaveLength(5);
    expect(found.every((c) => /\/crio-[0-9a-f]{64}\.scope$/.test(c.path))).toBe(true);
    expect(found.some((c) => c.path.includes('conmon'))).toBe(false);
    // The CRI-O mount units (a rootfs overlay, a sandbox's shm) carry ids but are skipped too.
    const units = readdirSync(join(h.unified!, 'system.slice')).filter((n) => n.endsWith('.mount'));
    expect(units).toHaveLength(2);
  });

  it('walks the primary v1 controller (pids) on v1 and hybrid hosts, the unified root on v2', () => {
    expect(walkRoot(fixtureHierarchy('v1-docker-cgroupfs'))).toBe(join(HOSTS, 'v1-docker-cgroupfs/sys/fs/cgroup/pids'));
    expect(walkRoot(fixtureHierarchy('hybrid-docker'))).toBe(join(HOSTS, 'hybrid-docker/sys/fs/cgroup/pids'));
    expect(walkRoot(fixtureHierarchy('v2-docker-systemd'))).toBe(join(HOSTS, 'v2-docker-systemd/sys/fs/cgroup'));
  });
});

describe('discoverContainers walk rules', () => {
  const ID = (n: number) => n.toString(16).padStart(64, '0');
  let root: string;
  const v2 = (): CgroupHierarchy => ({ mode: 'v2', unified: root, v1: new Map() });
  const mk = (rel: string) => mkdirSync(join(root, rel), { recursive: true });

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'isoscope-discovery-'));
  });
  afterEach(() => {
    jest.restoreAllMocks();
    rmSync(root, { recursive: true, force: true });
  });

  it('does not descend into a recognised container', async () => {
    // Docker-in-Docker: the inner daemon's containers live inside the outer container's cgroup.
    mk(`system.slice/docker-${ID(1)}.scope/system.slice/docker-${ID(2)}.scope`);
    const found = await discoverContainers(v2());
    expect(found.map((c) => c.path)).toEqual([`/system.slice/docker-${ID(1)}.scope`]);
  });

  it('skips *.mount units without entering them, and ignores files and symlinks', async () => {
    mk(`system.slice/var-lib-docker.mount/docker-${ID(3)}.scope`);
    mk('system.slice/docker.service');
    writeFileSync(join(root, 'system.slice', 'cgroup.procs'), '');
    fs.symlinkSync(join(root, 'system.slice'), join(root, `docker-${ID(4)}.scope`));
    expect(await discoverContainers(v2())).toEqual([]);
  });

  it('stops at the depth limit', async () => {
    const deep = Array.from({ length: MAX_DEPTH - 1 }, (_, i) => `l${i}.slice`).join('/');
    mk(`${deep}/docker-${ID(5)}.scope`);
    mk(`${deep}/l9.slice/docker-${ID(6)}.scope`);
    const found = await discoverContainers(v2());
    expect(found.map((c) => c.containerId)).toEqual([ID(5)]);
  });

  it('skips a directory that vanishes during the walk', async () => {
    mk(`docker/${ID(7)}`);
    mk('system.slice/gone.service');
    mk(`system.slice/docker-${ID(8)}.scope`);
    const real = fs.promises.readdir;
    jest.spyOn(fs.promises, 'readdir').mockImplementation(((p: fs.PathLike, opts: unknown) => {
      if (String(p).endsWith('gone.service')) {
        return Promise.reject(Object.assign(new Error('ENOENT: no such file or directory'), { code: 'ENOENT' }));
      }
      return (real as (p: fs.PathLike, o: unknown) => Promise<unknown>)(p, opts);
    }) as typeof fs.promises.readdir);
    const found = await discoverContainers(v2());
    expect(found.map((c) => c.containerId)).toEqual([ID(7), ID(8)]);
  });

  it('fails when the hierarchy root itself is missing', async () => {
    await expect(discoverContainers({ mode: 'v2', unified: join(root, 'nope'), v1: new Map() })).rejects.toThrow(
      /ENOENT/
    );
  });

  it('sorts by path whatever the readdir order', async () => {
    for (const n of [9, 3, 12, 1]) mk(`docker/${ID(n)}`);
    mk(`default/${ID(2)}`);
    const found = await discoverContainers(v2());
    expect(found.map((c) => c.path)).toEqual([
      `/default/${ID(2)}`,
      `/docker/${ID(1)}`,
      `/docker/${ID(3)}`,
      `/docker/${ID(9)}`,
      `/docker/${ID(12)}`,
    ]);
  });
});

describe('this machine', () => {
  // Read-only: nothing is created under /sys/fs/cgroup.
  const linux = fs.existsSync('/proc/self/mountinfo') && fs.existsSync('/sys/fs/cgroup');
  (linux ? it : it.skip)('detects the real hierarchy and walks it', async () => {
    const h = detectHierarchy(parseMountinfo(readFileSync('/proc/self/mountinfo', 'latin1')), '/sys');
    // The machine these tests were written on is hybrid (v1 controllers + /sys/fs/cgroup/unified).
    const expectedMode = fs.existsSync('/sys/fs/cgroup/cgroup.controllers')
      ? 'v2'
      : fs.existsSync('/sys/fs/cgroup/unified/cgroup.controllers')
        ? 'hybrid'
        : 'v1';
    expect(h.mode).toBe(expectedMode);
    if (expectedMode === 'hybrid') {
      expect(h.unified).toBe('/sys/fs/cgroup/unified');
      expect(h.v1.get('memory')).toBe('/sys/fs/cgroup/memory');
    }

    // Containers may come and go meanwhile: those listed both before and after the walk must be found.
    const dockerDir = join(walkRoot(h), 'docker');
    const listDocker = () =>
      fs.existsSync(dockerDir) ? readdirSync(dockerDir).filter((n) => /^[0-9a-f]{64}$/.test(n)) : [];
    const before = listDocker();
    const found = await discoverContainers(h);
    const after = new Set(listDocker());
    expect(found.map((c) => c.path)).toEqual([...found.map((c) => c.path)].sort());
    const ids = new Set(found.filter((c) => c.runtime === 'docker').map((c) => c.containerId));
    for (const id of before.filter((n) => after.has(n))) expect(ids.has(id)).toBe(true);
  });
});
