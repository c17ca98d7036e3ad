import type { MetadataSourceName, Runtime } from '@isoscope/shared';
import type { ContainerMetadata } from './metadata';

/** One runtime API the exporter asks for names, images and Kubernetes labels. */
export interface RuntimeMetadataSource {
  readonly source: MetadataSourceName;
  /**
   * Metadata of the given container ids; ids the runtime does not know are absent. Never throws, and never
   * takes much longer than the source's deadline.
   */
  lookup(containerIds: readonly string[]): Promise<Map<string, ContainerMetadata>>;
  /** Whether the last call to the runtime succeeded; undefined before the first. */
  up(): boolean | undefined;
}

/** What a source is asked about a container: which runtime runs it, and its id (both from its cgroup path). */
export interface ContainerRef {
  runtime: Runtime;
  containerId: string;
}

/** Where a scrape gets metadata from: every configured source, each asked about the containers it runs. */
export interface MetadataSource {
  lookup(containers: readonly ContainerRef[]): Promise<Map<string, ContainerMetadata>>;
  /** Configured sources and whether each is up, for isoscope_metadata_source_up. */
  health(): Array<{ source: MetadataSourceName; up: boolean }>;
}

/** Which source answers for a runtime: the CRI for Kubernetes runtimes, Docker's API for Docker and Podman. */
const SOURCE_OF: Record<Runtime, MetadataSourceName> = {
  docker: 'docker',
  podman: 'docker',
  containerd: 'cri',
  'cri-o': 'cri',
};

/**
 * The sources of one exporter. A container goes to the source of its runtime; without a CRI source,
 * containerd and CRI-O paths go to the Docker API too, since kubelet's cgroupfs layout gives a bare id for
 * Docker-run pods (cri-dockerd) as well.
 */
export class RuntimeMetadata implements MetadataSource {
  private readonly bySource = new Map<MetadataSourceName, RuntimeMetadataSource>();

  constructor(sources: readonly RuntimeMetadataSource[]) {
    for (const s of sources) this.bySource.set(s.source, s);
  }

  async lookup(containers: readonly ContainerRef[]): Promise<Map<string, ContainerMetadata>> {
    const ids = new Map<RuntimeMetadataSource, string[]>();
    for (const s of this.bySource.values()) ids.set(s, []);
    for (const c of containers) {
      const source = this.bySource.get(SOURCE_OF[c.runtime]) ?? this.bySource.get('docker');
      if (source) ids.get(source)!.push(c.containerId);
    }
    // Every source is asked every scrape, with no ids if need be: that is when it refreshes a stale cache and
    // learns whether it is up.
    const answers = await Promise.all([...ids].map(([source, list]) => source.lookup(list)));
    const out = new Map<string, ContainerMetadata>();
    for (const answer of answers) for (const [id, md] of answer) out.set(id, md);
    return out;
  }

  health(): Array<{ source: MetadataSourceName; up: boolean }> {
    return [...this.bySource.values()].map((s) => ({ source: s.source, up: s.up() === true }));
  }
}
