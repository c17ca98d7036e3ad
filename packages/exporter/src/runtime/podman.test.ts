import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

import { DockerMetadataSource } from './docker';
import { RuntimeLabels } from './labels';
import { libpodApiVersion, libpodSummaryToMetadata, parseLibpodContainerList } from './podman';

/** Recorded from Podman 4.3.1 (test/fixtures/podman/README.md). */
const FIXTURES = path.join(__dirname, '../../test/fixtures/podman');
const read = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));

const POD = '22043c61a62a2d8b9c003642ee22e34a028f01ba3320f0e1307f72366b86d52b';
const INFRA = '939389b1a1b549235b0aa3298744881fc10d539236030a8afb2db8f7794969e7';
const WEB_A = '3e0cf67e92bfbb40ac417a6a8ec4f6c8101ccf2c7ff04f039ff3da0ae8e42b2e';
const WEB_B = '2cf54e4cec7e0b6eb2b8572e4c05a068017c41e24de89b08e81c564fec63a662';
const SOLO = 'f3ba97e9204664132148eeceebcabc03f82797d61ee3131e30316b0adb91acb7';

describe('libpodApiVersion', () => {
  it("is Podman's libpod version from a Podman 4.3.1 /version", () => {
    expect(libpodApiVersion(read('version-4.3.1.json'))).toBe('4.3.1');
  });
  it('is undefined for Docker, for Podman 3 (compat API only) and for bodies that are not /version', () => {
    expect(libpodApiVersion({ ApiVersion: '1.41', Components: [{ Name: 'Engine', Version: '20.10.24' }] })).toBe(
      undefined
    );
    expect(libpodApiVersion({ Components: [{ Name: 'Podman Engine', Details: { APIVersion: '3.4.4' } }] })).toBe(
      undefined
    );
    for (const body of [null, 'x', [], { Components: 'x' }, { Components: [null, { Name: 'Podman Engine' }] }])
      expect(libpodApiVersion(body)).toBeUndefined();
  });
});

describe('parseLibpodContainerList on a recorded Podman 4.3.1 list', () => {
  const map = parseLibpodContainerList(read('libpod-containers-4.3.1.json'));

  it('marks the infra container as its pod\'s sandbox, labelled container="POD"', () => {
    expect(map.get(INFRA)).toEqual({
      name: '22043c61a62a-infra',
      image: 'localhost/podman-pause:4.3.1-0',
      pod: 'web',
      podId: POD,
      container: 'POD',
      sandbox: true,
      startedAt: 1796141814,
    });
  });
  it("gives a pod's members the pod's name and id, and a container of no pod neither", () => {
    for (const [id, name] of [
      [WEB_A, 'web-a'],
      [WEB_B, 'web-b'],
    ])
      expect(map.get(id)).toEqual({
        name,
        image: 'localhost/busybox:latest',
        pod: 'web',
        podId: POD,
        startedAt: 1796141814,
      });
    expect(map.get(SOLO)).toEqual({ name: 'solo', image: 'localhost/busybox:latest', startedAt: 1796141766 });
  });
  it('skips malformed entries and refuses a body that is not a list', () => {
    expect([...parseLibpodContainerList([null, 1, { Names: ['x'] }, { Id: SOLO }]).keys()]).toEqual([SOLO]);
    expect(() => parseLibpodContainerList({})).toThrow(/expected a JSON array/);
  });
  it('keeps the allow-listed runtime labels, and none without an allow-list', () => {
    const labels = new RuntimeLabels(['io.buildah.version']);
    expect(parseLibpodContainerList(read('libpod-containers-4.3.1.json'), labels).get(INFRA)?.labels).toEqual({
      container_label_io_buildah_version: '1.28.2',
    });
    expect(map.get(INFRA)).not.toHaveProperty('labels');
    expect(
      libpodSummaryToMetadata(
        { Id: SOLO, Labels: { 'com.docker.compose.service': 'db' } },
        new RuntimeLabels(['com.docker.compose.service'])
      )
    ).toEqual({ labels: { container_label_com_docker_compose_service: 'db' } });
  });
  it('ignores a pod id that is not 64 hex digits, and IsInfra outside a pod', () => {
    expect(libpodSummaryToMetadata({ Id: SOLO, Pod: 'web', PodName: 'web', IsInfra: true })).toEqual({});
  });
});

describe('DockerMetadataSource on a Podman engine', () => {
  let dir: string;
  beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isoscope-podman-unit-'))));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("lists through the libpod API (which names pods) after Podman's /version, never the compat list", async () => {
    const paths: string[] = [];
    const server = http.createServer((req, res) => {
      paths.push(req.url ?? '');
      res.setHeader('Content-Type', 'application/json');
      if (req.url === '/version') res.end(JSON.stringify(read('version-4.3.1.json')));
      else if (req.url === '/v4.3.1/libpod/containers/json')
        res.end(JSON.stringify(read('libpod-containers-4.3.1.json')));
      else if (req.url === '/v1.41/containers/json') res.end(JSON.stringify(read('compat-containers-4.3.1.json')));
      else {
        res.statusCode = 404;
        res.end('Not Found');
      }
    });
    const socketPath = path.join(dir, 'podman.sock');
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      const source = new DockerMetadataSource({ socketPath, log: () => {}, minRefreshIntervalMs: 0 });
      const md = await source.lookup([INFRA, WEB_A]);
      expect(md.get(INFRA)).toMatchObject({ pod: 'web', podId: POD, sandbox: true, container: 'POD' });
      expect(md.get(WEB_A)).toMatchObject({ name: 'web-a', pod: 'web', podId: POD });
      expect(paths).toEqual(['/version', '/v4.3.1/libpod/containers/json']);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
