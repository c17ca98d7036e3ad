/**
 * DockerMetadataSource against a real dockerd (started by ./engine, torn down afterwards). Calls are counted
 * by spying on the real methods (the source's listContainers and node:http's request), never by faking the
 * engine, so these tests see what the engine really answers.
 */
import http from 'node:http';
import path from 'node:path';

import { type Engine, TEST_IMAGE, startEngine } from '@isoscope/test-support';
import { DockerMetadataSource, type DockerLogFn } from '../../src/runtime/docker';

const UNKNOWN_ID = 'f'.repeat(64); // e.g. a containerd or CRI-O container Docker has never heard of

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function recorder() {
  const entries: Array<{ level: string; msg: string; fields?: Record<string, unknown> }> = [];
  const log: DockerLogFn = (level, msg, fields) => entries.push({ level, msg, fields });
  return { log, entries, warns: () => entries.filter((e) => e.level === 'warn') };
}

let engine: Engine;
let plainId: string;
let podId: string;

beforeAll(async () => {
  engine = await startEngine();
  // Timings go to the log so a slow CI machine is visible without a debugger.
  console.log(
    `engine ready in ${engine.timings.daemonReadyMs} ms, image imported in ${engine.timings.imageImportMs} ms`
  );
  plainId = await engine.run('isoscope-plain', ['--network', 'none'], ['sleep', '3600']);
  podId = await engine.run(
    'k8s_web_web-7d9f8b6c5-x2x9q_shop_0f6e2a4c-1b1d-4f4e-9c55-2b8d1c3e4f5a_0',
    [
      '--network',
      'none',
      '--label',
      'io.kubernetes.pod.namespace=shop',
      '--label',
      'io.kubernetes.pod.name=web-7d9f8b6c5-x2x9q',
      '--label',
      'io.kubernetes.container.name=web',
      '--label',
      'io.kubernetes.pod.uid=0f6e2a4c-1b1d-4f4e-9c55-2b8d1c3e4f5a',
    ],
    ['sh', '-c', 'while true; do sleep 1; done']
  );
}, 120_000);

afterAll(async () => {
  await engine?.stop();
}, 120_000);

afterEach(() => {
  jest.restoreAllMocks();
});

test('returns the exact name, image and Kubernetes fields of running containers', async () => {
  const source = new DockerMetadataSource({ socketPath: engine.socketPath, log: recorder().log });
  const md = await source.lookup([plainId, podId]);

  expect(md.get(plainId)).toEqual({ name: 'isoscope-plain', image: TEST_IMAGE });
  expect(md.get(podId)).toEqual({
    name: 'k8s_web_web-7d9f8b6c5-x2x9q_shop_0f6e2a4c-1b1d-4f4e-9c55-2b8d1c3e4f5a_0',
    image: TEST_IMAGE,
    namespace: 'shop',
    pod: 'web-7d9f8b6c5-x2x9q',
    container: 'web',
    podUid: '0f6e2a4c-1b1d-4f4e-9c55-2b8d1c3e4f5a',
  });
  // Cross-check with what the engine itself says about the container.
  const inspected = await engine.inspect(podId);
  expect(`/${md.get(podId)?.name}`).toBe(inspected.Name);
  expect(md.get(podId)?.image).toBe(inspected.Config.Image);
});

test('an unknown id does not cause a second list call within the refresh interval', async () => {
  const source = new DockerMetadataSource({
    socketPath: engine.socketPath,
    log: recorder().log,
    minRefreshIntervalMs: 1000,
  });
  const list = jest.spyOn(source, 'listContainers');
  const request = jest.spyOn(http, 'request');

  // First scrape: one negotiation + one list, for both containers at once.
  expect((await source.lookup([plainId, podId])).size).toBe(2);
  expect(list).toHaveBeenCalledTimes(1);

  // Scrapes that include an id Docker does not know: still served from the cache, no call.
  for (let i = 0; i < 5; i++) {
    const md = await source.lookup([plainId, podId, UNKNOWN_ID]);
    expect(md.has(UNKNOWN_ID)).toBe(false);
    expect(md.get(plainId)?.name).toBe('isoscope-plain');
  }
  expect(list).toHaveBeenCalledTimes(1);

  // Once the interval has passed, the unknown id is worth exactly one more look.
  await sleep(1100);
  await source.lookup([plainId, UNKNOWN_ID]);
  await source.lookup([plainId, UNKNOWN_ID]);
  expect(list).toHaveBeenCalledTimes(2);

  // On the wire: /version once, then only the list endpoint: no stats API, no per-container inspect.
  const paths = request.mock.calls.map((args) => (args[0] as http.RequestOptions).path);
  expect(paths).toEqual(['/version', '/v1.41/containers/json', '/v1.41/containers/json']);
});

test('a removed container disappears from the cache at the next refresh', async () => {
  const source = new DockerMetadataSource({
    socketPath: engine.socketPath,
    log: recorder().log,
    minRefreshIntervalMs: 200,
  });
  const list = jest.spyOn(source, 'listContainers');
  const doomedId = await engine.run('isoscope-doomed', ['--network', 'none'], ['sleep', '3600']);

  const before = await source.lookup([doomedId, plainId]);
  expect(before.get(doomedId)).toEqual({ name: 'isoscope-doomed', image: TEST_IMAGE });

  await engine.docker(['rm', '-f', doomedId]);
  await sleep(250);
  // An unknown id (a new container, or another runtime's) triggers the refresh; the new list replaces the cache.
  const after = await source.lookup([doomedId, plainId, UNKNOWN_ID]);
  expect(list).toHaveBeenCalledTimes(2);
  expect(after.has(doomedId)).toBe(false);
  expect(after.get(plainId)?.name).toBe('isoscope-plain');
});

test('a container started after the first scrape is found by the next refresh', async () => {
  const source = new DockerMetadataSource({
    socketPath: engine.socketPath,
    log: recorder().log,
    minRefreshIntervalMs: 200,
  });
  await source.lookup([plainId]);
  const lateId = await engine.run(
    'isoscope-late',
    ['--network', 'none', '--label', 'io.kubernetes.pod.namespace=late-ns'],
    ['sleep', '3600']
  );
  await sleep(250);
  expect((await source.lookup([plainId, lateId])).get(lateId)).toEqual({
    name: 'isoscope-late',
    image: TEST_IMAGE,
    namespace: 'late-ns',
  });
});

test('a missing socket path gives an empty map without throwing, and warns once', async () => {
  const rec = recorder();
  const source = new DockerMetadataSource({
    socketPath: path.join(engine.baseDir, 'no-such-engine.sock'),
    log: rec.log,
    minRefreshIntervalMs: 0,
  });
  await expect(source.lookup([plainId, podId])).resolves.toEqual(new Map());
  await expect(source.lookup([plainId, podId])).resolves.toEqual(new Map());
  expect(rec.warns()).toHaveLength(1);
  expect(rec.warns()[0].fields).toMatchObject({ socketPath: path.join(engine.baseDir, 'no-such-engine.sock') });
});

test('the harness fails, not skips, with an install hint when dockerd is missing', async () => {
  await expect(startEngine({ searchPath: [path.join(engine.baseDir, 'empty-bin')] })).rejects.toThrow(
    /dockerd .*apt-get install docker\.io runc busybox-static/
  );
});
