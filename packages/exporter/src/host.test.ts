import { readFileSync } from 'node:fs';
import os from 'node:os';
import { silentLogger } from './log/logger';
import { readHostFacts } from './host';

describe('host facts', () => {
  it('reads this machine: its CPUs, memory, kernel and distribution', async () => {
    const facts = await readHostFacts(silentLogger);
    expect(facts.cpuCores).toBe(os.cpus().length);
    expect(facts.memoryBytes).toBe(
      Number(/MemTotal:\s+(\d+) kB/.exec(readFileSync('/proc/meminfo', 'utf8'))![1]) * 1024
    );
    expect(facts.kernel).toBe(os.release());
    const release = /^VERSION_ID="?([^"\n]+)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
    if (release) expect(facts.os).toContain(release);
  });
});
