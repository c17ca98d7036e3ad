import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from './log/logger';
import { readCpuTopology, readHostFacts } from './host';

describe('host facts', () => {
  it('reads this machine: its CPUs, memory, swap, kernel and distribution', async () => {
    const facts = await readHostFacts(silentLogger);
    const meminfo = (field: string) =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/meminfo', 'utf8'))![1]) * 1024;
    expect(facts.cpuCores).toBe(os.cpus().length);
    expect(facts.memoryBytes).toBe(meminfo('MemTotal'));
    expect(facts.swapBytes).toBe(meminfo('SwapTotal'));
    expect(facts.kernel).toBe(os.release());
    const release = /^VERSION_ID="?([^"\n]+)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
    if (release) expect(facts.os).toContain(release);
  });

  it("counts this machine's physical cores and sockets from its CPU topology", async () => {
    const cpus = readdirSync('/sys/devices/system/cpu').filter((e) => /^cpu\d+$/.test(e));
    const id = (cpu: string, file: string) =>
      readFileSync(`/sys/devices/system/cpu/${cpu}/topology/${file}`, 'utf8').trim();
    const packages = new Set(cpus.map((c) => id(c, 'physical_package_id')));
    const cores = new Set(cpus.map((c) => `${id(c, 'physical_package_id')}/${id(c, 'core_id')}`));
    const facts = await readHostFacts(silentLogger, '/sys');
    expect({ cores: facts.cpuPhysicalCores, sockets: facts.cpuSockets }).toEqual({
      cores: cores.size,
      sockets: packages.size,
    });
    expect(facts.cpuPhysicalCores).toBeLessThanOrEqual(facts.cpuCores);
  });
});

describe('readCpuTopology', () => {
  let sysfs: string;
  beforeEach(() => {
    sysfs = mkdtempSync(path.join(os.tmpdir(), 'isoscope-topology-'));
  });
  afterEach(() => rmSync(sysfs, { recursive: true, force: true }));

  const cpu = (n: number, topology?: { pkg: string; core: string }) => {
    const dir = path.join(sysfs, 'devices/system/cpu', `cpu${n}`);
    mkdirSync(dir, { recursive: true });
    if (!topology) return;
    mkdirSync(path.join(dir, 'topology'));
    writeFileSync(path.join(dir, 'topology', 'physical_package_id'), `${topology.pkg}\n`);
    writeFileSync(path.join(dir, 'topology', 'core_id'), `${topology.core}\n`);
  };

  it('counts hyperthreads of one core once, the same core id in two sockets twice, and skips offline CPUs', () => {
    // Two sockets of two cores, two threads each (core ids repeat across sockets), and an offline CPU.
    for (const [n, pkg, core] of [
      [0, 0, 0],
      [1, 0, 1],
      [2, 1, 0],
      [3, 1, 1],
      [4, 0, 0],
      [5, 0, 1],
      [6, 1, 0],
      [7, 1, 1],
    ])
      cpu(n, { pkg: String(pkg), core: String(core) });
    cpu(8);
    mkdirSync(path.join(sysfs, 'devices/system/cpu/cpufreq'));
    expect(readCpuTopology(sysfs)).toEqual({ physicalCores: 4, sockets: 2 });
  });

  it('leaves out a CPU whose topology is malformed, and gives nothing without any topology', () => {
    cpu(0, { pkg: '0', core: '0' });
    cpu(1, { pkg: 'zero', core: '1' });
    expect(readCpuTopology(sysfs)).toEqual({ physicalCores: 1, sockets: 1 });
    rmSync(path.join(sysfs, 'devices/system/cpu/cpu0'), { recursive: true });
    expect(readCpuTopology(sysfs)).toBeUndefined();
    expect(readCpuTopology(path.join(sysfs, 'nowhere'))).toBeUndefined();
  });
});
