import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { metadataSources } from './app';
import { silentLogger } from './log/logger';

describe('metadataSources', () => {
  let root: string;
  beforeAll(() => (root = mkdtempSync(join(tmpdir(), 'isoscope-rootfs-'))));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('asks Docker by default and the CRI only where a runtime socket is found under --path.rootfs', async () => {
    const none = metadataSources(
      { dockerSocket: '/var/run/docker.sock', criSocket: 'auto', rootfs: root, runtimeLabels: '' },
      silentLogger
    );
    expect(none.health().map((h) => h.source)).toEqual(['docker']);

    mkdirSync(join(root, 'run', 'containerd'), { recursive: true });
    const server = net.createServer().listen(join(root, 'run', 'containerd', 'containerd.sock'));
    await new Promise((r) => server.once('listening', r));
    try {
      const both = metadataSources(
        { dockerSocket: '', criSocket: 'auto', rootfs: root, runtimeLabels: '' },
        silentLogger
      );
      // Docker is off (empty socket), the CRI found; neither has answered yet, so neither is up.
      expect(both.health()).toEqual([{ source: 'cri', up: false }]);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('takes no source at all when both sockets are empty', () => {
    const off = metadataSources({ dockerSocket: '', criSocket: '', rootfs: root, runtimeLabels: '' }, silentLogger);
    expect(off.health()).toEqual([]);
  });
});
