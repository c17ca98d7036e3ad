/**
 * The exporter's own CPU limit, from /proc/self/cgroup, /proc/self/mountinfo and the CPU controller's files,
 * on trees laid out as the kernel does (cgroup-v2.rst "cpu.max"; v1 sched-bwc.rst "cpu.cfs_quota_us").
 * A real cgroup of this machine is in test/live/exporter.live.test.ts.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ownCpuLimit } from './cpuLimit';

const POD = '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod3f1e8f5c_2a4b_4c1d_9e7f_0a1b2c3d4e5f.slice';
const SCOPE = `${POD}/cri-containerd-${'a'.repeat(64)}.scope`;
const DOCKER = `/docker/${'b'.repeat(64)}`;

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'isoscope-cpulimit-'));
  mkdirSync(join(root, 'proc', 'self'), { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A host as the exporter sees it: its cgroup lines, its mounts ([fs, root, mount point, super options]), files. */
function host(cgroup: string, mounts: Array<[string, string, string, string]>, files: Record<string, string>): string {
  writeFileSync(join(root, 'proc', 'self', 'cgroup'), cgroup);
  const lines = mounts.map(([fs, mountRoot, at, opts], i) => {
    mkdirSync(join(root, at), { recursive: true });
    return `${30 + i} 25 0:${26 + i} ${mountRoot} ${join(root, at)} rw,nosuid,nodev,noexec,relatime shared:${9 + i} - ${fs} ${fs} ${opts}`;
  });
  writeFileSync(join(root, 'proc', 'self', 'mountinfo'), lines.join('\n') + '\n');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return join(root, 'proc');
}

describe('ownCpuLimit', () => {
  it('takes the tightest cpu.max of a v2 cgroup and the cgroups above it', () => {
    const procfs = host(
      '0::' + SCOPE + '\n',
      [['cgroup2', '/', '/sys/fs/cgroup', 'rw,nsdelegate,memory_recursiveprot']],
      {
        '/sys/fs/cgroup/kubepods.slice/cpu.max': 'max 100000\n',
        [`/sys/fs/cgroup${POD}/cpu.max`]: '50000 100000\n',
        [`/sys/fs/cgroup${SCOPE}/cpu.max`]: '150000 100000\n',
      }
    );
    expect(ownCpuLimit(procfs)).toBe(0.5);
  });

  it("reads a private cgroup namespace: the mount shows the container's own cgroup as its top", () => {
    const procfs = host('0::/\n', [['cgroup2', '/', '/sys/fs/cgroup', 'rw,nsdelegate']], {
      '/sys/fs/cgroup/cpu.max': '150000 100000\n',
    });
    expect(ownCpuLimit(procfs)).toBe(1.5);
  });

  it("reads the v1 cpu controller of a hybrid host through a mount that shows only the container's subtree", () => {
    const procfs = host(
      `12:pids:${DOCKER}\n4:cpu,cpuacct:${DOCKER}\n1:name=systemd:${DOCKER}\n0::/\n`,
      [
        ['cgroup', DOCKER, '/sys/fs/cgroup/cpu,cpuacct', 'rw,cpu,cpuacct'],
        ['cgroup', DOCKER, '/sys/fs/cgroup/pids', 'rw,pids'],
        ['cgroup2', '/', '/sys/fs/cgroup/unified', 'rw,nsdelegate'],
      ],
      {
        '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us': '20000\n',
        '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us': '100000\n',
        '/sys/fs/cgroup/unified/cpu.max': '400000 100000\n',
      }
    );
    expect(ownCpuLimit(procfs)).toBe(0.2);
  });

  it('is undefined without a quota: v1 -1 and v2 "max" at every level', () => {
    const v1 = host(`4:cpu,cpuacct:${DOCKER}\n`, [['cgroup', '/', '/sys/fs/cgroup/cpu,cpuacct', 'rw,cpu,cpuacct']], {
      [`/sys/fs/cgroup/cpu,cpuacct${DOCKER}/cpu.cfs_quota_us`]: '-1\n',
      [`/sys/fs/cgroup/cpu,cpuacct${DOCKER}/cpu.cfs_period_us`]: '100000\n',
      '/sys/fs/cgroup/cpu,cpuacct/docker/cpu.cfs_quota_us': '-1\n',
      '/sys/fs/cgroup/cpu,cpuacct/docker/cpu.cfs_period_us': '100000\n',
    });
    expect(ownCpuLimit(v1)).toBeUndefined();
    rmSync(root, { recursive: true, force: true });
    mkdirSync(join(root, 'proc', 'self'), { recursive: true });
    const v2 = host('0::' + SCOPE + '\n', [['cgroup2', '/', '/sys/fs/cgroup', 'rw']], {
      [`/sys/fs/cgroup${POD}/cpu.max`]: 'max 100000\n',
      [`/sys/fs/cgroup${SCOPE}/cpu.max`]: 'max 100000\n',
    });
    expect(ownCpuLimit(v2)).toBeUndefined();
  });

  it('skips a malformed level and keeps the others', () => {
    const procfs = host('0::' + SCOPE + '\n', [['cgroup2', '/', '/sys/fs/cgroup', 'rw']], {
      [`/sys/fs/cgroup${POD}/cpu.max`]: '250000 100000\n',
      [`/sys/fs/cgroup${SCOPE}/cpu.max`]: 'garbage\n',
    });
    expect(ownCpuLimit(procfs)).toBe(2.5);
  });

  it('is undefined when it cannot tell: no procfs, or a cgroup outside the mount it can see', () => {
    expect(ownCpuLimit(join(root, 'nowhere'))).toBeUndefined();
    const procfs = host(
      `4:cpu,cpuacct:/elsewhere\n`,
      [['cgroup', DOCKER, '/sys/fs/cgroup/cpu,cpuacct', 'rw,cpu,cpuacct']],
      {
        '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us': '20000\n',
        '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us': '100000\n',
      }
    );
    expect(ownCpuLimit(procfs)).toBeUndefined();
  });
});
