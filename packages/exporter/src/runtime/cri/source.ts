import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerMetadata, PodSpec } from '../metadata';
import { MetadataCache, type RuntimeLogFn } from '../cache';
import type { RuntimeLabels } from '../labels';
import type { RuntimeMetadataSource } from '../source';
import { fetchCri } from './fetchProgram';
import { criMetadata, podSpecOf } from './mapping';
import type { CriImage, CriVersion } from './messages';

/**
 * Container metadata from the node's CRI runtime (containerd, CRI-O): what kubelet told it about every pod
 * and container. One refresh is ListPodSandbox, ListContainers and ListImages at once, and PodSandboxStatus
 * for each sandbox not seen before (a pod's namespace options never change), made by a short-lived child
 * process (fetchProgram.ts). Every call of a refresh shares one deadline, so a hung runtime costs a scrape
 * at most `timeoutMs`. Never the stats calls: the cgroups are read directly.
 */

export interface CriMetadataSourceOptions {
  socketPath: string;
  log: RuntimeLogFn;
  /** Minimum time between two refreshes, in ms (default 5000). */
  minRefreshIntervalMs?: number;
  /** Age after which the lists are fetched again even if they know every container, in ms (default 60000). */
  maxAgeMs?: number;
  /** Deadline of one whole refresh, child process included, in ms (default 3000). */
  timeoutMs?: number;
  /** The runtime labels to keep, of pods and containers (`--runtime.labels`); default none. */
  labels?: RuntimeLabels;
}

/** Sockets of the CRI runtimes, relative to the host's root, in the order they are tried. */
export const CRI_SOCKETS = [
  'run/containerd/containerd.sock',
  'var/run/containerd/containerd.sock',
  'run/crio/crio.sock',
  'var/run/crio/crio.sock',
] as const;

/** The first CRI socket under `rootfs` (`--path.rootfs`) that exists and is a socket. */
export function detectCriSocket(rootfs: string): string | undefined {
  for (const rel of CRI_SOCKETS) {
    const path = join(rootfs, rel);
    try {
      if (statSync(path).isSocket()) return path;
    } catch {
      // Not this runtime.
    }
  }
  return undefined;
}

export class CriMetadataSource implements RuntimeMetadataSource {
  readonly source = 'cri' as const;
  private readonly cache: MetadataCache;
  private readonly timeoutMs: number;
  private specs = new Map<string, PodSpec>();
  private images = new Map<string, CriImage>();
  private runtime: CriVersion | undefined;

  constructor(private readonly opts: CriMetadataSourceOptions) {
    this.timeoutMs = opts.timeoutMs ?? 3000;
    this.cache = new MetadataCache({
      fetch: () => this.fetch(),
      what: 'cri: runtime service',
      fields: () => ({
        socketPath: opts.socketPath,
        ...(this.runtime ? { runtime: this.runtime.runtime_name, runtime_version: this.runtime.runtime_version } : {}),
      }),
      log: opts.log,
      minRefreshIntervalMs: opts.minRefreshIntervalMs ?? 5000,
      maxAgeMs: opts.maxAgeMs ?? 60_000,
    });
  }

  lookup(containerIds: readonly string[]): Promise<Map<string, ContainerMetadata>> {
    return this.cache.lookup(containerIds);
  }

  up(): boolean | undefined {
    return this.cache.up();
  }

  private async fetch(): Promise<Map<string, ContainerMetadata>> {
    const answers = await fetchCri(this.opts.socketPath, Date.now() + this.timeoutMs, this.specs.keys());
    this.runtime = answers.version;
    const specs = new Map<string, PodSpec>();
    for (const s of answers.sandboxes) {
      const known = this.specs.get(s.id);
      const status = answers.statuses[s.id];
      if (known) specs.set(s.id, known);
      else if (status) specs.set(s.id, podSpecOf(status));
      // A sandbox whose status failed keeps its names; what it asked for waits for the next refresh.
      else if (status === null) this.opts.log('debug', 'cri: PodSandboxStatus failed', { sandbox: s.id });
    }
    this.specs = specs;
    if (answers.images) this.images = new Map(answers.images.map((i) => [i.id, i]));
    else this.opts.log('debug', 'cri: ListImages failed; images by id');
    return criMetadata({
      sandboxes: answers.sandboxes,
      containers: answers.containers,
      images: this.images,
      specs,
      labels: this.opts.labels,
    });
  }
}
