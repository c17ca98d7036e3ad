import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type http from 'node:http';
import { METRICS } from '@isoscope/shared';
import { detectHierarchy } from './cgroup/hierarchy';
import { Exporter } from './exporter';
import { Exposition } from './exposition/exposition';
import { readPseudoFile } from './files/pseudoFile';
import type { Options } from './flags';
import { parseDuration, parseListenAddress, parseRuntimeLabels } from './flags';
import { HeapBound } from './heapBound';
import { readHostFacts } from './host';
import { startServer } from './http/server';
import type { Logger } from './log/logger';
import { ownCpuLimit } from './cgroup/cpuLimit';
import { resolveHostReference } from './procfs/reference';
import { parseMountinfo } from './parsers/mountinfo';
import { parseBootTime } from './parsers/procStat';
import { DockerMetadataSource } from './runtime/docker';
import { CRI_SOCKETS, CriMetadataSource, detectCriSocket } from './runtime/cri/source';
import { RuntimeLabels } from './runtime/labels';
import { RuntimeMetadata, type RuntimeMetadataSource } from './runtime/source';
import { ProcessCache } from './scrape/processCache';
import { ReadAhead } from './scrape/readAhead';
import type { Environment } from './scrape/scrape';
import { VERSION } from './version';

/**
 * Facts read once at start: where the cgroup hierarchies are, the host's namespaces and the boot time.
 * A host without any cgroup mount cannot be served: that throws, and the CLI exits non-zero.
 */
export function loadEnvironment(
  options: Pick<Options, 'procfs' | 'sysfs' | 'namespaceReference'>,
  log: Logger
): Environment {
  const mountinfoPath = join(options.procfs, 'self', 'mountinfo');
  let mountinfo: string;
  try {
    mountinfo = readPseudoFile(mountinfoPath);
  } catch (err) {
    throw new Error(
      `cannot read ${mountinfoPath} (is --path.procfs a procfs?): ${(err as NodeJS.ErrnoException).code ?? err}`
    );
  }
  const hierarchy = detectHierarchy(parseMountinfo(mountinfo), options.sysfs);
  const reference = resolveHostReference(options.procfs, options.namespaceReference, log);
  let bootTime: number | undefined;
  try {
    bootTime = parseBootTime(readPseudoFile(join(options.procfs, 'stat')));
  } catch (err) {
    log.warn('cannot read boot time; container start times will come from the runtime only', {
      err: (err as Error).message,
    });
  }
  log.info('cgroup hierarchy', {
    mode: hierarchy.mode,
    unified: hierarchy.unified ?? 'none',
    v1_controllers: [...hierarchy.v1.keys()].sort().join(','),
    namespace_reference: reference.source,
  });
  return { procfs: options.procfs, hierarchy, reference, bootTime, log, processes: new ProcessCache() };
}

export interface RunningExporter {
  exporter: Exporter;
  server: http.Server;
  close(): Promise<void>;
}

/** Everything `isoscope-exporter` does: load the environment, set the static facts, serve. */
export async function runExporter(options: Options, log: Logger): Promise<RunningExporter> {
  // First, so a wrong file stops the start before anything else runs (the CLI exits 2 on a WebConfigError).
  // Loaded only when asked for: its YAML and bcrypt libraries stay out of memory otherwise.
  const webConfig =
    options.webConfigFile === ''
      ? undefined
      : new (await import('./http/webConfigFile')).WebConfigFile(options.webConfigFile, log);
  const env = loadEnvironment(options, log);
  const exposition = new Exposition(options.collectors);
  const host = await readHostFacts(log, options.sysfs);
  exposition.setStatic(METRICS.machineCpuCores, host.cpuCores);
  if (host.cpuPhysicalCores !== undefined) exposition.setStatic(METRICS.machineCpuPhysicalCores, host.cpuPhysicalCores);
  if (host.cpuSockets !== undefined) exposition.setStatic(METRICS.machineCpuSockets, host.cpuSockets);
  exposition.setStatic(METRICS.machineMemoryBytes, host.memoryBytes);
  if (host.swapBytes !== undefined) exposition.setStatic(METRICS.machineSwapBytes, host.swapBytes);
  exposition.setStatic(METRICS.hostInfo, 1, { kernel: host.kernel, os: host.os, cgroup_mode: env.hierarchy.mode });
  exposition.setStatic(METRICS.buildInfo, 1, { version: VERSION, nodeversion: process.version });
  exposition.setStatic(METRICS.namespaceReferenceInfo, 1, { source: env.reference.source });

  const metadata = metadataSources(options, log);
  const cpus = availableParallelism();
  const cpuLimit = ownCpuLimit();
  const readAhead = wantReadAhead(options.readAhead, cpus, cpuLimit) ? new ReadAhead(log) : undefined;
  log.info('read-ahead', { thread: readAhead ? 'on' : 'off', cpus, cpu_limit: cpuLimit ?? 'none' });
  const deadlines = {
    timeoutSeconds: parseDuration(options.scrapeTimeout, 'scrape.timeout'),
    offsetSeconds: parseDuration(options.scrapeTimeoutOffset, 'scrape.timeout-offset'),
  };
  const exporter = new Exporter({ env, collectors: options.collectors, exposition, metadata, readAhead, deadlines });
  const heapBound = new HeapBound();
  const server = await startServer({
    ...parseListenAddress(options.listenAddress),
    telemetryPath: options.telemetryPath,
    webConfig,
    maxRequests: options.maxRequests,
    // Checked on the next turn of the event loop, once the exporter has started the next scrape if one is
    // waiting, and only after a scrape that served one request: a full GC never holds up a waiting request,
    // nor concurrent scrapers (and /healthz) whose next requests are on their way.
    serve: (request) =>
      exporter
        .serve(request)
        .finally(() => setImmediate(() => exporter.idle && exporter.lastBatchSize === 1 && heapBound.afterScrape())),
    contentType: exposition.contentType,
    log,
    version: VERSION,
  });
  return {
    exporter,
    server,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await readAhead?.close();
    },
  };
}

/**
 * The runtime APIs names come from: Docker's (unless --docker.socket is empty) and the CRI's (the socket
 * given, or the one found under --path.rootfs), each keeping the runtime labels --runtime.labels allows.
 */
export function metadataSources(
  options: Pick<Options, 'dockerSocket' | 'criSocket' | 'rootfs' | 'runtimeLabels'>,
  log: Logger
): RuntimeMetadata {
  const runtimeLog = (level: 'debug' | 'info' | 'warn', msg: string, fields?: Record<string, unknown>) =>
    log[level](msg, fields);
  const labels = new RuntimeLabels(parseRuntimeLabels(options.runtimeLabels));
  const sources: RuntimeMetadataSource[] = [];
  if (options.dockerSocket !== '')
    sources.push(new DockerMetadataSource({ socketPath: options.dockerSocket, log: runtimeLog, labels }));
  const criSocket = options.criSocket === 'auto' ? detectCriSocket(options.rootfs) : options.criSocket || undefined;
  if (criSocket !== undefined) sources.push(new CriMetadataSource({ socketPath: criSocket, log: runtimeLog, labels }));
  log.info('metadata sources', {
    docker: options.dockerSocket || 'off',
    cri:
      criSocket ??
      (options.criSocket === 'auto' ? `none found (${CRI_SOCKETS.join(', ')} under ${options.rootfs})` : 'off'),
    runtime_labels: labels.keys.join(',') || 'none',
  });
  return new RuntimeMetadata(sources);
}

/**
 * auto: a second thread helps only where a second CPU can run it — more than one CPU, and a CPU limit on
 * the exporter's cgroup (if any) of more than one CPU's time.
 */
export function wantReadAhead(choice: Options['readAhead'], cpus: number, cpuLimit: number | undefined): boolean {
  return choice === 'on' || (choice === 'auto' && Math.min(cpus, cpuLimit ?? Infinity) > 1);
}
