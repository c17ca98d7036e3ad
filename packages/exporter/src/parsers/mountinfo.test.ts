import { readFileSync } from 'fs';
import { parseMountinfo } from './mountinfo';

// /proc/self/mountinfo of the (hybrid) machine this was written on, verbatim.
const THIS_MACHINE = `22 27 0:21 / /proc rw,relatime - proc proc rw
23 27 0:22 / /sys rw,relatime - sysfs sysfs rw
24 27 0:6 / /dev rw,relatime - devtmpfs devtmpfs rw,size=12334460k,nr_inodes=3083615,mode=755
25 24 0:23 / /dev/shm rw,relatime - tmpfs tmpfs rw,size=24684084k
26 24 0:24 / /dev/pts rw,relatime - devpts devpts rw,mode=600,ptmxmode=000
27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard,resv_strict,resuid=65534,resgid=65534
28 27 0:25 / /mnt/sandboxing/model_tools_env/v1/python ro,nosuid,nodev,relatime - tmpfs model_tools_unavailable ro,size=4k,mode=755
29 26 0:26 / /dev/pts rw,relatime - devpts devpts rw,mode=600,ptmxmode=000
30 25 0:27 / /dev/shm rw,relatime - tmpfs tmpfs rw,size=24684084k
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices
37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
42 27 254:0 /tmp/dk/data /tmp/dk/data rw,relatime shared:1 - ext4 /dev/vda rw,discard,resv_strict,resuid=65534,resgid=65534
43 27 0:4 net:[4026531833] /tmp/dk/exec/netns/default rw - nsfs nsfs rw
`;

// Pure v2 host (systemd ≥ 247 default), in the shape proc(5) documents: optional "shared:N" fields.
const PURE_V2 = `24 30 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw
25 30 0:23 / /proc rw,nosuid,nodev,noexec,relatime shared:13 - proc proc rw
30 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw,errors=remount-ro
35 24 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
36 24 0:31 / /sys/fs/pstore rw,nosuid,nodev,noexec,relatime shared:10 - pstore pstore rw
`;

// Pure v1 host with systemd's co-mounts (cpu,cpuacct and net_cls,net_prio) and a named hierarchy.
const CO_MOUNTED_V1 = `25 18 0:21 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:8 - tmpfs tmpfs ro,mode=755
26 25 0:22 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:9 - cgroup cgroup rw,xattr,release_agent=/usr/lib/systemd/systemd-cgroups-agent,name=systemd
28 25 0:24 / /sys/fs/cgroup/net_cls,net_prio rw,nosuid,nodev,noexec,relatime shared:10 - cgroup cgroup rw,net_cls,net_prio
29 25 0:25 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:11 - cgroup cgroup rw,cpu,cpuacct
30 25 0:26 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:12 - cgroup cgroup rw,memory
31 25 0:27 / /sys/fs/cgroup/pids rw,nosuid,nodev,noexec,relatime shared:13 - cgroup cgroup rw,pids
32 25 0:28 / /sys/fs/cgroup/blkio rw,nosuid,nodev,noexec,relatime shared:14 - cgroup cgroup rw,blkio
`;

describe('parseMountinfo', () => {
  it("parses every line of this machine's mount table", () => {
    const entries = parseMountinfo(THIS_MACHINE);
    expect(entries).toHaveLength(22);
    expect(entries[0]).toEqual({
      mountPoint: '/proc',
      root: '/',
      fsType: 'proc',
      source: 'proc',
      superOptions: ['rw'],
    });
    expect(entries.find((e) => e.mountPoint === '/sys/fs/cgroup/unified')).toEqual({
      mountPoint: '/sys/fs/cgroup/unified',
      root: '/',
      fsType: 'cgroup2',
      source: 'cgroup2',
      superOptions: ['rw'],
    });
    expect(entries.find((e) => e.mountPoint === '/sys/fs/cgroup/systemd')?.superOptions).toEqual([
      'rw',
      'name=systemd',
    ]);
    expect(entries.filter((e) => e.fsType === 'cgroup').map((e) => e.superOptions[1])).toEqual([
      'cpu',
      'cpuacct',
      'cpuset',
      'memory',
      'devices',
      'freezer',
      'blkio',
      'pids',
      'name=systemd',
    ]);
  });

  it("reads the optional fields and a bind mount's root", () => {
    const bind = parseMountinfo(THIS_MACHINE).find((e) => e.mountPoint === '/tmp/dk/data');
    expect(bind).toMatchObject({ root: '/tmp/dk/data', fsType: 'ext4', source: '/dev/vda' });
    expect(bind?.superOptions).toEqual(['rw', 'discard', 'resv_strict', 'resuid=65534', 'resgid=65534']);
  });

  it('keeps an nsfs entry, whose root is "type:[inode]"', () => {
    const ns = parseMountinfo(THIS_MACHINE).find((e) => e.fsType === 'nsfs');
    expect(ns).toMatchObject({ root: 'net:[4026531833]', mountPoint: '/tmp/dk/exec/netns/default', source: 'nsfs' });
  });

  it('parses the live /proc/self/mountinfo without dropping lines', () => {
    const text = readFileSync('/proc/self/mountinfo', 'latin1');
    const count = text.split('\n').filter((l) => l.trim() !== '').length;
    expect(parseMountinfo(text)).toHaveLength(count);
  });

  it('parses a pure v2 host', () => {
    const cg = parseMountinfo(PURE_V2).filter((e) => e.fsType.startsWith('cgroup'));
    expect(cg).toEqual([
      {
        mountPoint: '/sys/fs/cgroup',
        root: '/',
        fsType: 'cgroup2',
        source: 'cgroup2',
        superOptions: ['rw', 'nsdelegate', 'memory_recursiveprot'],
      },
    ]);
  });

  it('parses co-mounted v1 controllers', () => {
    const entries = parseMountinfo(CO_MOUNTED_V1);
    expect(entries).toHaveLength(7);
    expect(entries.find((e) => e.mountPoint === '/sys/fs/cgroup/cpu,cpuacct')?.superOptions).toEqual([
      'rw',
      'cpu',
      'cpuacct',
    ]);
    expect(entries.find((e) => e.mountPoint === '/sys/fs/cgroup/systemd')?.superOptions).toEqual([
      'rw',
      'xattr',
      'release_agent=/usr/lib/systemd/systemd-cgroups-agent',
      'name=systemd',
    ]);
  });

  it('accepts several optional fields, or none', () => {
    const [many, none] = parseMountinfo(
      '36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 shared:4 propagate_from:2 - ext3 /dev/root rw,errors=continue\n' +
        '36 35 98:0 /mnt1 /mnt2 rw,noatime - ext3 /dev/root rw,errors=continue\n'
    );
    expect(many).toEqual({
      mountPoint: '/mnt2',
      root: '/mnt1',
      fsType: 'ext3',
      source: '/dev/root',
      superOptions: ['rw', 'errors=continue'],
    });
    expect(none).toEqual(many);
  });

  it('decodes octal escapes in paths and source', () => {
    const [e] = parseMountinfo(
      '38 22 8:17 /dir\\134x /media/alex/USB\\040STICK\\011tab rw,nosuid shared:33 - vfat my\\040disk rw,uid=1000\n'
    );
    expect(e.mountPoint).toBe('/media/alex/USB STICK\ttab');
    expect(e.root).toBe('/dir\\x');
    expect(e.source).toBe('my disk');
  });

  it('skips malformed lines and keeps the good ones', () => {
    const text = [
      '',
      'garbage',
      '36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 ext3 /dev/root rw', // no separator
      '36 35 98:0 /mnt1 /mnt2 rw - ext3', // truncated after the separator
      'x 35 98:0 / /a rw - ext4 /dev/sda rw', // non-numeric id
      '36 35 98:0 / /ok rw - ext4 /dev/sda rw',
    ].join('\n');
    expect(parseMountinfo(text).map((e) => e.mountPoint)).toEqual(['/ok']);
  });

  it('tolerates CRLF and a missing final newline', () => {
    expect(parseMountinfo('1 2 0:1 / /a rw - tmpfs tmpfs rw\r\n1 2 0:1 / /b rw - tmpfs tmpfs rw')).toHaveLength(2);
  });
});
