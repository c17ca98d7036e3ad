/**
 * A private Docker engine for live tests.
 *
 * Each call to startEngine() starts its own dockerd (which spawns its own containerd) on fresh temp dirs, so
 * tests never touch an engine someone else runs on the machine, and stop() leaves nothing behind: no
 * containers, no processes, no mounts, no dirs. Settings are chosen for a sandbox with no network and no
 * registry: vfs storage (works on any filesystem, no overlay/kernel module needed), no bridge/iptables (the
 * containers get loopback only), and a busybox image built locally from busybox-static because Docker Hub is
 * unreachable.
 *
 * Missing tools make startEngine() throw instead of skipping: a live test that silently skips on CI would
 * hide exactly the regressions it exists to catch.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  cmdlineOf,
  defaultSearchPath,
  findExecutable,
  isStaticElf,
  MAX_SOCKET_PATH,
  processesUnder,
  run,
  signal,
  tailOf,
  terminatePid,
  watchExit,
} from './processes';
import { answersPing, busyboxRootfsTarball, unmountUnder } from './daemon';
import { exitsWithin, sleep } from './wait';

export const TEST_IMAGE = 'isoscope-test/busybox:latest';

const INSTALL_HINT = 'apt-get install docker.io runc busybox-static';

export interface Engine {
  /** The engine's API socket (what DockerMetadataSource wants). */
  socketPath: string;
  dataRoot: string;
  execRoot: string;
  /** The temp dir holding everything of this engine; removed by stop(). */
  baseDir: string;
  /** dockerd's (and its containerd's) log. */
  logFile: string;
  /** How long startup took, for the curious and for spotting a slow machine. */
  timings: { daemonReadyMs: number; imageImportMs: number };
  /** Runs the docker CLI against this engine; resolves with stdout, rejects with an Error carrying stderr. */
  docker(args: string[]): Promise<string>;
  /** `docker run -d --name <name> <args…> isoscope-test/busybox:latest <cmd…>`; resolves with the full id. */
  run(name: string, args: string[], cmd: string[]): Promise<string>;
  /** `docker inspect <id>`, parsed: the first (only) object. */
  inspect(id: string): Promise<any>;
  /** Removes every container, stops dockerd and containerd, unmounts and deletes the temp dirs. Idempotent. */
  stop(): Promise<void>;
}

export interface StartEngineOptions {
  /** How long to wait for dockerd to answer /_ping (default 30 s). */
  startTimeoutMs?: number;
  /** Dirs to search for dockerd, docker, containerd, runc, tar (default: $PATH plus the sbin dirs). For tests of this harness. */
  searchPath?: string[];
}

interface Tools {
  dockerd: string;
  docker: string;
  tar: string;
  umount: string | null;
  busybox: string;
}

function checkPrerequisites(dirs: string[]): Tools {
  const missing: string[] = [];
  const dockerd = findExecutable('dockerd', dirs);
  if (!dockerd) missing.push('dockerd (package docker.io)');
  const docker = findExecutable('docker', dirs);
  if (!docker) missing.push('docker CLI (package docker.io)');
  if (!findExecutable('containerd', dirs)) missing.push('containerd (package containerd)');
  if (!findExecutable('runc', dirs)) missing.push('runc (package runc)');
  const tar = findExecutable('tar', dirs);
  if (!tar) missing.push('tar');
  const busybox = '/bin/busybox';
  if (!fs.existsSync(busybox)) missing.push('/bin/busybox (package busybox-static)');
  if (missing.length > 0) {
    throw new Error(`live tests need a Docker engine; missing: ${missing.join(', ')}. Install with: ${INSTALL_HINT}`);
  }
  if (!isStaticElf(busybox)) {
    throw new Error(
      `${busybox} is dynamically linked and cannot run in a scratch image. Install with: ${INSTALL_HINT}`
    );
  }
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error('live tests start their own dockerd and must run as root');
  }
  return { dockerd: dockerd!, docker: docker!, tar: tar!, umount: findExecutable('umount', dirs), busybox };
}

export async function startEngine(options: StartEngineOptions = {}): Promise<Engine> {
  const searchPath = options.searchPath ?? defaultSearchPath();
  const tools = checkPrerequisites(searchPath);
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;

  const baseDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'isoscope-engine-'));
  const dataRoot = path.join(baseDir, 'data');
  const execRoot = path.join(baseDir, 'exec');
  const socketPath = path.join(baseDir, 'docker.sock');
  const pidFile = path.join(baseDir, 'dockerd.pid');
  const logFile = path.join(baseDir, 'dockerd.log');
  // Our own (empty) daemon.json: a host /etc/docker/daemon.json could otherwise conflict with our flags
  // ("directives specified both as a flag and in the configuration file") or change the storage driver.
  const configFile = path.join(baseDir, 'daemon.json');
  const cliConfigDir = path.join(baseDir, 'cli');
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) {
    await fsp.rm(baseDir, { recursive: true, force: true });
    throw new Error(`socket path ${socketPath} is too long for a unix socket; set TMPDIR to a shorter dir`);
  }
  await Promise.all([dataRoot, execRoot, cliConfigDir].map((d) => fsp.mkdir(d, { recursive: true })));
  await fsp.writeFile(configFile, '{}\n');

  // dockerd finds containerd and runc through PATH; runc lives in /usr/sbin on Debian.
  const pathWithSbin = searchPath.join(':');
  const daemonEnv: NodeJS.ProcessEnv = { ...process.env, PATH: pathWithSbin };
  // The CLI must talk to our socket only: drop anything that could point it elsewhere or at other config.
  const cliEnv: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: pathWithSbin,
    DOCKER_HOST: `unix://${socketPath}`,
    DOCKER_CONFIG: cliConfigDir,
  };
  for (const key of ['DOCKER_CONTEXT', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_API_VERSION'])
    delete cliEnv[key];

  const logFd = fs.openSync(logFile, 'a');
  const t0 = Date.now();
  let child: ChildProcess;
  try {
    child = spawn(
      tools.dockerd,
      [
        '--bridge=none',
        '--iptables=false',
        '--ip-forward=false',
        '--storage-driver=vfs',
        `--data-root=${dataRoot}`,
        `--exec-root=${execRoot}`,
        `--host=unix://${socketPath}`,
        `--pidfile=${pidFile}`,
        `--config-file=${configFile}`,
      ],
      // Not detached: a Ctrl-C on the test run reaches dockerd too, instead of leaving it behind.
      { stdio: ['ignore', logFd, logFd], env: daemonEnv }
    );
  } finally {
    fs.closeSync(logFd);
  }
  const daemonPid = child.pid;
  const { exited, status: daemonExit } = watchExit(child);

  const created = new Set<string>();
  let containerdPid: number | null = null;
  const readContainerdPid = () => {
    try {
      const pid = Number(fs.readFileSync(path.join(execRoot, 'containerd', 'containerd.pid'), 'utf8').trim());
      // Guard against a stale pid file pointing at a reused pid: it must be *our* containerd.
      if (pid > 0 && cmdlineOf(pid).includes(execRoot + '/')) containerdPid = pid;
    } catch {
      // Not written yet, or already removed.
    }
  };

  // Last resort if the test process dies without calling stop(): do not leave daemons running.
  const onExit = () => {
    for (const pid of [daemonPid, containerdPid, ...processesUnder(baseDir)]) if (pid) signal(pid, 'SIGKILL');
  };
  process.once('exit', onExit);

  const docker = (args: string[]) => run(tools.docker, args, cliEnv);

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      const problems: string[] = [];
      if (daemonExit() === null) {
        // Force-remove first: on SIGTERM dockerd would stop each container with a 10 s grace period, and
        // `sleep` as PID 1 ignores SIGTERM, so a clean daemon shutdown could take minutes.
        const ids = new Set(created);
        try {
          for (const id of (await docker(['ps', '-aq', '--no-trunc'])).split('\n')) if (id.trim()) ids.add(id.trim());
        } catch (err) {
          problems.push((err as Error).message);
        }
        if (ids.size > 0) {
          await docker(['rm', '-f', '-v', ...ids]).catch((err: Error) => problems.push(err.message));
        }
      }
      readContainerdPid();
      if (daemonPid && daemonExit() === null) {
        signal(daemonPid, 'SIGTERM');
        if (!(await exitsWithin(exited, 20_000))) {
          signal(daemonPid, 'SIGKILL');
          await exited;
        }
      }
      // dockerd normally stops the containerd it started; make sure, by pid.
      if (containerdPid) await terminatePid(containerdPid, 10_000);
      for (const pid of processesUnder(baseDir)) await terminatePid(pid, 5000);
      // dockerd bind-mounts data-root onto itself and containers may leave shm/netns mounts; a mount point
      // cannot be removed, so unmount deepest first.
      await unmountUnder(baseDir, tools.umount, problems);
      process.removeListener('exit', onExit);
      await fsp
        .rm(baseDir, { recursive: true, force: true, maxRetries: 3 })
        .catch((err: Error) => problems.push(err.message));
      if (fs.existsSync(baseDir)) problems.push(`${baseDir} still exists`);
      if (problems.length > 0) throw new Error(`engine cleanup problems:\n${problems.join('\n')}`);
    })();
    return stopping;
  };

  try {
    const deadline = t0 + startTimeoutMs;
    for (;;) {
      if (daemonExit() !== null) {
        throw new Error(
          `dockerd exited (${daemonExit()}) before answering /_ping; last lines of ${logFile}:\n${tailOf(logFile)}`
        );
      }
      if (await answersPing(socketPath)) break;
      if (Date.now() > deadline) {
        throw new Error(
          `dockerd did not answer /_ping on ${socketPath} within ${startTimeoutMs} ms; last lines of ${logFile}:\n${tailOf(logFile)}`
        );
      }
      await sleep(100);
    }
    readContainerdPid();
    const daemonReadyMs = Date.now() - t0;

    const t1 = Date.now();
    await importBusyboxImage(tools, baseDir, docker);
    const imageImportMs = Date.now() - t1;

    return {
      socketPath,
      dataRoot,
      execRoot,
      baseDir,
      logFile,
      timings: { daemonReadyMs, imageImportMs },
      docker,
      async run(name: string, args: string[], cmd: string[]): Promise<string> {
        const out = await docker(['run', '-d', '--name', name, ...args, TEST_IMAGE, ...cmd]);
        const id = out.trim().split('\n').pop() ?? '';
        if (!/^[0-9a-f]{64}$/.test(id)) throw new Error(`docker run printed no container id: ${JSON.stringify(out)}`);
        created.add(id);
        return id;
      },
      async inspect(id: string): Promise<any> {
        const parsed = JSON.parse(await docker(['inspect', id])) as unknown[];
        return parsed[0];
      },
      stop,
    };
  } catch (err) {
    // Read the log tail into the error above before cleanup deletes it; then leave nothing behind.
    await stop().catch(() => undefined);
    throw err;
  }
}

/**
 * Builds the test image from the host's static busybox: /bin/busybox plus one symlink per applet, so
 * `sh`, `sleep`, `cat`, `dd`, `yes`, `head`, … all work, imported with `docker import` (no registry).
 */
async function importBusyboxImage(
  tools: Tools,
  baseDir: string,
  docker: (args: string[]) => Promise<string>
): Promise<void> {
  const image = await busyboxRootfsTarball(tools.busybox, tools.tar, baseDir);
  await docker(['import', '--change', 'ENV PATH=/bin', '--change', 'CMD ["/bin/sh"]', image.tarball, TEST_IMAGE]);
  // The image is in dockerd's store now; the staging copies only cost disk.
  await image.remove();
}
