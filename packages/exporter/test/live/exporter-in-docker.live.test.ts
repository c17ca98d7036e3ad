/**
 * The exporter as users run it in Docker: in a container of its own, with the host's /proc and /sys
 * mounted read-only, the host PID namespace, every capability dropped but CAP_SYS_PTRACE, no new privileges
 * and a read-only root — the flags the README gives. No image can
 * be pulled here, so the container is the busybox test image with this host's Node.js and the built
 * repository bind-mounted in; what is under test is the exporter's view from inside a container.
 */
import { readlinkSync } from 'node:fs';
import { METRICS } from '@isoscope/shared';
import { startEngine, type Engine, freeLoopbackPort } from '@isoscope/test-support';
import { exporterCommand, exporterMounts } from '../support/exporterInContainer';
import { parseExposition, select, valueOf } from '../support/exposition';

jest.setTimeout(120_000);

let engine: Engine;
let url: string;
let workloadId: string;

async function scrape(): Promise<string> {
  const res = await fetch(`${url}/metrics`);
  expect(res.status).toBe(200);
  return res.text();
}

beforeAll(async () => {
  engine = await startEngine();
  workloadId = await engine.run('workload', ['--memory', '32m'], ['sleep', '600']);
  const port = await freeLoopbackPort();
  url = `http://127.0.0.1:${port}`;
  await engine.run(
    'isoscope-exporter',
    [
      '--pid',
      'host',
      '--network',
      'host',
      '--cap-drop',
      'ALL',
      '--cap-add',
      'SYS_PTRACE',
      '--security-opt',
      'no-new-privileges',
      '--read-only',
      '-v',
      '/proc:/host/proc:ro',
      '-v',
      '/sys:/host/sys:ro',
      '-v',
      `${engine.socketPath}:/var/run/docker.sock:ro`,
      ...exporterMounts(),
    ],
    exporterCommand(['--path.procfs=/host/proc', '--path.sysfs=/host/sys', `--web.listen-address=127.0.0.1:${port}`])
  );
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false
    );
    if (ok) break;
    if (Date.now() > deadline)
      throw new Error(`exporter container did not serve:\n${await engine.docker(['logs', 'isoscope-exporter'])}`);
    await new Promise((r) => setTimeout(r, 200));
  }
});

afterAll(async () => {
  await engine?.stop();
});

describe('the exporter running in a container with the host mounted', () => {
  it('finds the host cgroups under --path.sysfs and the other containers', async () => {
    const { series } = parseExposition(await scrape());
    expect(select(series, METRICS.hostInfo.name)[0].labels.cgroup_mode).toMatch(/^(v1|v2|hybrid)$/);
    const name = 'workload';
    expect(valueOf(series, METRICS.specMemoryLimit.name, { name })).toBe(32 * 1024 * 1024);
    expect(select(series, METRICS.memoryUsage.name, { name })[0].labels.id).toBe(`/docker/${workloadId}`);
    // It sees itself too, as one more container.
    expect(select(series, METRICS.memoryUsage.name, { name: 'isoscope-exporter' })).toHaveLength(1);
  });

  it("reads other containers' namespaces through the host PID namespace", async () => {
    const { series } = parseExposition(await scrape());
    const { State } = await engine.inspect(workloadId);
    const inode = Number(/\[(\d+)\]/.exec(readlinkSync(`/proc/${State.Pid}/ns/net`))![1]);
    expect(valueOf(series, METRICS.namespaceInode.name, { name: 'workload', ns_type: 'net' })).toBe(inode);
    // The exporter shares the host's network and PID namespaces, whatever the reference source.
    for (const ns_type of ['net', 'pid']) {
      expect(valueOf(series, METRICS.namespaceSharedWithHost.name, { name: 'isoscope-exporter', ns_type })).toBe(1);
      expect(valueOf(series, METRICS.namespaceSharedWithHost.name, { name: 'workload', ns_type })).toBe(0);
    }
  });

  it('says which namespace reference it used, and logs why when it fell back', async () => {
    const { series } = parseExposition(await scrape());
    const source = select(series, METRICS.namespaceReferenceInfo.name)[0].labels.source;
    const logs = await engine.docker(['logs', 'isoscope-exporter']).catch((e: Error) => e.message);
    if (source === 'self') expect(logs).toContain('host namespaces unreadable');
    else expect(source).toBe('pid1');
  });
});
