/**
 * A private Kubernetes node for live tests: containerd 1.6 with its CRI plugin, and a test playing kubelet.
 *
 * startCriNode() starts its own containerd on a fresh temp dir `isoscope-engine-containerd-*`, inside its own
 * mount and network namespaces ("the node"), so tests never touch a runtime someone else runs on the machine
 * and stop() leaves nothing behind: no pods, no processes, no mounts, no cgroups it created, no dirs.
 *
 * Layout of the node (see /work/shared/RUNTIMES.md for why each piece is there):
 * - `unshare --mount --net --propagation private --fork` runs node.sh, which covers the two paths containerd
 *   1.6 hard-codes (`/run/containerd/s` for shim sockets, `/var/lib/cni` for libcni's cache and host-local's
 *   leases) with bind mounts of dirs under baseDir, brings `lo` up and then holds the namespaces (a `sleep`).
 *   Where a path does not exist on the machine, its nearest existing ancestor is first covered by an overlay
 *   whose upper dir is in baseDir, so not even an empty mount point is created outside baseDir.
 * - containerd is started with `nsenter -t <holder> -m -n`, so it can be SIGKILLed and started again on the
 *   same state and namespaces (shims and pods keep running meanwhile, as on a real node).
 * - Its gRPC socket is a file in baseDir: CRI calls work from outside the namespaces.
 * - Pod networks come from Debian's CNI plugins: a `bridge` + `host-local` conflist on a private subnet inside
 *   the node's netns (no gateway, no masquerade, no default route): traffic never leaves the node.
 * - Images cannot be pulled: a hand-written OCI layout holding busybox-static is imported with ctr and serves
 *   as both the sandbox ("pause") image and the workload image.
 *
 * The Kubelet below sends what kubelet sends for the pod features the exporter cares about: the
 * io.kubernetes.* labels, the cgroupfs-driver cgroup parent for the pod's QoS class, host namespaces,
 * shareProcessNamespace, and container resources. containerd never removes a pod's `pod<uid>` cgroup (kubelet
 * owns it), so removePod() and stop() do.
 *
 * Missing tools make startCriNode() throw instead of skipping: a live test that silently skips on CI would
 * hide exactly the regressions it exists to catch.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import {
  cmdlineOf,
  defaultSearchPath,
  findExecutable,
  isAlive,
  isStaticElf,
  MAX_SOCKET_PATH,
  unmountUnder,
  processesUnder,
  run,
  signal,
  tailOf,
  terminatePid,
  unescapeMountPath,
  waitForExit,
  watchExit,
  type ExitWatch,
  exitsWithin,
  sleep,
} from '@isoscope/test-support';

/**
 * The imported test image. A `localhost/` name: the CRI plugin normalises references (a bare
 * `isoscope-test/busybox` would become `docker.io/isoscope-test/busybox`), and a name that already is in
 * normal form is found under the name ctr imported it with.
 */
export const CRI_TEST_IMAGE = 'localhost/isoscope-test/busybox:latest';

const INSTALL_HINT = 'apt-get install containerd runc containernetworking-plugins busybox-static';
const CNI_BIN_DIR = '/usr/lib/cni';
/** The CRI plugin's namespace in containerd. */
const K8S_NAMESPACE = 'k8s.io';
/** Paths containerd 1.6 uses whatever its config says; covered inside the node's mount namespace. */
const COVERED_PATHS: Array<{ target: string; name: string }> = [
  { target: '/run/containerd/s', name: 'shim-sockets' },
  { target: '/var/lib/cni', name: 'var-lib-cni' },
];
/** Cgroups kubelet (and so this harness) creates above the pod cgroups, deepest first. */
const KUBEPODS_DIRS = ['/kubepods/burstable', '/kubepods/besteffort', '/kubepods'];

/**
 * kubepods levels that did not exist when a node of this process started: ours to remove once empty. Shared
 * by every node of the process, so whichever of two concurrent nodes stops last removes them. Levels that
 * existed before (a real kubelet's, another process's) are never touched.
 */
const kubepodsOwnedHere = new Set<string>();

const CRI_DIR = path.resolve(__dirname, '..', '..', 'src', 'runtime', 'cri');
const KUBELET_PROTO = path.join(__dirname, 'cri', 'kubelet.proto');

/**
 * proto-loader options. keepCase: field names as on the wire (pod_sandbox_id), matching the .proto files and
 * RUNTIMES.md. longs: Number: int64 fields arrive as JS numbers (exact for pids, limits and sizes; created_at
 * nanoseconds lose their last ~8 bits, which no test here reads). enums: String: 'SANDBOX_READY',
 * 'CONTAINER_RUNNING'. defaults: true: absent scalars read as 0/''/false and absent maps as {}, as Go
 * clients see them. oneofs: no oneof is declared; harmless.
 */
export const CRI_PROTO_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [CRI_DIR],
};

// ---------------------------------------------------------------------------------------------------------
// Public API

export type QosClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

export interface PodSpec {
  /** metadata.name; also the sandbox hostname unless hostNetwork. */
  name: string;
  /** metadata.namespace (default `default`). */
  namespace?: string;
  /** metadata.uid (default: a random UUID, as the API server assigns). */
  uid?: string;
  /** Decides the cgroup parent (default Burstable). */
  qosClass?: QosClass;
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  /** pid namespace POD instead of CONTAINER. */
  shareProcessNamespace?: boolean;
  /** Extra labels (kubelet passes the pod's labels); the io.kubernetes.pod.* ones are always set. */
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** metadata.attempt (default 0). */
  attempt?: number;
}

export interface ContainerResources {
  cpuPeriod?: number;
  cpuQuota?: number;
  /** Default 2 (kubelet's minimum shares, what a container without a CPU request gets). */
  cpuShares?: number;
  memoryLimitBytes?: number;
  /** Default: memoryLimitBytes when that is set (kubelet's "no swap"). */
  memorySwapLimitBytes?: number;
  /** Default by QoS as kubelet does: Guaranteed -997, BestEffort 1000, Burstable 999 (containerd clamps it up to its own). */
  oomScoreAdj?: number;
  cpusetCpus?: string;
}

export interface ContainerSpec {
  /** metadata.name and the io.kubernetes.container.name label. */
  name: string;
  /** Default `['sleep', '600']`. */
  command?: string[];
  args?: string[];
  env?: Record<string, string>;
  resources?: ContainerResources;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  privileged?: boolean;
  addCapabilities?: string[];
  dropCapabilities?: string[];
  attempt?: number;
}

export interface RunningContainer {
  id: string;
  /** The container's init process, as the host sees it. */
  pid: number;
  name: string;
  sandboxId: string;
  podUid: string;
  /** The cgroupfs path relative to each hierarchy's root: `<cgroupParent>/<id>`. */
  cgroupPath: string;
}

export interface RunningPod {
  name: string;
  namespace: string;
  podUid: string;
  qosClass: QosClass;
  sandboxId: string;
  /** The sandbox ("pause") process, as the host sees it. */
  sandboxPid: number;
  /** `/kubepods[/burstable|/besteffort]/pod<uid>`. */
  cgroupParent: string;
  /** The pod IP (CNI), '' for hostNetwork pods. */
  ip: string;
  hostNetwork: boolean;
  /** The PodSandboxConfig sent (kubelet sends it again with every CreateContainer). */
  sandboxConfig: Record<string, unknown>;
  containers: RunningContainer[];
}

/** A CRI client acting as kubelet. Every call has a deadline. */
export interface Kubelet {
  runPod(spec: PodSpec): Promise<RunningPod>;
  runContainer(pod: RunningPod, spec: ContainerSpec): Promise<RunningContainer>;
  /** StopContainer with a grace period (default 0 s: SIGKILL at once, `sleep` as PID 1 ignores SIGTERM). */
  stopContainer(container: RunningContainer, timeoutSeconds?: number): Promise<void>;
  removeContainer(container: RunningContainer): Promise<void>;
  /** StopPodSandbox + RemovePodSandbox, then removes the pod cgroup as kubelet would. */
  removePod(pod: RunningPod): Promise<void>;
  /** removePod for every sandbox the runtime lists (not only those run through this client). */
  removeAllPods(): Promise<void>;
  /** Any RuntimeService call declared in kubelet.proto, e.g. call('ListContainers', { filter: {...} }). */
  call<T = any>(method: string, request: object, timeoutMs?: number): Promise<T>;
  /** ImageService calls (ListImages). */
  callImage<T = any>(method: string, request: object, timeoutMs?: number): Promise<T>;
  /** ContainerStatus/PodSandboxStatus with verbose: true, `info.info` parsed (pid, runtimeSpec, config, …). */
  containerInfo(containerId: string): Promise<{ status: any; info: any }>;
  sandboxInfo(sandboxId: string): Promise<{ status: any; info: any }>;
}

export interface CriNode {
  /** containerd's gRPC socket (the CRI endpoint); reachable from outside the node's namespaces. */
  socketPath: string;
  /** The temp dir `isoscope-engine-containerd-*` holding everything; removed by stop(). */
  baseDir: string;
  /** The current containerd process (changes with restartContainerd()). */
  containerdPid: number;
  /** The process holding the node's mount and network namespaces (nsenter -t it). */
  nodePid: number;
  /** The imported busybox image, used as sandbox and workload image. */
  image: string;
  /** The pod subnet (CIDR) inside the node's netns. */
  podSubnet: string;
  logFile: string;
  timings: { nodeReadyMs: number; containerdReadyMs: number; imageImportMs: number; totalMs: number };
  kubelet: Kubelet;
  /** Runs a command inside the node's mount+net namespaces, e.g. ['ip', '-br', 'addr']; resolves with stdout. */
  nodeExec(cmd: string[]): Promise<string>;
  /** SIGKILLs containerd (a runtime outage: shims and pods keep running); restartContainerd() brings it back on the same state. */
  stopContainerd(): Promise<void>;
  restartContainerd(): Promise<void>;
  /** Removes every pod, stops containerd and shims, unmounts, removes cgroups it created, deletes baseDir. Idempotent. */
  stop(): Promise<void>;
}

export interface StartCriNodeOptions {
  /** How long to wait for the node and for containerd to answer CRI Version (default 30 s each). */
  startTimeoutMs?: number;
  /** Default deadline of a CRI call (default 30 s; RunPodSandbox gets twice that). */
  callTimeoutMs?: number;
  /** The pod subnet inside the node's private netns (default 10.213.7.0/24). */
  podSubnet?: string;
  /** containerd snapshotter (default overlayfs; `native` where baseDir's filesystem cannot be an overlay upper). */
  snapshotter?: 'overlayfs' | 'native';
  /** Dirs to search for the tools (default: $PATH plus the sbin dirs). */
  searchPath?: string[];
}

// ---------------------------------------------------------------------------------------------------------
// Tools (process and file helpers shared with the Docker engine are in @isoscope/test-support)

interface Tools {
  containerd: string;
  ctr: string;
  runc: string;
  unshare: string;
  nsenter: string;
  mount: string;
  umount: string;
  tar: string;
  sleep: string;
  sh: string;
  busybox: string;
  /** iproute2's ip, or null: node.sh then uses busybox's. */
  ip: string | null;
}

function checkPrerequisites(dirs: string[]): Tools {
  const missing: string[] = [];
  const need = (name: string, what: string): string => {
    const found = findExecutable(name, dirs);
    if (!found) missing.push(what);
    return found ?? '';
  };
  const tools: Tools = {
    containerd: need('containerd', 'containerd (package containerd)'),
    ctr: need('ctr', 'ctr (package containerd)'),
    runc: need('runc', 'runc (package runc)'),
    unshare: need('unshare', 'unshare (package util-linux)'),
    nsenter: need('nsenter', 'nsenter (package util-linux)'),
    mount: need('mount', 'mount (package mount)'),
    umount: need('umount', 'umount (package mount)'),
    tar: need('tar', 'tar'),
    sleep: need('sleep', 'sleep (package coreutils)'),
    sh: need('sh', 'sh'),
    busybox: '/bin/busybox',
    ip: findExecutable('ip', dirs),
  };
  need('containerd-shim-runc-v2', 'containerd-shim-runc-v2 (package containerd)');
  for (const plugin of ['bridge', 'host-local', 'loopback']) {
    if (!fs.existsSync(path.join(CNI_BIN_DIR, plugin)))
      missing.push(`${CNI_BIN_DIR}/${plugin} (package containernetworking-plugins)`);
  }
  if (!fs.existsSync(tools.busybox)) missing.push('/bin/busybox (package busybox-static)');
  if (missing.length > 0) {
    throw new Error(
      `live CRI tests need containerd with its CRI plugin; missing: ${missing.join(', ')}. Install with: ${INSTALL_HINT}`
    );
  }
  if (!isStaticElf(tools.busybox)) {
    throw new Error(
      `${tools.busybox} is dynamically linked and cannot run in a scratch image. Install with: ${INSTALL_HINT}`
    );
  }
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error('live CRI tests start their own containerd in private namespaces and must run as root');
  }
  return tools;
}

/** Mount points of the cgroup hierarchies under /sys/fs/cgroup (every v1 controller, named ones, and v2). */
export function cgroupHierarchies(): string[] {
  const roots: string[] = [];
  for (const line of fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    if (!line) continue;
    const [left, right] = line.split(' - ');
    const fstype = right?.split(' ')[0];
    if (fstype !== 'cgroup' && fstype !== 'cgroup2') continue;
    const point = unescapeMountPath(left.split(' ')[4]);
    if (point.startsWith('/sys/fs/cgroup')) roots.push(point);
  }
  return [...new Set(roots)].sort();
}

/** The cgroup parent kubelet (cgroupfs driver) gives a pod of this QoS class. */
export function podCgroupParent(qosClass: QosClass, podUid: string): string {
  if (qosClass === 'Guaranteed') return `/kubepods/pod${podUid}`;
  return `/kubepods/${qosClass.toLowerCase()}/pod${podUid}`;
}

function readPids(cgroupDir: string): number[] {
  try {
    return fs.readFileSync(path.join(cgroupDir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function childCgroups(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => path.join(dir, d.name));
  } catch {
    return [];
  }
}

/** Every process in a cgroup tree (the tree must be one this node created). */
function pidsInTree(dir: string): number[] {
  return [...readPids(dir), ...childCgroups(dir).flatMap(pidsInTree)];
}

/**
 * Removes a cgroup tree this node created, deepest first. Processes still in it are our pods' (left by a
 * containerd that could not remove them): they are killed first. rmdir is retried: a cgroup stays busy for a
 * moment after its last task exits.
 */
async function removeCgroupTree(dir: string, problems: string[]): Promise<void> {
  if (!fs.existsSync(dir)) return;
  for (const child of childCgroups(dir)) await removeCgroupTree(child, problems);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const pids = readPids(dir).filter(isAlive);
    for (const pid of pids) signal(pid, 'SIGKILL');
    try {
      fs.rmdirSync(dir);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (Date.now() > deadline) {
        problems.push(
          `cannot remove cgroup ${dir}: ${(err as Error).message} (pids: ${readPids(dir).join(' ') || 'none'})`
        );
        return;
      }
    }
    await sleep(100);
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** removeCgroupTree for the process 'exit' handler, where nothing asynchronous runs any more. */
function removeCgroupTreeSync(dir: string, deadline: number): void {
  if (!fs.existsSync(dir)) return;
  for (const child of childCgroups(dir)) removeCgroupTreeSync(child, deadline);
  for (;;) {
    try {
      fs.rmdirSync(dir);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || Date.now() > deadline) return;
    }
    sleepSync(50);
  }
}

/**
 * Removes the kubepods levels a node of this process created, deepest first, where empty. One still holding
 * cgroups or tasks is left alone: another node of this process still has pods there (it removes the level
 * when it stops). Returns problems (an empty level that cannot be removed).
 */
function removeOwnedKubepods(hierarchies: string[]): string[] {
  const problems: string[] = [];
  for (const d of KUBEPODS_DIRS) {
    for (const h of hierarchies) {
      const dir = path.join(h, d);
      if (!kubepodsOwnedHere.has(dir) || !fs.existsSync(dir)) continue;
      try {
        fs.rmdirSync(dir);
      } catch (err) {
        if (childCgroups(dir).length === 0 && readPids(dir).length === 0)
          problems.push(`cannot remove cgroup ${dir}: ${(err as Error).message}`);
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------
// The CRI client

let kubeletPackage: grpc.GrpcObject | null = null;

function loadKubeletPackage(): grpc.GrpcObject {
  kubeletPackage ??= grpc.loadPackageDefinition(protoLoader.loadSync(KUBELET_PROTO, CRI_PROTO_LOADER_OPTIONS));
  return kubeletPackage;
}

type ServiceCtor = new (
  address: string,
  credentials: grpc.ChannelCredentials,
  options?: grpc.ChannelOptions
) => grpc.Client;

interface CriClients {
  runtime: grpc.Client;
  image: grpc.Client;
  close(): void;
}

function criClients(socketPath: string): CriClients {
  const v1 = (loadKubeletPackage().runtime as grpc.GrpcObject).v1 as grpc.GrpcObject;
  // Short reconnect backoff: tests stop and restart containerd and expect the channel back within a second.
  const options: grpc.ChannelOptions = {
    'grpc.initial_reconnect_backoff_ms': 100,
    'grpc.max_reconnect_backoff_ms': 1000,
  };
  const address = `unix://${socketPath}`;
  const runtime = new (v1.RuntimeService as unknown as ServiceCtor)(
    address,
    grpc.credentials.createInsecure(),
    options
  );
  const image = new (v1.ImageService as unknown as ServiceCtor)(address, grpc.credentials.createInsecure(), options);
  return {
    runtime,
    image,
    close() {
      runtime.close();
      image.close();
    },
  };
}

export class CriCallError extends Error {
  constructor(
    readonly method: string,
    readonly code: number | undefined,
    details: string
  ) {
    super(`CRI ${method} failed: ${details}`);
  }
}

function unary<T>(client: grpc.Client, method: string, request: object, timeoutMs: number): Promise<T> {
  const fn = (client as unknown as Record<string, unknown>)[method];
  if (typeof fn !== 'function')
    return Promise.reject(new Error(`CRI method ${method} is not declared in kubelet.proto`));
  return new Promise<T>((resolve, reject) => {
    (fn as (...a: unknown[]) => void).call(
      client,
      request,
      { deadline: Date.now() + timeoutMs },
      (err: grpc.ServiceError | null, response: T) => {
        if (err) reject(new CriCallError(method, err.code, err.details || err.message));
        else resolve(response);
      }
    );
  });
}

function defaultOomScoreAdj(qos: QosClass): number {
  if (qos === 'Guaranteed') return -997;
  if (qos === 'BestEffort') return 1000;
  return 999;
}

interface KubeletContext {
  clients: () => CriClients;
  callTimeoutMs: number;
  image: string;
  /** The image's id once the CRI plugin lists it: what kubelet puts in a container's ImageSpec. */
  imageId: () => string | undefined;
  podLogRoot: string;
  /** Registers a pod cgroup parent for cleanup before the runtime creates it. */
  onPodCgroup(cgroupParent: string): void;
  /** Removes a pod cgroup parent in every hierarchy; returns problems. */
  removePodCgroup(cgroupParent: string): Promise<string[]>;
}

function createKubelet(ctx: KubeletContext): Kubelet {
  const call = <T = any>(method: string, request: object, timeoutMs = ctx.callTimeoutMs) =>
    unary<T>(ctx.clients().runtime, method, request, timeoutMs);
  const callImage = <T = any>(method: string, request: object, timeoutMs = ctx.callTimeoutMs) =>
    unary<T>(ctx.clients().image, method, request, timeoutMs);

  const parseInfo = (res: any): any => {
    const raw = res?.info?.info;
    if (typeof raw !== 'string') return {};
    try {
      return JSON.parse(raw);
    } catch {
      return {};
    }
  };
  const containerInfo = async (containerId: string) => {
    const res = await call('ContainerStatus', { container_id: containerId, verbose: true });
    return { status: res.status, info: parseInfo(res) };
  };
  const sandboxInfo = async (sandboxId: string) => {
    const res = await call('PodSandboxStatus', { pod_sandbox_id: sandboxId, verbose: true });
    return { status: res.status, info: parseInfo(res) };
  };

  const removeSandbox = async (sandboxId: string, cgroupParent: string | null): Promise<void> => {
    await call('StopPodSandbox', { pod_sandbox_id: sandboxId });
    await call('RemovePodSandbox', { pod_sandbox_id: sandboxId });
    if (cgroupParent) {
      const problems = await ctx.removePodCgroup(cgroupParent);
      if (problems.length > 0) throw new Error(problems.join('\n'));
    }
  };

  return {
    call,
    callImage,
    containerInfo,
    sandboxInfo,

    async runPod(spec: PodSpec): Promise<RunningPod> {
      const name = spec.name;
      const namespace = spec.namespace ?? 'default';
      const podUid = spec.uid ?? crypto.randomUUID();
      const qosClass = spec.qosClass ?? 'Burstable';
      const hostNetwork = spec.hostNetwork ?? false;
      const cgroupParent = podCgroupParent(qosClass, podUid);
      // What kubelet's generatePodSandboxConfig sends: pid CONTAINER unless hostPID or shareProcessNamespace.
      const namespaceOptions = {
        network: hostNetwork ? 'NODE' : 'POD',
        pid: spec.hostPID ? 'NODE' : spec.shareProcessNamespace ? 'POD' : 'CONTAINER',
        ipc: spec.hostIPC ? 'NODE' : 'POD',
      };
      const logDirectory = path.join(ctx.podLogRoot, `${namespace}_${name}_${podUid}`);
      await fsp.mkdir(logDirectory, { recursive: true });
      const sandboxConfig = {
        metadata: { name, uid: podUid, namespace, attempt: spec.attempt ?? 0 },
        // Kubelet sends no hostname for host-network pods; runc refuses one without a private UTS namespace.
        hostname: hostNetwork ? '' : name,
        log_directory: logDirectory,
        labels: {
          ...spec.labels,
          'io.kubernetes.pod.name': name,
          'io.kubernetes.pod.namespace': namespace,
          'io.kubernetes.pod.uid': podUid,
        },
        annotations: { 'kubernetes.io/config.source': 'api', ...spec.annotations },
        linux: {
          cgroup_parent: cgroupParent,
          security_context: { namespace_options: namespaceOptions, privileged: false },
        },
      };
      ctx.onPodCgroup(cgroupParent);
      const { pod_sandbox_id: sandboxId } = await call<{ pod_sandbox_id: string }>(
        'RunPodSandbox',
        { config: sandboxConfig, runtime_handler: '' },
        ctx.callTimeoutMs * 2
      );
      const { status, info } = await sandboxInfo(sandboxId);
      const sandboxPid = Number(info.pid);
      if (!(sandboxPid > 0))
        throw new Error(`PodSandboxStatus of ${sandboxId} has no pid in info: ${JSON.stringify(info).slice(0, 300)}`);
      return {
        name,
        namespace,
        podUid,
        qosClass,
        sandboxId,
        sandboxPid,
        cgroupParent,
        ip: status?.network?.ip ?? '',
        hostNetwork,
        sandboxConfig,
        containers: [],
      };
    },

    async runContainer(pod: RunningPod, spec: ContainerSpec): Promise<RunningContainer> {
      const r = spec.resources ?? {};
      const memoryLimit = r.memoryLimitBytes ?? 0;
      const attempt = spec.attempt ?? 0;
      await fsp.mkdir(path.join(String(pod.sandboxConfig.log_directory), spec.name), { recursive: true });
      const podNamespaces = ((pod.sandboxConfig.linux as any).security_context as any).namespace_options;
      const config = {
        metadata: { name: spec.name, attempt },
        // As kubelet (1.29+) sends it: the resolved image id, and the name the user wrote beside it.
        image: { image: ctx.imageId() ?? ctx.image, user_specified_image: ctx.image },
        command: spec.command ?? ['sleep', '600'],
        args: spec.args ?? [],
        envs: Object.entries(spec.env ?? {}).map(([key, value]) => ({ key, value })),
        labels: {
          ...spec.labels,
          'io.kubernetes.container.name': spec.name,
          'io.kubernetes.pod.name': pod.name,
          'io.kubernetes.pod.namespace': pod.namespace,
          'io.kubernetes.pod.uid': pod.podUid,
        },
        annotations: { 'io.kubernetes.container.restartCount': String(attempt), ...spec.annotations },
        log_path: `${spec.name}/${attempt}.log`,
        linux: {
          resources: {
            cpu_period: r.cpuPeriod ?? 0,
            cpu_quota: r.cpuQuota ?? 0,
            cpu_shares: r.cpuShares ?? 2,
            memory_limit_in_bytes: memoryLimit,
            memory_swap_limit_in_bytes: r.memorySwapLimitBytes ?? memoryLimit,
            oom_score_adj: r.oomScoreAdj ?? defaultOomScoreAdj(pod.qosClass),
            cpuset_cpus: r.cpusetCpus ?? '',
          },
          security_context: {
            privileged: spec.privileged ?? false,
            namespace_options: { ...podNamespaces },
            capabilities: {
              add_capabilities: spec.addCapabilities ?? [],
              drop_capabilities: spec.dropCapabilities ?? [],
            },
          },
        },
      };
      const { container_id: id } = await call<{ container_id: string }>('CreateContainer', {
        pod_sandbox_id: pod.sandboxId,
        config,
        sandbox_config: pod.sandboxConfig,
      });
      await call('StartContainer', { container_id: id });
      const { status, info } = await containerInfo(id);
      const pid = Number(info.pid);
      if (status?.state !== 'CONTAINER_RUNNING' || !(pid > 0)) {
        throw new Error(
          `container ${spec.name} (${id}) is ${String(status?.state)} after StartContainer (pid ${String(info.pid)}, reason ${String(status?.reason)})`
        );
      }
      const container: RunningContainer = {
        id,
        pid,
        name: spec.name,
        sandboxId: pod.sandboxId,
        podUid: pod.podUid,
        cgroupPath: `${pod.cgroupParent}/${id}`,
      };
      pod.containers.push(container);
      return container;
    },

    async stopContainer(container: RunningContainer, timeoutSeconds = 0): Promise<void> {
      await call(
        'StopContainer',
        { container_id: container.id, timeout: timeoutSeconds },
        ctx.callTimeoutMs + timeoutSeconds * 1000
      );
    },

    async removeContainer(container: RunningContainer): Promise<void> {
      await call('RemoveContainer', { container_id: container.id });
    },

    async removePod(pod: RunningPod): Promise<void> {
      await removeSandbox(pod.sandboxId, pod.cgroupParent);
      pod.containers.length = 0;
    },

    async removeAllPods(): Promise<void> {
      const { items } = await call<{ items: Array<{ id: string; metadata: { uid: string } }> }>('ListPodSandbox', {});
      const problems: string[] = [];
      for (const sandbox of items) {
        // The cgroup parent is not in the list answer; the sandbox config in the verbose status has it.
        let parent: string | null = null;
        try {
          parent = (await sandboxInfo(sandbox.id)).info?.config?.linux?.cgroup_parent ?? null;
        } catch {
          // Removal below still runs; stop() removes every pod cgroup it registered anyway.
        }
        await removeSandbox(sandbox.id, parent).catch((err: Error) => problems.push(err.message));
      }
      if (problems.length > 0) throw new Error(problems.join('\n'));
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Files of the node

function configToml(baseDir: string, image: string, tools: Tools, snapshotter: string): string {
  const q = (s: string) => JSON.stringify(s);
  return `# containerd config of one live-test node; everything lives under ${baseDir}.
version = 2
root = ${q(path.join(baseDir, 'root'))}
state = ${q(path.join(baseDir, 'state'))}
oom_score = 0
# Snapshotters that cannot work here (or would probe kernel modules) stay off.
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs"]

[grpc]
  address = ${q(path.join(baseDir, 'containerd.sock'))}
  uid = 0
  gid = 0

[ttrpc]
  address = ${q(path.join(baseDir, 'containerd.sock.ttrpc'))}

[debug]
  level = "info"

[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = ${q(path.join(baseDir, 'opt'))}

  [plugins."io.containerd.grpc.v1.cri"]
    sandbox_image = ${q(image)}
    # Without it runc fails with "can't get final child's PID from pipe: EOF": kubelet's oom_score_adj for the
    # sandbox needs CAP_SYS_RESOURCE, which this machine's bounding set lacks.
    restrict_oom_score_adj = true
    # Pod netns bind mounts under the state dir instead of /var/run/netns.
    netns_mounts_under_state_dir = true
    disable_apparmor = true
    disable_tcp_service = true
    enable_selinux = false
    stream_server_address = "127.0.0.1"
    stream_server_port = "0"

    [plugins."io.containerd.grpc.v1.cri".containerd]
      snapshotter = ${q(snapshotter)}
      default_runtime_name = "runc"

      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"

        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
          BinaryName = ${q(tools.runc)}
          Root = ${q(path.join(baseDir, 'runc'))}
          SystemdCgroup = false

    [plugins."io.containerd.grpc.v1.cri".cni]
      bin_dir = ${q(CNI_BIN_DIR)}
      conf_dir = ${q(path.join(baseDir, 'cni', 'conf'))}
      max_conf_num = 1
`;
}

function cniConflist(baseDir: string, subnet: string): string {
  return `${JSON.stringify(
    {
      cniVersion: '0.4.0',
      name: 'isoscope-pods',
      plugins: [
        {
          type: 'bridge',
          bridge: 'isobr0',
          // A private L2 segment inside the node's netns: no gateway on the bridge, no default route, no NAT.
          isGateway: false,
          isDefaultGateway: false,
          ipMasq: false,
          hairpinMode: false,
          ipam: { type: 'host-local', ranges: [[{ subnet }]], dataDir: path.join(baseDir, 'cni', 'ipam') },
        },
      ],
    },
    null,
    2
  )}\n`;
}

/** node.sh: runs as the first process of the node's namespaces; covers the hard-coded paths, then holds them. */
function nodeScript(baseDir: string, tools: Tools): string {
  const ipCmd = tools.ip ? `'${tools.ip}'` : `'${tools.busybox}' ip`;
  const covers = COVERED_PATHS.map(({ target, name }) => `cover '${target}' '${name}'`).join('\n');
  return `#!/bin/sh
# The node of a live test (written by test/support/containerd.ts). Runs inside unshare --mount --net.
set -eu
B='${baseDir}'
MOUNT='${tools.mount}'
# cover TARGET NAME: bind-mounts $B/mnt/NAME over TARGET. A TARGET missing on this machine gets its mount
# point inside an overlay of its nearest existing ancestor (upper dir in $B), never on the host's disk.
cover() {
  target=$1
  src=$B/mnt/$2
  mkdir -p "$src"
  if [ ! -d "$target" ]; then
    anc=$(dirname "$target")
    while [ ! -d "$anc" ]; do anc=$(dirname "$anc"); done
    ovl=$B/overlay/$2
    mkdir -p "$ovl/upper" "$ovl/work"
    if ! "$MOUNT" -t overlay "isoscope-$2" -o "lowerdir=$anc,upperdir=$ovl/upper,workdir=$ovl/work" "$anc"; then
      echo "node.sh: no overlay over $anc; creating $target on the host" >&2
    fi
    mkdir -p "$target"
  fi
  "$MOUNT" --bind "$src" "$target"
}
${covers}
${ipCmd} link set lo up
echo $$ > "$B/node.pid.tmp"
mv "$B/node.pid.tmp" "$B/node.pid"
exec '${tools.sleep}' 2147483647
`;
}

/**
 * Builds an OCI image layout by hand (one uncompressed layer with /bin/busybox and applet symlinks, a config
 * with rootfs.diff_ids, a manifest, index.json naming the image) and imports it with ctr into the CRI
 * plugin's namespace.
 */
async function importBusyboxImage(
  tools: Tools,
  baseDir: string,
  socketPath: string,
  image: string,
  snapshotter: string
): Promise<void> {
  const stage = path.join(baseDir, 'image-build');
  const root = path.join(stage, 'rootfs');
  const layout = path.join(stage, 'layout');
  const blobs = path.join(layout, 'blobs', 'sha256');
  await fsp.mkdir(path.join(root, 'bin'), { recursive: true });
  await fsp.mkdir(path.join(root, 'etc'), { recursive: true });
  await fsp.mkdir(path.join(root, 'tmp'), { mode: 0o1777 });
  await fsp.chmod(path.join(root, 'tmp'), 0o1777);
  await fsp.mkdir(blobs, { recursive: true });
  await fsp.copyFile(tools.busybox, path.join(root, 'bin', 'busybox'));
  await fsp.chmod(path.join(root, 'bin', 'busybox'), 0o755);
  const applets = (await run(tools.busybox, ['--list'])).split('\n').map((a) => a.trim());
  for (const applet of new Set([...applets, 'sh', 'sleep', 'cat', 'ip', 'ping'])) {
    if (!applet || applet === 'busybox' || applet.includes('/')) continue;
    await fsp.symlink('busybox', path.join(root, 'bin', applet));
  }
  await fsp.writeFile(
    path.join(root, 'etc', 'passwd'),
    'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n'
  );
  await fsp.writeFile(path.join(root, 'etc', 'group'), 'root:x:0:\nnogroup:x:65534:\n');

  const layerTar = path.join(stage, 'layer.tar');
  await run(tools.tar, ['-C', root, '--numeric-owner', '--owner=0', '--group=0', '-cf', layerTar, '.']);
  const layerBytes = await fsp.readFile(layerTar);
  const sha = (b: Buffer | string) => crypto.createHash('sha256').update(b).digest('hex');
  const writeBlob = async (content: Buffer | string): Promise<{ digest: string; size: number }> => {
    const hex = sha(content);
    await fsp.writeFile(path.join(blobs, hex), content);
    return { digest: `sha256:${hex}`, size: Buffer.byteLength(content) };
  };
  const layer = await writeBlob(layerBytes);
  await fsp.rm(layerTar);
  const architecture =
    ({ x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x' } as Record<string, string>)[
      process.arch
    ] ?? process.arch;
  const config = await writeBlob(
    JSON.stringify({
      architecture,
      os: 'linux',
      // The sandbox ("pause") container runs the image's command; workload containers pass their own.
      config: { Env: ['PATH=/bin'], Cmd: ['/bin/sleep', '2147483647'], WorkingDir: '/' },
      rootfs: { type: 'layers', diff_ids: [layer.digest] },
      history: [{ created_by: 'isoscope test harness: busybox-static' }],
    })
  );
  const manifest = await writeBlob(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }],
    })
  );
  await fsp.writeFile(path.join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await fsp.writeFile(
    path.join(layout, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          ...manifest,
          platform: { architecture, os: 'linux' },
          annotations: { 'io.containerd.image.name': image, 'org.opencontainers.image.ref.name': 'latest' },
        },
      ],
    })
  );
  const imageTar = path.join(stage, 'image.tar');
  await run(tools.tar, ['-C', layout, '-cf', imageTar, 'oci-layout', 'index.json', 'blobs']);
  await run(tools.ctr, [
    '-a',
    socketPath,
    '-n',
    K8S_NAMESPACE,
    'images',
    'import',
    '--snapshotter',
    snapshotter,
    imageTar,
  ]);
  await fsp.rm(stage, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------------------
// startCriNode

export async function startCriNode(options: StartCriNodeOptions = {}): Promise<CriNode> {
  const searchPath = options.searchPath ?? defaultSearchPath();
  const tools = checkPrerequisites(searchPath);
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  const callTimeoutMs = options.callTimeoutMs ?? 30_000;
  const podSubnet = options.podSubnet ?? '10.213.7.0/24';
  const snapshotter = options.snapshotter ?? 'overlayfs';
  const image = CRI_TEST_IMAGE;
  const t0 = Date.now();

  const baseDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'isoscope-engine-containerd-'));
  const socketPath = path.join(baseDir, 'containerd.sock');
  const logFile = path.join(baseDir, 'containerd.log');
  const nodeLog = path.join(baseDir, 'node.log');
  const configFile = path.join(baseDir, 'config.toml');
  const nodeScriptFile = path.join(baseDir, 'node.sh');
  const nodePidFile = path.join(baseDir, 'node.pid');
  const podLogRoot = path.join(baseDir, 'pods');
  // The dir goes into a shell script, a TOML file and overlay mount options unquoted by anything smarter.
  if (!/^[A-Za-z0-9._/-]+$/.test(baseDir) || Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) {
    await fsp.rm(baseDir, { recursive: true, force: true });
    throw new Error(
      `temp dir ${baseDir} is unusable (needs plain characters and a short socket path); set TMPDIR to a short plain dir`
    );
  }

  // Which kubepods cgroups exist before we start: only those created after this are ours to remove.
  const hierarchies = cgroupHierarchies();
  for (const h of hierarchies)
    for (const d of KUBEPODS_DIRS) if (!fs.existsSync(path.join(h, d))) kubepodsOwnedHere.add(path.join(h, d));
  /** Pod cgroup parents (relative to each hierarchy) of pods run through this node, until removed. */
  const podCgroups = new Set<string>();

  await Promise.all(
    ['root', 'state', 'runc', 'opt', 'cni/conf', 'cni/ipam', 'pods'].map((d) =>
      fsp.mkdir(path.join(baseDir, d), { recursive: true })
    )
  );
  await fsp.writeFile(configFile, configToml(baseDir, image, tools, snapshotter));
  await fsp.writeFile(path.join(baseDir, 'cni', 'conf', '10-isoscope.conflist'), cniConflist(baseDir, podSubnet));
  await fsp.writeFile(nodeScriptFile, nodeScript(baseDir, tools), { mode: 0o755 });

  const env: NodeJS.ProcessEnv = { ...process.env, PATH: searchPath.join(':') };
  for (const key of [
    'CONTAINERD_ADDRESS',
    'CONTAINERD_NAMESPACE',
    'CONTAINERD_SNAPSHOTTER',
    'http_proxy',
    'https_proxy',
    'HTTP_PROXY',
    'HTTPS_PROXY',
  ])
    delete env[key];

  // --- the node: unshare → node.sh → sleep, holding the mount and network namespaces
  let nodeChild: ChildProcess | null = null;
  let nodeRun: ExitWatch = { exited: Promise.resolve(), status: () => null };
  let nodePid = 0;
  let containerd: ChildProcess | null = null;
  let containerdRun: ExitWatch = { exited: Promise.resolve(), status: () => null };
  let containerdPid = 0;
  let clients: CriClients | null = null;
  const getClients = () => (clients ??= criClients(socketPath));

  const podPidsNow = (): number[] =>
    [...podCgroups]
      .flatMap((rel) => hierarchies.flatMap((h) => pidsInTree(path.join(h, rel))))
      .filter((p) => p !== process.pid);

  // Last resort if the test process exits without calling stop(): do not leave daemons or pods running, and
  // (synchronously, bounded) not their cgroups and files either.
  const onExit = () => {
    // unshare last, so that it reaps the holder instead of leaving it a zombie.
    const unsharePid = nodeChild?.pid ?? 0;
    const ours = () =>
      [containerdPid, ...processesUnder(baseDir), ...podPidsNow(), nodePid].filter(
        (p) => p > 0 && p !== unsharePid && isAlive(p)
      );
    const deadline = Date.now() + 3000;
    for (let pids = ours(); pids.length > 0 && Date.now() < deadline; pids = ours()) {
      for (const pid of pids) signal(pid, 'SIGKILL');
      sleepSync(50);
    }
    for (let i = 0; unsharePid && isAlive(unsharePid) && i < 20; i++) sleepSync(50);
    if (unsharePid) signal(unsharePid, 'SIGKILL');
    for (const rel of podCgroups) for (const h of hierarchies) removeCgroupTreeSync(path.join(h, rel), deadline + 2000);
    removeOwnedKubepods(hierarchies);
    try {
      fs.rmSync(baseDir, { recursive: true, force: true });
    } catch {
      // Best effort: a process we could not kill may still hold a mount in it.
    }
  };
  process.once('exit', onExit);

  const spawnLogged = (file: string, args: string[], log: string): ChildProcess => {
    const fd = fs.openSync(log, 'a');
    try {
      // Not detached: a Ctrl-C on the test run reaches them too.
      return spawn(file, args, { stdio: ['ignore', fd, fd], env });
    } finally {
      fs.closeSync(fd);
    }
  };

  const startContainerdProcess = () => {
    const child = spawnLogged(
      tools.nsenter,
      ['-t', String(nodePid), '-m', '-n', '--', tools.containerd, '--config', configFile],
      logFile
    );
    containerd = child;
    containerdPid = child.pid ?? 0;
    containerdRun = watchExit(child);
  };

  const waitForCri = async (): Promise<void> => {
    const deadline = Date.now() + startTimeoutMs;
    let last = 'no answer yet';
    for (;;) {
      if (containerdRun.status() !== null) {
        throw new Error(
          `containerd exited (${containerdRun.status()}) before answering CRI Version; last lines of ${logFile}:\n${tailOf(logFile)}`
        );
      }
      try {
        await unary(getClients().runtime, 'Version', { version: 'v1' }, 1000);
        return;
      } catch (err) {
        last = (err as Error).message;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `containerd did not answer CRI Version on ${socketPath} within ${startTimeoutMs} ms (${last}); last lines of ${logFile}:\n${tailOf(logFile)}`
        );
      }
      await sleep(100);
    }
  };

  const killContainerd = async (sig: NodeJS.Signals, graceMs: number): Promise<void> => {
    if (!containerd || containerdRun.status() !== null) return;
    signal(containerdPid, sig);
    if (!(await exitsWithin(containerdRun.exited, graceMs))) {
      signal(containerdPid, 'SIGKILL');
      await containerdRun.exited;
    }
  };

  const removePodCgroup = async (cgroupParent: string): Promise<string[]> => {
    const problems: string[] = [];
    for (const h of hierarchies) await removeCgroupTree(path.join(h, cgroupParent), problems);
    if (problems.length === 0) podCgroups.delete(cgroupParent);
    return problems;
  };

  let imageId: string | undefined;
  const kubelet = createKubelet({
    clients: getClients,
    callTimeoutMs,
    image,
    imageId: () => imageId,
    podLogRoot,
    onPodCgroup: (p) => podCgroups.add(p),
    removePodCgroup,
  });

  const nsenterArgs = () => ['-t', String(nodePid), '-m', '-n', '--'];

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      const problems: string[] = [];
      // 1. Pods, the way kubelet removes them, while containerd is up (it unmounts rootfs and removes the
      //    container cgroups); whatever is left after that is killed below.
      if (containerd && containerdRun.status() === null) {
        await kubelet.removeAllPods().catch((err: Error) => problems.push(`removing pods: ${err.message}`));
      }
      clients?.close();
      clients = null;
      // 2. containerd, then its shims (their -address names baseDir), then whatever our pod cgroups still hold.
      await killContainerd('SIGTERM', 10_000);
      for (const pid of processesUnder(baseDir)) if (pid !== nodeChild?.pid) await terminatePid(pid, 5000);
      for (const pid of podPidsNow()) signal(pid, 'SIGKILL');
      // 3. The node: killing the holder ends unshare; the namespaces and every mount inside them go with
      //    the last process in them.
      //    unshare exits by itself once it has reaped the holder (killing it first would leave the holder a
      //    zombie of PID 1, which here reaps nothing).
      if (nodePid) signal(nodePid, 'SIGKILL');
      if (nodeChild && nodeRun.status() === null && !(await exitsWithin(nodeRun.exited, 5000))) {
        signal(nodeChild.pid!, 'SIGKILL');
        await nodeRun.exited;
      }
      if (nodePid) await waitForExit(nodePid, 5000);
      for (const pid of processesUnder(baseDir)) {
        signal(pid, 'SIGKILL');
        if (!(await waitForExit(pid, 5000))) problems.push(`process ${pid} (${cmdlineOf(pid)}) did not exit`);
      }
      // 4. Cgroups: the pod cgroups (containerd never removes them), then kubepods levels we created.
      for (const rel of [...podCgroups]) problems.push(...(await removePodCgroup(rel)));
      problems.push(...removeOwnedKubepods(hierarchies));
      // 5. Mounts visible from here (none expected: everything was mounted inside the private namespace).
      await unmountUnder(baseDir, tools.umount, problems);
      process.removeListener('exit', onExit);
      await fsp
        .rm(baseDir, { recursive: true, force: true, maxRetries: 3 })
        .catch((err: Error) => problems.push(err.message));
      if (fs.existsSync(baseDir)) problems.push(`${baseDir} still exists`);
      if (problems.length > 0) throw new Error(`CRI node cleanup problems:\n${problems.join('\n')}`);
    })();
    return stopping;
  };

  try {
    const child = spawnLogged(
      tools.unshare,
      ['--mount', '--net', '--propagation', 'private', '--fork', '--kill-child', '--', tools.sh, nodeScriptFile],
      nodeLog
    );
    nodeChild = child;
    nodeRun = watchExit(child);
    const nodeDeadline = Date.now() + startTimeoutMs;
    while (!nodePid) {
      if (nodeRun.status() !== null)
        throw new Error(`the node (unshare + node.sh) exited (${nodeRun.status()}); ${nodeLog}:\n${tailOf(nodeLog)}`);
      try {
        const pid = Number(fs.readFileSync(nodePidFile, 'utf8').trim());
        if (pid > 0 && isAlive(pid)) nodePid = pid;
      } catch {
        // Not written yet.
      }
      if (!nodePid && Date.now() > nodeDeadline)
        throw new Error(`the node did not come up within ${startTimeoutMs} ms; ${nodeLog}:\n${tailOf(nodeLog)}`);
      if (!nodePid) await sleep(20);
    }
    const nodeReadyMs = Date.now() - t0;

    const t1 = Date.now();
    startContainerdProcess();
    await waitForCri();
    const containerdReadyMs = Date.now() - t1;

    const t2 = Date.now();
    await importBusyboxImage(tools, baseDir, socketPath, image, snapshotter);
    // The CRI plugin learns about images imported behind its back from containerd's events: wait for it.
    const imageDeadline = Date.now() + startTimeoutMs;
    for (;;) {
      const { images } = await kubelet.callImage<{ images: Array<{ id: string; repo_tags: string[] }> }>(
        'ListImages',
        {}
      );
      imageId = images.find((i) => i.repo_tags.includes(image))?.id;
      if (imageId !== undefined) break;
      if (Date.now() > imageDeadline)
        throw new Error(
          `the CRI plugin does not list ${image} after the import; last lines of ${logFile}:\n${tailOf(logFile)}`
        );
      await sleep(100);
    }
    const imageImportMs = Date.now() - t2;

    return {
      socketPath,
      baseDir,
      get containerdPid() {
        return containerdPid;
      },
      nodePid,
      image,
      podSubnet,
      logFile,
      timings: { nodeReadyMs, containerdReadyMs, imageImportMs, totalMs: Date.now() - t0 },
      kubelet,
      nodeExec: (cmd: string[]) => run(tools.nsenter, [...nsenterArgs(), ...cmd], env),
      async stopContainerd() {
        await killContainerd('SIGKILL', 5000);
      },
      async restartContainerd() {
        if (stopping) throw new Error('the CRI node is stopped');
        if (containerdRun.status() === null) return;
        startContainerdProcess();
        await waitForCri();
      },
      stop,
    };
  } catch (err) {
    // The error above carries the log tails; now leave nothing behind.
    await stop().catch(() => undefined);
    throw err;
  }
}
