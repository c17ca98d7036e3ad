import { existsSync, readFileSync, readdirSync } from 'fs';
import { join } from 'path';
import { parseMountinfo, type MountInfoEntry } from '../parsers/mountinfo';
import { cgroupFile, detectHierarchy, procsFile, psiFile } from './hierarchy';

const HOSTS = join(__dirname, '../../test/fixtures/hosts');
const TREES = readdirSync(HOSTS, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

const cg = (mountPoint: string, options: string[], fsType = 'cgroup', root = '/'): MountInfoEntry => ({
  mountPoint,
  root,
  fsType,
  source: fsType,
  superOptions: ['rw', ...options],
});
const SYSFS = { fsType: 'sysfs', mountPoint: '/sys', root: '/', source: 'sysfs', superOptions: ['rw'] };

const V2 = [SYSFS, cg('/sys/fs/cgroup', ['nsdelegate', 'memory_recursiveprot'], 'cgroup2')];
const V1 = [
  SYSFS,
  { ...cg('/sys/fs/cgroup', ['mode=755'], 'tmpfs') },
  cg('/sys/fs/cgroup/systemd', ['xattr', 'release_agent=/usr/lib/systemd/systemd-cgroups-agent', 'name=systemd']),
  cg('/sys/fs/cgroup/cpu,cpuacct', ['cpu', 'cpuacct']),
  cg('/sys/fs/cgroup/net_cls,net_prio', ['net_cls', 'net_prio']),
  cg('/sys/fs/cgroup/memory', ['memory']),
  cg('/sys/fs/cgroup/pids', ['pids']),
  cg('/sys/fs/cgroup/blkio', ['blkio']),
];
const HYBRID = [
  ...['cpu', 'cpuacct', 'cpuset', 'memory', 'devices', 'freezer', 'blkio', 'pids'].map((c) =>
    cg(`/sys/fs/cgroup/${c}`, [c])
  ),
  cg('/sys/fs/cgroup/systemd', ['name=systemd']),
  cg('/sys/fs/cgroup/unified', [], 'cgroup2'),
];

describe('detectHierarchy', () => {
  it('pure v2: one cgroup2 mount, no v1 map', () => {
    expect(detectHierarchy(V2, '/sys')).toEqual({ mode: 'v2', unified: '/sys/fs/cgroup', v1: new Map() });
  });

  it('pure v1: co-mounted controllers map to the shared mount; name=systemd and options are ignored', () => {
    const h = detectHierarchy(V1, '/sys');
    expect(h.mode).toBe('v1');
    expect(h.unified).toBeNull();
    expect(Object.fromEntries(h.v1)).toEqual({
      blkio: '/sys/fs/cgroup/blkio',
      cpu: '/sys/fs/cgroup/cpu,cpuacct',
      cpuacct: '/sys/fs/cgroup/cpu,cpuacct',
      memory: '/sys/fs/cgroup/memory',
      net_cls: '/sys/fs/cgroup/net_cls,net_prio',
      net_prio: '/sys/fs/cgroup/net_cls,net_prio',
      pids: '/sys/fs/cgroup/pids',
    });
  });

  it('hybrid: v1 controllers plus the unified cgroup2 mount', () => {
    const h = detectHierarchy(HYBRID, '/sys');
    expect(h.mode).toBe('hybrid');
    expect(h.unified).toBe('/sys/fs/cgroup/unified');
    expect([...h.v1.keys()]).toEqual(['blkio', 'cpu', 'cpuacct', 'cpuset', 'devices', 'freezer', 'memory', 'pids']);
  });

  it('a v2 host with a legacy name=systemd v1 mount (for old containers) is still v2', () => {
    const h = detectHierarchy([...V2, cg('/sys/fs/cgroup/systemd', ['xattr', 'name=systemd'])], '/sys');
    expect(h.mode).toBe('v2');
    expect(h.v1.size).toBe(0);
  });

  it("rebases the host's mount points under --path.sysfs", () => {
    const h = detectHierarchy(HYBRID, '/host/sys');
    expect(h.unified).toBe('/host/sys/fs/cgroup/unified');
    expect(h.v1.get('memory')).toBe('/host/sys/fs/cgroup/memory');
    expect(detectHierarchy(V2, '/host/sys/').unified).toBe('/host/sys/fs/cgroup');
  });

  it('rebases mount points already seen at the bind-mounted place', () => {
    const h = detectHierarchy([cg('/host/sys/fs/cgroup/cpu,cpuacct', ['cpu', 'cpuacct'])], '/host/sys');
    expect(h.v1.get('cpu')).toBe('/host/sys/fs/cgroup/cpu,cpuacct');
  });

  it('prefers a full view (root "/") over a cgroup-namespaced one of the same hierarchy', () => {
    const ns = `/docker/${'a'.repeat(64)}`;
    const h = detectHierarchy(
      [cg('/sys/fs/cgroup/memory', ['memory'], 'cgroup', ns), cg('/host/sys/fs/cgroup/memory', ['memory'])],
      '/host/sys'
    );
    expect(h.v1.get('memory')).toBe('/host/sys/fs/cgroup/memory');
    const v2 = detectHierarchy(
      [
        cg('/sys/fs/cgroup', [], 'cgroup2', ns),
        cg('/host/sys/fs/cgroup', [], 'cgroup2'),
        cg('/run/lxcfs/x', [], 'cgroup2'),
      ],
      '/host/sys'
    );
    expect(v2.unified).toBe('/host/sys/fs/cgroup');
  });

  it('uses a cgroup mounted outside sysfs verbatim', () => {
    expect(detectHierarchy([cg('/cgroup2', [], 'cgroup2')], '/host/sys').unified).toBe('/cgroup2');
  });

  it('throws a clear error when the host has no cgroup mount', () => {
    expect(() => detectHierarchy([SYSFS], '/sys')).toThrow(/no cgroup hierarchy found/);
    expect(() => detectHierarchy([cg('/sys/fs/cgroup/systemd', ['name=systemd'])], '/sys')).toThrow(
      /no cgroup hierarchy/
    );
  });
});

describe('cgroupFile / psiFile / procsFile', () => {
  const path = '/system.slice/docker-x.scope';
  it('v2: every controller and PSI in the unified directory', () => {
    const h = detectHierarchy(V2, '/host/sys');
    expect(cgroupFile(h, path, 'memory', 'memory.stat')).toBe(`/host/sys/fs/cgroup${path}/memory.stat`);
    expect(cgroupFile(h, path, 'cpu', 'cpu.max')).toBe(`/host/sys/fs/cgroup${path}/cpu.max`);
    expect(psiFile(h, path, 'cpu.pressure')).toBe(`/host/sys/fs/cgroup${path}/cpu.pressure`);
    expect(procsFile(h, path)).toBe(`/host/sys/fs/cgroup${path}/cgroup.procs`);
  });

  it("v1: each controller's mount, null when not mounted; no PSI", () => {
    const h = detectHierarchy(V1, '/sys');
    expect(cgroupFile(h, '/docker/x', 'cpuacct', 'cpuacct.usage')).toBe(
      '/sys/fs/cgroup/cpu,cpuacct/docker/x/cpuacct.usage'
    );
    expect(cgroupFile(h, '/docker/x', 'cpuset', 'cpuset.cpus')).toBeNull();
    expect(psiFile(h, '/docker/x', 'cpu.pressure')).toBeNull();
    expect(procsFile(h, '/docker/x')).toBe('/sys/fs/cgroup/pids/docker/x/cgroup.procs');
  });

  it('v1 without pids: procs come from the next mounted controller', () => {
    const h = detectHierarchy(
      V1.filter((m) => m.mountPoint !== '/sys/fs/cgroup/pids'),
      '/sys'
    );
    expect(procsFile(h, '/docker/x')).toBe('/sys/fs/cgroup/cpu,cpuacct/docker/x/cgroup.procs');
    const onlyBlkio = detectHierarchy([cg('/sys/fs/cgroup/blkio', ['blkio'])], '/sys');
    expect(procsFile(onlyBlkio, '/docker/x')).toBeNull();
  });

  it('hybrid: controllers from v1, PSI from the unified mount', () => {
    const h = detectHierarchy(HYBRID, '/sys');
    expect(cgroupFile(h, '/docker/x', 'memory', 'memory.stat')).toBe('/sys/fs/cgroup/memory/docker/x/memory.stat');
    expect(cgroupFile(h, '/docker/x', 'io', 'io.stat')).toBeNull();
    expect(psiFile(h, '/docker/x', 'io.pressure')).toBe('/sys/fs/cgroup/unified/docker/x/io.pressure');
    expect(procsFile(h, '/docker/x')).toBe('/sys/fs/cgroup/pids/docker/x/cgroup.procs');
  });
});

describe.each(TREES)('fixture host %s', (tree) => {
  const root = join(HOSTS, tree);
  const expected = JSON.parse(readFileSync(join(root, 'expected.json'), 'utf8'));
  const h = detectHierarchy(
    parseMountinfo(readFileSync(join(root, 'proc/self/mountinfo'), 'latin1')),
    join(root, 'sys')
  );

  it('detects the mode and mounts recorded in expected.json', () => {
    expect(h.mode).toBe(expected.mode);
    expect(h.unified).toBe(expected.unified === null ? null : join(root, expected.unified));
    expect(Object.fromEntries(h.v1)).toEqual(
      Object.fromEntries(Object.entries(expected.v1 as Record<string, string>).map(([k, v]) => [k, join(root, v)]))
    );
  });

  it('resolves files that exist for every container', () => {
    for (const c of expected.containers) {
      const procs = procsFile(h, c.path);
      expect(readFileSync(procs!, 'utf8').trim().split('\n')[0]).toBe(String(c.pid));
      const mem = h.mode === 'v2' ? 'memory.current' : 'memory.usage_in_bytes';
      expect(existsSync(cgroupFile(h, c.path, 'memory', mem)!)).toBe(true);
      const usage = h.mode === 'v2' ? 'cpu.stat' : 'cpuacct.usage';
      expect(existsSync(cgroupFile(h, c.path, h.mode === 'v2' ? 'cpu' : 'cpuacct', usage)!)).toBe(true);
      const psi = psiFile(h, c.path, 'memory.pressure');
      if (h.mode === 'v1') expect(psi).toBeNull();
      else expect(existsSync(psi!)).toBe(true);
    }
  });
});
