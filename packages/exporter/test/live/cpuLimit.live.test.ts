/**
 * `--scrape.read-ahead=auto` under a real CPU limit: the exporter runs in a cgroup of this test's own under
 * the host's cpu controller (v1, or v2 where the root delegates cpu), first with a quota of half a CPU, then
 * without one. The cgroup is removed afterwards; nothing else on the host is touched.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { CLI } from '@isoscope/test-support';
import { parseMountinfo } from '../../src/parsers/mountinfo';

/** Where this test may make a cgroup with a CPU quota, and how to set one; undefined if the host has no cpu controller. */
function cpuController(): { parent: string; limit(dir: string, quota: number | null): void } | undefined {
  const mounts = parseMountinfo(readFileSync('/proc/self/mountinfo', 'latin1'));
  const v1 = mounts.find((m) => m.fsType === 'cgroup' && m.root === '/' && m.superOptions.includes('cpu'));
  if (v1) {
    return {
      parent: v1.mountPoint,
      limit: (dir, quota) => writeFileSync(join(dir, 'cpu.cfs_quota_us'), String(quota ?? -1)),
    };
  }
  const v2 = mounts.find((m) => m.fsType === 'cgroup2' && m.root === '/');
  if (v2 && readFileSync(join(v2.mountPoint, 'cgroup.subtree_control'), 'latin1').split(/\s+/).includes('cpu')) {
    return {
      parent: v2.mountPoint,
      limit: (dir, quota) => writeFileSync(join(dir, 'cpu.max'), `${quota ?? 'max'} 100000`),
    };
  }
  return undefined;
}

/** Start the CLI inside `dir` (it moves itself there before exec) and return its read-ahead log line. */
function readAheadLine(dir: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'sh',
      ['-c', 'echo $$ > "$1/cgroup.procs" && exec "$2" --web.listen-address=127.0.0.1:0', 'sh', dir, CLI],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      }
    );
    let log = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 20000);
    child.stderr!.on('data', (d) => {
      log += d;
      const line = /^.*msg=read-ahead .*$/m.exec(log);
      if (line) {
        child.kill('SIGTERM');
        resolve(line[0]);
      }
    });
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`exporter exited without a read-ahead line:\n${log}`));
    });
  });
}

const controller = cpuController();
const maybe = controller ? describe : describe.skip;

maybe('read-ahead under a real cgroup CPU limit', () => {
  const dir = join(controller?.parent ?? '/nonexistent', `isoscope-test-cpulimit-${process.pid}`);

  beforeAll(() => mkdirSync(dir));
  afterAll(async () => {
    // The exporter has exited by now, but the kernel may take a moment to empty the cgroup.
    for (let i = 0; i < 50 && existsSync(dir); i++) {
      try {
        rmdirSync(dir);
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });

  it('leaves the thread off at half a CPU, and on without a quota when there is a second CPU', async () => {
    controller!.limit(dir, 50000);
    expect(await readAheadLine(dir)).toMatch(/thread=off cpus=\d+ cpu_limit=0\.5$/);
    controller!.limit(dir, null);
    const unlimited = await readAheadLine(dir);
    expect(unlimited).toMatch(/cpu_limit=none$/);
    expect(unlimited).toContain(`thread=${availableParallelism() > 1 ? 'on' : 'off'}`);
  });
});
