/**
 * What every private daemon of the live tests (dockerd, Podman's service, the CRI node) needs alike: a ping
 * of its API socket, the unmounting of what it left under its temp dir, and the busybox test image's rootfs.
 */
import fsp from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { mountsUnder, run } from './processes';

/** Whether an engine API (Docker's, Podman's) on `socketPath` answers `GET /_ping` with 200 within 1 s. */
export function answersPing(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.request({ socketPath, path: '/_ping', method: 'GET', agent: false, timeout: 1000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
      res.on('error', () => resolve(false));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
    req.end();
  });
}

/**
 * Unmounts every mount point at or under `dir`, deepest first (a mount point cannot be removed), lazily where
 * a plain unmount fails; what still fails goes into `problems`.
 */
export async function unmountUnder(dir: string, umount: string | null, problems: string[]): Promise<void> {
  for (const mountPoint of mountsUnder(dir)) {
    if (!umount) {
      problems.push(`cannot unmount ${mountPoint}: no umount binary`);
      continue;
    }
    await run(umount, [mountPoint]).catch(() =>
      run(umount, ['-l', mountPoint]).catch((err: Error) => problems.push(err.message))
    );
  }
}

/**
 * The test image's rootfs as a tarball under `baseDir`: the host's static busybox plus one symlink per applet
 * (so `sh`, `sleep`, `cat`, `dd`, `yes`, `head`, … all work) and a /tmp. Resolves with the tarball's path and
 * a function that removes the staging copies once the runtime has imported it.
 */
export async function busyboxRootfsTarball(
  busybox: string,
  tar: string,
  baseDir: string
): Promise<{ tarball: string; remove: () => Promise<void> }> {
  const root = path.join(baseDir, 'image-root');
  const bin = path.join(root, 'bin');
  await fsp.mkdir(bin, { recursive: true });
  await fsp.mkdir(path.join(root, 'tmp'), { mode: 0o1777 });
  await fsp.copyFile(busybox, path.join(bin, 'busybox'));
  await fsp.chmod(path.join(bin, 'busybox'), 0o755);
  const applets = (await run(busybox, ['--list'])).split('\n').map((a) => a.trim());
  for (const applet of new Set([...applets, 'sh', 'sleep', 'cat', 'dd', 'yes', 'head'])) {
    if (!applet || applet === 'busybox' || applet.includes('/')) continue;
    await fsp.symlink('busybox', path.join(bin, applet));
  }
  const tarball = path.join(baseDir, 'busybox.tar');
  await run(tar, ['-C', root, '--numeric-owner', '--owner=0', '--group=0', '-cf', tarball, '.']);
  return {
    tarball,
    remove: async () => {
      await fsp.rm(root, { recursive: true, force: true });
      await fsp.rm(tarball, { force: true });
    },
  };
}
