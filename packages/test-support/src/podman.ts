/**
 * A private Podman for live tests: rootful, every path of its own under one temp dir, its Docker-compatible
 * and libpod API served by `podman system service` on a socket in that dir.
 *
 * The settings follow ../shared/RUNTIMES.md: the cgroupfs manager (no systemd here), runc (crun 1.8 refuses
 * this hybrid host), vfs storage, file events, and a containers.conf of our own whose default ulimits do not
 * exceed the hard limits we have (no CAP_SYS_RESOURCE). Nothing it does may reach the host's network: every
 * container and pod gets `--network none` unless a test asks for another mode explicitly (the default bridge
 * would make netavark add a bridge, iptables chains and turn on ip_forward), and pods use the test image as
 * their infra image (the default pause image is built on first use). stop() leaves no container, process,
 * mount, dir or cgroup behind, and removes what Podman puts outside its root (HOST_DIRS) if it was not there.
 *
 * Missing tools make startPodman() throw instead of skipping, as startEngine() does.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
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

/** The busybox image as Podman names a local import. */
export const PODMAN_TEST_IMAGE = 'localhost/isoscope-test/busybox:latest';

const INSTALL_HINT = 'apt-get install podman catatonit runc busybox-static';

/** The cgroup Podman's cgroupfs manager puts containers and pods under, in every hierarchy. */
const LIBPOD_PARENT = 'libpod_parent';

/**
 * What rootful Podman creates outside its --root whatever the flags: the image blob-info cache (on import) and
 * netavark's lock and run dirs. Removed afterwards when they were not there before (another Podman's).
 */
const HOST_DIRS = ['/var/lib/containers', '/run/containers', '/etc/containers/networks'];

export interface PodmanEngine {
  /** The API socket (what DockerMetadataSource wants: Podman serves Docker's API and its own). */
  socketPath: string;
  /** The temp dir holding everything of this Podman; removed by stop(). */
  baseDir: string;
  /** Runs the podman CLI with this instance's settings; resolves with stdout, rejects with stderr. */
  podman(args: string[]): Promise<string>;
  /** `podman run -d --name <name> <args…> <image> <cmd…>` (`--network none` unless args set a network or pod). */
  run(name: string, args: string[], cmd: string[]): Promise<string>;
  /** `podman pod create --name <name> --network none <args…>`, the test image as infra; resolves with the pod id. */
  createPod(name: string, args?: string[]): Promise<string>;
  /** `podman inspect <id>`, parsed: the first (only) object. */
  inspect(id: string): Promise<any>;
  /** Removes every pod and container, stops the service, unmounts and deletes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

interface Tools {
  podman: string;
  runc: string;
  tar: string;
  umount: string | null;
  busybox: string;
}

function checkPrerequisites(dirs: string[]): Tools {
  const missing: string[] = [];
  const podman = findExecutable('podman', dirs);
  if (!podman) missing.push('podman (package podman)');
  if (!findExecutable('conmon', dirs)) missing.push('conmon (package conmon)');
  const runc = findExecutable('runc', dirs);
  if (!runc) missing.push('runc (package runc)');
  const tar = findExecutable('tar', dirs);
  if (!tar) missing.push('tar');
  const busybox = '/bin/busybox';
  if (!fs.existsSync(busybox) || !isStaticElf(busybox)) missing.push('a static /bin/busybox (package busybox-static)');
  if (missing.length > 0) {
    throw new Error(`live tests need Podman; missing: ${missing.join(', ')}. Install with: ${INSTALL_HINT}`);
  }
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error('live tests run a rootful Podman and must run as root');
  }
  return { podman: podman!, runc: runc!, tar: tar!, umount: findExecutable('umount', dirs), busybox };
}

/** A ulimit no higher than our hard limit (raising one needs CAP_SYS_RESOURCE), capped at `cap`. */
function ulimit(name: string, flag: string, cap: number): string {
  let hard = cap;
  try {
    const out = fs.readFileSync('/proc/self/limits', 'utf8');
    const m = new RegExp(`^${name}\\s+\\S+\\s+(\\S+)`, 'm').exec(out);
    if (m && m[1] !== 'unlimited') hard = Math.min(cap, Number(m[1]));
  } catch {
    // Keep the cap.
  }
  return `"${flag}=${hard}:${hard}"`;
}

/** The cgroup mount points of this host (v1 controllers, named and unified hierarchies). */
function cgroupMounts(): string[] {
  return fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' - '))
    .filter(([, fsPart]) => fsPart !== undefined && /^cgroup2? /.test(fsPart))
    .map(([head]) => head.split(' ')[4]);
}

/** A cgroup directory and every one below it, deepest first. */
function cgroupsUnder(dir: string): string[] {
  const below = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((e) => cgroupsUnder(path.join(dir, e.name)));
  return [...below, dir];
}

function pidsIn(cgroup: string): number[] {
  try {
    return fs.readFileSync(path.join(cgroup, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export async function startPodman(options: { startTimeoutMs?: number } = {}): Promise<PodmanEngine> {
  const searchPath = defaultSearchPath();
  const tools = checkPrerequisites(searchPath);
  const baseDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'isoscope-podman-'));
  const socketPath = path.join(baseDir, 'podman.sock');
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) {
    await fsp.rm(baseDir, { recursive: true, force: true });
    throw new Error(`socket path ${socketPath} is too long for a unix socket; set TMPDIR to a shorter dir`);
  }
  const dirs = ['root', 'runroot', 'tmp', 'networks'].map((d) => path.join(baseDir, d));
  await Promise.all(dirs.map((d) => fsp.mkdir(d, { recursive: true })));
  const [root, runroot, tmp, networks] = dirs;
  const conf = path.join(baseDir, 'containers.conf');
  await fsp.writeFile(
    conf,
    [
      '[containers]',
      `default_ulimits = [${ulimit('Max open files', 'nofile', 1024)}, ${ulimit('Max processes', 'nproc', 4096)}]`,
      '[engine]',
      'cgroup_manager = "cgroupfs"',
      'events_logger = "file"',
      '',
    ].join('\n')
  );
  // Our own (empty) registries and storage configs, so the host's cannot redirect anything.
  const registries = path.join(baseDir, 'registries.conf');
  await fsp.writeFile(registries, '');
  const storageConf = path.join(baseDir, 'storage.conf');
  await fsp.writeFile(storageConf, `[storage]\ndriver = "vfs"\nrunroot = "${runroot}"\ngraphroot = "${root}"\n`);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: searchPath.join(':'),
    CONTAINERS_CONF: conf,
    CONTAINERS_REGISTRIES_CONF: registries,
    CONTAINERS_STORAGE_CONF: storageConf,
  };
  for (const key of ['CONTAINER_HOST', 'CONTAINER_CONNECTION', 'DOCKER_HOST']) delete env[key];
  const global = [
    `--root=${root}`,
    `--runroot=${runroot}`,
    `--tmpdir=${tmp}`,
    `--network-config-dir=${networks}`,
    '--storage-driver=vfs',
    '--cgroup-manager=cgroupfs',
    '--events-backend=file',
    `--runtime=${tools.runc}`,
  ];
  const podman = (args: string[]) => run(tools.podman, [...global, ...args], env);

  // The cgroup parent is ours to remove afterwards only if it is not there yet (another Podman's).
  const parents = cgroupMounts().map((m) => path.join(m, LIBPOD_PARENT));
  const parentsBefore = new Set(parents.filter((p) => fs.existsSync(p)));
  const hostDirsBefore = new Set(HOST_DIRS.filter((d) => fs.existsSync(d)));

  const logFile = path.join(baseDir, 'service.log');
  const logFd = fs.openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(tools.podman, [...global, 'system', 'service', '--time=0', `unix://${socketPath}`], {
      stdio: ['ignore', logFd, logFd],
      env,
    });
  } finally {
    fs.closeSync(logFd);
  }
  const servicePid = child.pid;
  const { exited, status: serviceExit } = watchExit(child);
  const onExit = () => {
    for (const pid of [servicePid, ...processesUnder(baseDir)]) if (pid) signal(pid, 'SIGKILL');
  };
  process.once('exit', onExit);

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      const problems: string[] = [];
      // -t 0: `sleep` as PID 1 ignores SIGTERM, so a graceful stop would wait out Podman's 10 s.
      await podman(['pod', 'rm', '--all', '--force', '--time=0']).catch((err: Error) => problems.push(err.message));
      // One at a time with its dependents (a `--network container:X` peer must go before X, and `rm --all`
      // refuses); a dependent removed with an earlier one is then "no such container".
      const ids = await podman(['ps', '--all', '--quiet', '--no-trunc']).catch((err: Error) => {
        problems.push(err.message);
        return '';
      });
      for (const id of ids.split('\n').filter(Boolean)) {
        await podman(['rm', '--force', '--depend', '--time=0', id]).catch((err: Error) => {
          if (!/no such container/i.test(err.message)) problems.push(err.message);
        });
      }
      if (servicePid && serviceExit() === null) {
        signal(servicePid, 'SIGTERM');
        if (!(await exitsWithin(exited, 10_000))) {
          signal(servicePid, 'SIGKILL');
          await exited;
        }
      }
      for (const pid of processesUnder(baseDir)) await terminatePid(pid, 5000);
      await unmountUnder(baseDir, tools.umount, problems);
      // The containers' cgroups normally went with them; the parent (and its conmon cgroup) Podman leaves
      // behind. A parent of ours holds only our processes: any still in it (a container whose removal failed,
      // its init reparented once conmon was stopped) is killed by pid before the cgroups are removed.
      for (const parent of parents) {
        if (parentsBefore.has(parent) || !fs.existsSync(parent)) continue;
        const leftovers = cgroupsUnder(parent);
        for (const dir of leftovers) {
          for (const pid of pidsIn(dir)) await terminatePid(pid, 0);
        }
        for (const dir of leftovers) {
          // A killed process leaves its cgroup once init has reaped it: a moment of EBUSY.
          for (let attempt = 0; ; attempt++) {
            try {
              fs.rmdirSync(dir);
              break;
            } catch (err) {
              if ((err as NodeJS.ErrnoException).code !== 'EBUSY' || attempt >= 20) {
                problems.push(`cannot remove cgroup ${dir}: ${(err as Error).message}`);
                break;
              }
              await sleep(100);
            }
          }
        }
      }
      for (const dir of HOST_DIRS) {
        if (!hostDirsBefore.has(dir))
          await fsp.rm(dir, { recursive: true, force: true }).catch((err: Error) => problems.push(err.message));
      }
      process.removeListener('exit', onExit);
      await fsp
        .rm(baseDir, { recursive: true, force: true, maxRetries: 3 })
        .catch((err: Error) => problems.push(err.message));
      if (fs.existsSync(baseDir)) problems.push(`${baseDir} still exists`);
      if (problems.length > 0) throw new Error(`podman cleanup problems:\n${problems.join('\n')}`);
    })();
    return stopping;
  };

  try {
    const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
    for (;;) {
      if (serviceExit() !== null) {
        throw new Error(
          `podman system service exited (${serviceExit()}); last lines of ${logFile}:\n${tailOf(logFile)}`
        );
      }
      if (await answersPing(socketPath)) break;
      if (Date.now() > deadline) {
        throw new Error(`podman did not answer /_ping on ${socketPath} in time; log:\n${tailOf(logFile)}`);
      }
      await sleep(100);
    }
    await importBusybox(tools, baseDir, podman);
    const chooseNetwork = (args: string[]) =>
      args.some((a) => /^--(network|net|pod)(=|$)/.test(a)) ? args : ['--network=none', ...args];
    return {
      socketPath,
      baseDir,
      podman,
      async run(name: string, args: string[], cmd: string[]): Promise<string> {
        const out = await podman(['run', '-d', '--name', name, ...chooseNetwork(args), PODMAN_TEST_IMAGE, ...cmd]);
        const id = out.trim().split('\n').pop() ?? '';
        if (!/^[0-9a-f]{64}$/.test(id)) throw new Error(`podman run printed no container id: ${JSON.stringify(out)}`);
        return id;
      },
      async createPod(name: string, args: string[] = []): Promise<string> {
        const out = await podman([
          'pod',
          'create',
          '--name',
          name,
          ...chooseNetwork(args),
          `--infra-image=${PODMAN_TEST_IMAGE}`,
          '--infra-command=sleep 3600',
        ]);
        const id = out.trim().split('\n').pop() ?? '';
        if (!/^[0-9a-f]{64}$/.test(id)) throw new Error(`podman pod create printed no pod id: ${JSON.stringify(out)}`);
        return id;
      },
      async inspect(id: string): Promise<any> {
        return (JSON.parse(await podman(['inspect', id])) as unknown[])[0];
      },
      stop,
    };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

/** The test image from the host's static busybox (one symlink per applet), with `podman import`. */
async function importBusybox(tools: Tools, baseDir: string, podman: (args: string[]) => Promise<string>) {
  const image = await busyboxRootfsTarball(tools.busybox, tools.tar, baseDir);
  await podman(['import', '--change', 'ENV PATH=/bin', image.tarball, PODMAN_TEST_IMAGE]);
  await image.remove();
}
