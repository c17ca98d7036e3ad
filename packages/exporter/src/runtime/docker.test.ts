import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import {
  DockerMetadataSource,
  type DockerLogFn,
  PREFERRED_API_VERSION,
  chooseApiVersion,
  containerSummaryToMetadata,
  parseContainerList,
} from './docker';
import { RuntimeLabels } from './labels';

/** Captured verbatim from dockerd 20.10.24 (API 1.41): `curl --unix-socket … /v1.41/containers/json`. */
const FIXTURE = path.join(__dirname, '../../test/fixtures/docker/containers-json-20.10.json');

describe('parseContainerList on a Docker 20.10 /containers/json body', () => {
  const body: unknown = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
  const map = parseContainerList(body);

  test('keys every running container by its full id', () => {
    expect([...map.keys()].sort()).toEqual([
      '651eaceeb221c6d903695fbc7f02776346b1b933f9597d6e7ab44bcf487930d8',
      '928f820cf2a962f49dc006963f9f667123815be38eeeb3dc50a99711a6648e99',
      'e1fbcfe79f9fea25f2fdcefebeef5ad6f38433ed9927cec54e83e1fdd2d5e1dd',
    ]);
  });

  test('maps name (without "/"), image and the io.kubernetes.* labels', () => {
    expect(map.get('928f820cf2a962f49dc006963f9f667123815be38eeeb3dc50a99711a6648e99')).toEqual({
      name: 'busy-loop',
      image: 'isoscope-test/busybox:latest',
      namespace: 'kube-system',
      pod: 'coredns-5d78c9869d-x7k2p',
      container: 'coredns',
      podUid: '2f0c1c7e-8a44-4d0e-9f0e-3f9a6c0b1d2e',
    });
    expect(map.get('651eaceeb221c6d903695fbc7f02776346b1b933f9597d6e7ab44bcf487930d8')).toEqual({
      name: 'web-1',
      image: 'isoscope-test/busybox:latest',
      namespace: 'prod',
      pod: 'web-abc',
      container: 'nginx',
    });
  });

  test('a container without labels has only name and image, and no start time', () => {
    const md = map.get('e1fbcfe79f9fea25f2fdcefebeef5ad6f38433ed9927cec54e83e1fdd2d5e1dd');
    expect(md).toEqual({ name: 'plain', image: 'isoscope-test/busybox:latest' });
    // `Created` is creation, not start: it must not be passed off as startedAt.
    expect(md?.startedAt).toBeUndefined();
  });
});

describe('runtime labels from a Docker list', () => {
  test('only the allow-listed ones, named container_label_<key>; none without an allow-list', () => {
    const body: unknown = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
    const busy = '928f820cf2a962f49dc006963f9f667123815be38eeeb3dc50a99711a6648e99';
    const map = parseContainerList(
      body,
      new RuntimeLabels(['app', 'io.kubernetes.pod.uid', 'com.docker.compose.service'])
    );
    expect(map.get(busy)?.labels).toEqual({
      container_label_app: 'demo',
      container_label_io_kubernetes_pod_uid: '2f0c1c7e-8a44-4d0e-9f0e-3f9a6c0b1d2e',
    });
    expect(map.get('e1fbcfe79f9fea25f2fdcefebeef5ad6f38433ed9927cec54e83e1fdd2d5e1dd')).not.toHaveProperty('labels');
    expect(parseContainerList(body).get(busy)).not.toHaveProperty('labels');
  });

  test("Compose's project and service", () => {
    const compose = new RuntimeLabels(['com.docker.compose.project', 'com.docker.compose.service']);
    const md = containerSummaryToMetadata(
      {
        Id: 'a',
        Names: ['/demo-web-1'],
        Labels: {
          'com.docker.compose.project': 'demo',
          'com.docker.compose.service': 'web',
          'com.docker.compose.container-number': '1',
        },
      },
      compose
    );
    expect(md).toEqual({
      name: 'demo-web-1',
      labels: { container_label_com_docker_compose_project: 'demo', container_label_com_docker_compose_service: 'web' },
    });
  });
});

describe('containerSummaryToMetadata edge cases', () => {
  test('with legacy links, picks the own name over "/<other>/<alias>" whatever the order', () => {
    expect(containerSummaryToMetadata({ Id: 'a', Names: ['/web/db', '/db'] }).name).toBe('db');
    expect(containerSummaryToMetadata({ Id: 'a', Names: ['/db', '/web/db'] }).name).toBe('db');
    expect(containerSummaryToMetadata({ Id: 'a', Names: ['/web/db'] }).name).toBe('web/db');
  });

  test('null Names and Labels, missing Image and empty label values give no fields', () => {
    expect(containerSummaryToMetadata({ Id: 'a', Names: null, Labels: null })).toEqual({});
    expect(
      containerSummaryToMetadata({
        Id: 'a',
        Names: ['/x'],
        Image: '',
        Labels: { 'io.kubernetes.pod.namespace': '', 'io.kubernetes.pod.name': 'p' },
      })
    ).toEqual({ name: 'x', pod: 'p' });
  });

  test('an image referenced by id is reported as Docker shows it', () => {
    expect(containerSummaryToMetadata({ Id: 'a', Names: ['/x'], Image: 'sha256:468e80a49b04' }).image).toBe(
      'sha256:468e80a49b04'
    );
  });

  test('malformed entries are skipped, a non-list body throws', () => {
    const map = parseContainerList([null, 42, { Names: ['/no-id'] }, { Id: 'ok', Names: ['/ok'] }]);
    expect([...map.entries()]).toEqual([['ok', { name: 'ok' }]]);
    expect(() => parseContainerList({ message: 'page not found' })).toThrow(/JSON array/);
  });
});

describe('chooseApiVersion', () => {
  test.each([
    [{ ApiVersion: '1.41', MinAPIVersion: '1.12' }, '1.41'], // Docker 20.10, Podman 4
    [{ ApiVersion: '1.52', MinAPIVersion: '1.44' }, '1.44'], // Docker 29 refuses anything below 1.44
    [{ ApiVersion: '1.47', MinAPIVersion: '1.24' }, '1.41'],
    [{ ApiVersion: '1.40', MinAPIVersion: '1.12' }, '1.40'], // Docker 19.03
    [{}, PREFERRED_API_VERSION],
    [null, PREFERRED_API_VERSION],
  ])('%j → %s', (body, expected) => {
    expect(chooseApiVersion(body)).toBe(expected);
  });
});

// ---- Failure modes and batching against throwaway unix-socket servers (no engine needed) ----

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isoscope-docker-unit-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function recorder() {
  const entries: Array<{ level: string; msg: string; fields?: Record<string, unknown> }> = [];
  const log: DockerLogFn = (level, msg, fields) => entries.push({ level, msg, fields });
  return { log, entries, warns: () => entries.filter((e) => e.level === 'warn') };
}

/** An HTTP server on a unix socket that answers like an engine, from a handler; counts requests. */
async function fakeApi(name: string, handler: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const socketPath = path.join(dir, name);
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    paths.push(req.url ?? '');
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    socketPath,
    paths,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const VERSION_BODY = JSON.stringify({ ApiVersion: '1.41', MinAPIVersion: '1.12', Version: '20.10.24+dfsg1' });
const ID_A = 'a'.repeat(64);
const ID_B = 'b'.repeat(64);

function engineLike(containers: () => unknown[]) {
  return (req: http.IncomingMessage, res: http.ServerResponse) => {
    res.setHeader('Content-Type', 'application/json');
    if (req.url === '/version') res.end(VERSION_BODY);
    else if (req.url === '/v1.41/containers/json') res.end(JSON.stringify(containers()));
    else {
      res.statusCode = 404;
      res.end('{"message":"page not found"}');
    }
  };
}

describe('DockerMetadataSource failure modes', () => {
  test('missing socket: empty map, no throw, one warning for repeated scrapes', async () => {
    const rec = recorder();
    const source = new DockerMetadataSource({
      socketPath: path.join(dir, 'absent.sock'),
      log: rec.log,
      minRefreshIntervalMs: 0,
    });
    for (let i = 0; i < 3; i++) expect((await source.lookup([ID_A])).size).toBe(0);
    expect(rec.warns()).toHaveLength(1);
    expect(rec.warns()[0].fields?.error).toMatch(/ENOENT/);
  });

  test('refused (a path that is not a listening socket): empty map, one warning', async () => {
    const notASocket = path.join(dir, 'plain-file');
    fs.writeFileSync(notASocket, '');
    const rec = recorder();
    const source = new DockerMetadataSource({ socketPath: notASocket, log: rec.log, minRefreshIntervalMs: 0 });
    expect((await source.lookup([ID_A])).size).toBe(0);
    expect((await source.lookup([ID_A])).size).toBe(0);
    expect(rec.warns()).toHaveLength(1);
    expect(rec.warns()[0].fields?.error).toMatch(/ECONNREFUSED/);
  });

  test('timeout: a server that accepts and never answers gives an empty map after timeoutMs', async () => {
    const socketPath = path.join(dir, 'silent.sock');
    const sockets: net.Socket[] = [];
    const server = net.createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      const rec = recorder();
      const source = new DockerMetadataSource({ socketPath, log: rec.log, timeoutMs: 150 });
      const t0 = Date.now();
      expect((await source.lookup([ID_A])).size).toBe(0);
      expect(Date.now() - t0).toBeLessThan(2000);
      expect(rec.warns()).toHaveLength(1);
      expect(rec.warns()[0].fields?.error).toMatch(/timed out after 150 ms/);
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  test('bad JSON and HTTP errors: empty map, one warning', async () => {
    const api = await fakeApi('garbage.sock', (req, res) => {
      if (req.url === '/version') res.end(VERSION_BODY);
      else res.end('[{"Id": "aaa", "Names": [');
    });
    try {
      const rec = recorder();
      const source = new DockerMetadataSource({ socketPath: api.socketPath, log: rec.log, minRefreshIntervalMs: 0 });
      expect((await source.lookup([ID_A])).size).toBe(0);
      expect((await source.lookup([ID_A])).size).toBe(0);
      expect(rec.warns()).toHaveLength(1);
      expect(rec.warns()[0].fields?.error).toMatch(/bad JSON/);
    } finally {
      await api.close();
    }
    const err500 = await fakeApi('500.sock', (_req, res) => {
      res.statusCode = 500;
      res.end('{"message":"engine on fire"}');
    });
    try {
      const rec = recorder();
      const source = new DockerMetadataSource({ socketPath: err500.socketPath, log: rec.log });
      expect((await source.lookup([ID_A])).size).toBe(0);
      expect(rec.warns()[0].fields?.error).toMatch(/HTTP 500: engine on fire/);
    } finally {
      await err500.close();
    }
  });
});

describe('DockerMetadataSource on answers too big to hold', () => {
  const MiB = 1024 * 1024;

  /** A source asking `answer` for the list, after a normal /version. */
  async function listing(name: string, answer: (res: http.ServerResponse) => void) {
    const api = await fakeApi(name, (req, res) => (req.url === '/version' ? res.end(VERSION_BODY) : answer(res)));
    const rec = recorder();
    const source = new DockerMetadataSource({ socketPath: api.socketPath, log: rec.log, timeoutMs: 10_000 });
    return { api, rec, source };
  }

  test('a body streamed past 16 MiB: the source fails, labels fall back to ids, one warning', async () => {
    const { api, rec, source } = await listing('huge.sock', (res) => {
      // A valid array that never stops, without a Content-Length: cut off at the limit, not read to its end.
      const entry = Buffer.from(`{"Id":"${'c'.repeat(64)}","Names":["/x"]},`);
      res.write('[');
      const more = () => {
        while (!res.destroyed && res.write(Buffer.concat(Array(1000).fill(entry)))) {
          /* keep writing while the socket takes it */
        }
        if (!res.destroyed) res.once('drain', more);
      };
      more();
    });
    try {
      expect((await source.lookup([ID_A])).size).toBe(0);
      expect(source.up()).toBe(false);
      expect(rec.warns()).toHaveLength(1);
      expect(rec.warns()[0].fields?.error).toMatch(/larger than 16777216 bytes/);
    } finally {
      await api.close();
    }
  });

  test('a declared Content-Length past 16 MiB is refused before any body is read', async () => {
    const { api, rec, source } = await listing('declared.sock', (res) => {
      res.writeHead(200, { 'Content-Length': String(40 * MiB) });
      res.write('[');
    });
    try {
      expect((await source.lookup([ID_A])).size).toBe(0);
      expect(rec.warns()[0].fields?.error).toMatch(/larger than 16777216 bytes \(41943040\)/);
    } finally {
      await api.close();
    }
  });

  test('a small body of more values than the heap can parse: refused, not parsed', async () => {
    // 3 MiB of `{},`: valid JSON that JSON.parse would turn into ~70 MiB of objects.
    const { api, rec, source } = await listing('dense.sock', (res) =>
      res.end(`[${Array(1_100_000).fill('{}').join(',')}]`)
    );
    try {
      expect((await source.lookup([ID_A])).size).toBe(0);
      expect(rec.warns()[0].fields?.error).toMatch(/bad JSON: expected JSON of at most 1048576 values/);
    } finally {
      await api.close();
    }
  });

  test('garbage and NUL bytes: bad JSON, the source fails', async () => {
    const { api, rec, source } = await listing('nul.sock', (res) => res.end(Buffer.from([0x5b, 0, 0xff, 0x7b])));
    try {
      expect((await source.lookup([ID_A])).size).toBe(0);
      expect(rec.warns()[0].fields?.error).toMatch(/bad JSON/);
    } finally {
      await api.close();
    }
  });
});

describe('DockerMetadataSource batching and state logging', () => {
  test('one /version, then one list call per refresh; concurrent lookups share it; only known paths', async () => {
    const api = await fakeApi(
      'engine.sock',
      engineLike(() => [{ Id: ID_A, Names: ['/a'], Image: 'img:1', Labels: {} }])
    );
    try {
      const source = new DockerMetadataSource({
        socketPath: api.socketPath,
        log: recorder().log,
        minRefreshIntervalMs: 0,
      });
      const [r1, r2] = await Promise.all([source.lookup([ID_A]), source.lookup([ID_A])]);
      expect(r1.get(ID_A)).toEqual({ name: 'a', image: 'img:1' });
      expect(r2.get(ID_A)).toEqual({ name: 'a', image: 'img:1' });
      expect(api.paths).toEqual(['/version', '/v1.41/containers/json']);
      // Known ids never cost a call, whatever the interval.
      await source.lookup([ID_A]);
      expect(api.paths).toHaveLength(2);
    } finally {
      await api.close();
    }
  });

  test('keeps known entries through an outage, warns once, logs recovery once', async () => {
    let containers: unknown[] = [{ Id: ID_A, Names: ['/a'], Image: 'img:1' }];
    const socketPath = path.join(dir, 'flaky.sock');
    let api = await fakeApi(
      'flaky.sock',
      engineLike(() => containers)
    );
    const rec = recorder();
    const source = new DockerMetadataSource({ socketPath, log: rec.log, minRefreshIntervalMs: 0 });
    expect((await source.lookup([ID_A])).get(ID_A)?.name).toBe('a');
    await api.close();

    // Engine down: ID_B is unknown so each lookup tries (interval 0) and fails; ID_A stays served from cache.
    for (let i = 0; i < 3; i++) {
      const r = await source.lookup([ID_A, ID_B]);
      expect(r.get(ID_A)?.name).toBe('a');
      expect(r.has(ID_B)).toBe(false);
    }
    expect(rec.warns()).toHaveLength(1);

    containers = [{ Id: ID_B, Names: ['/b'], Image: 'img:2' }];
    api = await fakeApi(
      'flaky.sock',
      engineLike(() => containers)
    );
    try {
      const r = await source.lookup([ID_A, ID_B]);
      // Back up: the fresh list replaces the cache, so the container that went away is dropped.
      expect(r.has(ID_A)).toBe(false);
      expect(r.get(ID_B)).toEqual({ name: 'b', image: 'img:2' });
      expect(rec.entries.filter((e) => e.level === 'info')).toHaveLength(1);
      expect(rec.warns()).toHaveLength(1);
    } finally {
      await api.close();
    }
  });
});
