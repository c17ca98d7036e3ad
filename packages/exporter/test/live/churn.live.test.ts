/**
 * Churn: containers created and removed continuously on a private Docker engine while the built exporter is
 * scraped several times a second, for a bounded time. Every scrape must be a valid exposition (promtool check
 * metrics), every container running through a scrape must be in it with every family a container of its kind
 * has (one being created or removed during the scrape may be missing or, its process gone before its cgroup,
 * lack its process's families), and the exporter must hold no more file descriptors and no more memory
 * afterwards than the run's noise allows.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { METRICS } from '@isoscope/shared';
import { startEngine, type Engine, startExporter, type ExporterProcess } from '@isoscope/test-support';
import { parseExposition } from '../support/exposition';

jest.setTimeout(240_000);

const PROMTOOL = '/usr/bin/promtool';
const CHURN_MS = 20_000;
const SCRAPE_EVERY_MS = 200;

let engine: Engine;
let exporter: ExporterProcess;

/** When each container was known to run: from `docker run` returning to `docker rm` being asked. */
const lifetimes = new Map<string, { from: number; until: number }>();

function pidOf(e: ExporterProcess): number {
  return e.child.pid!;
}

function fds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

function rssBytes(pid: number): number {
  return 1024 * Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
}

/** Family names per container id (`/docker/<id>`) in one exposition. */
function familiesById(text: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const s of parseExposition(text).series) {
    const id = s.labels.id;
    if (!id?.startsWith('/docker/')) continue;
    let set = out.get(id);
    if (!set) out.set(id, (set = new Set()));
    set.add(s.name);
  }
  return out;
}

async function run(name: string): Promise<string> {
  const id = await engine.run(name, [], ['sleep', '600']);
  lifetimes.set(id, { from: Date.now(), until: Infinity });
  return id;
}

beforeAll(async () => {
  engine = await startEngine();
  for (const name of ['steady-1', 'steady-2']) await run(name);
  exporter = await startExporter([`--docker.socket=${engine.socketPath}`]);
});

afterAll(async () => {
  await exporter?.stop();
  await engine?.stop();
});

it('serves valid, whole scrapes while containers come and go, and keeps no fd or memory', async () => {
  // The families a running container of this kind has, from a quiet scrape of the steady ones.
  const quiet = familiesById(await exporter.scrape());
  const steady = [...lifetimes.keys()].map((id) => quiet.get(`/docker/${id}`));
  expect(steady.every((s) => s !== undefined && s.size > 20)).toBe(true);
  const full = steady[0]!;
  expect(steady[1]).toEqual(full);
  for (let i = 0; i < 5; i++) await exporter.scrape();
  const pid = pidOf(exporter);
  const before = { fds: fds(pid), rss: rssBytes(pid) };

  const end = Date.now() + CHURN_MS;
  let made = 0;
  const churning: string[] = [];
  const churn = (async () => {
    while (Date.now() < end) {
      churning.push(await run(`churn-${made++}`));
      if (churning.length > 3) {
        const id = churning.shift()!;
        lifetimes.get(id)!.until = Date.now();
        await engine.docker(['rm', '-f', id]);
      }
    }
  })();

  const problems: string[] = [];
  let scrapes = 0;
  while (Date.now() < end) {
    const started = Date.now();
    const text = await exporter.scrape();
    const finished = Date.now();
    scrapes++;
    const lint = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 30_000 });
    if (lint.status !== 0 || `${lint.stdout}${lint.stderr}`.trim() !== '')
      problems.push(`scrape ${scrapes}: promtool: ${lint.stdout}${lint.stderr}`.slice(0, 500));
    const found = familiesById(text);
    for (const [id, { from, until }] of lifetimes) {
      if (!(from < started && until > finished)) continue;
      const families = found.get(`/docker/${id}`);
      const missing = [...full].filter((f) => !families?.has(f));
      if (missing.length > 0)
        problems.push(`scrape ${scrapes}: running ${id.slice(0, 12)} lacks ${missing.join(', ')}`);
    }
    const wait = SCRAPE_EVERY_MS - (Date.now() - started);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  await churn;
  expect(problems).toEqual([]);
  expect(made).toBeGreaterThanOrEqual(8);
  expect(scrapes).toBeGreaterThanOrEqual(20);

  // Back to the steady containers and a few scrapes: what the churn opened is closed and its memory freed.
  for (const id of churning) await engine.docker(['rm', '-f', id]);
  for (let i = 0; i < 20; i++) await exporter.scrape();
  const after = { fds: fds(pid), rss: rssBytes(pid) };
  expect(after.fds).toBeLessThanOrEqual(before.fds + 2);
  expect(after.rss - before.rss).toBeLessThan(Math.max(8 * 1024 * 1024, 0.1 * before.rss));
  expect(parseExposition(await exporter.scrape()).series.some((s) => s.name === METRICS.lastSeen.name)).toBe(true);
});
