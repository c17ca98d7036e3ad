/**
 * The built exporter on a host that fights back: a FIFO and a huge file where cgroup files should be, and
 * a Docker socket that accepts and never answers. The process stays up, /metrics answers (within its
 * deadline), /healthz answers while scrapes run, the errors are counted, and SIGTERM ends it.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startExporter, type ExporterProcess } from '@isoscope/test-support';

const HOSTS = join(__dirname, 'fixtures', 'hosts');
const tree = 'v2-docker-systemd';

let root: string;
let silent: net.Server;
const sockets: net.Socket[] = [];
let exporter: ExporterProcess | undefined;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'isoscope-hostile-cli-'));
  cpSync(join(HOSTS, tree), root, { recursive: true, verbatimSymlinks: true });
  const expected = JSON.parse(readFileSync(join(HOSTS, tree, 'expected.json'), 'utf8')) as {
    containers: Array<{ path: string }>;
  };
  const dir = join(root, 'sys', 'fs', 'cgroup', expected.containers[0].path);
  rmSync(join(dir, 'memory.stat'));
  execFileSync('mkfifo', [join(dir, 'memory.stat')]);
  writeFileSync(join(dir, 'io.stat'), '');
  truncateSync(join(dir, 'io.stat'), 50 * 1024 * 1024);
  silent = net.createServer((s) => sockets.push(s));
  await new Promise<void>((resolve) => silent.listen(join(root, 'docker.sock'), resolve));
});

afterAll(async () => {
  if (exporter && exporter.child.exitCode === null) exporter.child.kill('SIGKILL');
  sockets.forEach((s) => s.destroy());
  await new Promise<void>((resolve) => silent.close(() => resolve()));
  rmSync(root, { recursive: true, force: true });
});

it('serves every scrape, answers /healthz meanwhile, counts the errors and ends on SIGTERM', async () => {
  exporter = await startExporter([
    `--path.procfs=${join(root, 'proc')}`,
    `--path.sysfs=${join(root, 'sys')}`,
    `--docker.socket=${join(root, 'docker.sock')}`,
    '--cri.socket=',
    '--namespace.reference=pid1',
  ]);
  const { url } = exporter;
  // Prometheus' header: 1.5 s, so 1 s to collect; the silent Docker socket would otherwise cost 2 s.
  const scrape = fetch(`${url}/metrics`, { headers: { 'X-Prometheus-Scrape-Timeout-Seconds': '1.5' } });
  const health = await fetch(`${url}/healthz`);
  expect(health.status).toBe(200);
  const res = await scrape;
  expect(res.status).toBe(200);
  // The deadline came while the runtime was still silent: no container was reached, and it says so.
  const first = await res.text();
  expect(first).toMatch(/^isoscope_scrape_collector_success\{collector="memory"\} 0/m);
  expect(first).toMatch(/^isoscope_containers\{runtime="docker"\} 2/m);
  // Once the runtime's failure is known, scrapes are whole again, the bad files counted.
  const again = await exporter.scrape();
  expect(again).toMatch(/^isoscope_scrape_collector_success\{collector="memory"\} 1/m);
  expect(again).toMatch(/^container_memory_usage_bytes\{/m);
  expect(again).toMatch(/^isoscope_read_errors_total\{collector="memory"\} [1-9]/m);
  expect(again).toMatch(/^isoscope_read_errors_total\{collector="io"\} [1-9]/m);
  expect(again).toMatch(/^isoscope_metadata_source_up\{source="docker"\} 0/m);

  const exited = new Promise<number | null>((resolve) => exporter!.child.once('exit', (code) => resolve(code)));
  void fetch(`${url}/metrics`).catch(() => {});
  exporter.child.kill('SIGTERM');
  // Generous: the grace period is 2 s; the point is that it ends at all.
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise((resolve) => (timer = setTimeout(() => resolve('still running'), 10_000)));
  const code = await Promise.race([exited, late]);
  clearTimeout(timer);
  expect(code).toBe(0);
});
