import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerMetadata, PodSpec } from '../../types';
import { errorMessage, MetadataCache, type RuntimeLogFn } from '../cache';
import type { RuntimeMetadataSource } from '../source';
import { CriClient } from './client';
import { criMetadata, needsImageList, podSpecOf } from './mapping';
import type { CriImage, CriVersion } from './messages';

/**
 * Container metadata from the node's CRI runtime (containerd, CRI-O): what kubelet told it about every pod
 * and container. One refresh is ListPodSandbox + ListContainers at once, then PodSandboxStatus for each
 * sandbox not seen before (a pod's namespace options never change) and ListImages only when some image is
 * known by id alone. Every call of a refresh shares one deadline, so a hung runtime costs a scrape at most
 * `timeoutMs`. Never the stats calls: the cgroups are read directly.
 */

export interface CriMetadataSourceOptions {
  socketPath: string;
  log: RuntimeLogFn;
  /** Minimum time between two refreshes, in ms (default 5000). */
  minRefreshIntervalMs?: number;
  /** Age after which the lists are fetched again even if they know every container, in ms (default 60000). */
  maxAgeMs?: number;
  /** Deadline of one whole refresh, in ms (default 2000). */
  timeoutMs?: number;
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
  private readonly client: CriClient;
  private readonly cache: MetadataCache;
  private readonly timeoutMs: number;
  private specs = new Map<string, PodSpec>();
  private images = new Map<string, CriImage>();
  private runtime: CriVersion | undefined;

  constructor(private readonly opts: CriMetadataSourceOptions) {
    this.client = new CriClient(opts.socketPath);
    this.timeoutMs = opts.timeoutMs ?? 2000;
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

  close(): void {
    this.client.close();
  }

  private async fetch(): Promise<Map<string, ContainerMetadata>> {
    const deadline = Date.now() + this.timeoutMs;
    const [runtime, sandboxes, containers] = await Promise.all([
      this.runtime ?? this.client.version(deadline),
      this.client.listPodSandbox(deadline),
      this.client.listContainers(deadline),
    ]);
    this.runtime = runtime;

    const specs = new Map<string, PodSpec>();
    const unknown: string[] = [];
    for (const s of sandboxes) {
      const known = this.specs.get(s.id);
      if (known) specs.set(s.id, known);
      else unknown.push(s.id);
    }
    // A sandbox whose status fails keeps its names; only what it asked for is missing until the next refresh.
    await Promise.all(
      unknown.map((id) =>
        this.client.podSandboxStatus(id, deadline).then(
          (status) => {
            if (status) specs.set(id, podSpecOf(status));
          },
          (err) => this.opts.log('debug', 'cri: PodSandboxStatus failed', { sandbox: id, error: errorMessage(err) }),
        ),
      ),
    );
    this.specs = specs;

    if (needsImageList(containers)) {
      try {
        this.images = new Map((await this.client.listImages(deadline)).map((i) => [i.id, i]));
      } catch (err) {
        this.opts.log('debug', 'cri: ListImages failed; images by id', { error: errorMessage(err) });
      }
    }
    return criMetadata({ sandboxes, containers, images: this.images, specs });
  }
}
