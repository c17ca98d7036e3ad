import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { METRICS, RUNTIMES, type CollectorName } from '@isoscope/shared';
import { procsFile } from './cgroup/hierarchy';
import { discoverContainers } from './cgroup/discovery';
import { COLLECTOR_REGISTRY } from './collectors';
import type { Exposed, Exposition } from './exposition';
import type { Collector, Environment, Sample } from './scrape/scrape';
import type { ReadAhead } from './scrape/readAhead';
import { SampleBuffer, Scrape } from './scrape/scrape';
import { makeTarget, parseProcs, type Target } from './scrape/target';
import type { ContainerMetadata } from './types';

/** Where names, images and Kubernetes labels come from (the Docker/Podman API, or nothing). */
export interface MetadataSource {
  lookup(containerIds: string[]): Promise<Map<string, ContainerMetadata>>;
}

export interface ExporterConfig {
  env: Environment;
  collectors: ReadonlySet<CollectorName>;
  exposition: Exposition;
  metadata?: MetadataSource;
  /** A thread that reads each scrape's files ahead of the collectors; without it they read on demand. */
  readAhead?: ReadAhead;
}

/** Health is reported for every collector and for discovery, the step every scrape starts with. */
const DISCOVERY = 'discovery';

/**
 * One scrape: find the containers, ask the runtime for their names once (batched), then run every enabled
 * collector on every container, yielding to the event loop between containers so /healthz never waits.
 * Concurrent scrapes share one collection and one rendered exposition.
 */
export class Exporter {
  private inflight: Promise<Buffer> | undefined;
  private readonly collectors: Collector[];
  /** Cumulative read errors per collector, for the isoscope_read_errors_total counter. */
  private readonly readErrorTotals = new Map<string, number>();
  /** The samples of served scrapes, reused (see SampleBuffer). */
  private readonly served = new SampleBuffer();

  constructor(private readonly config: ExporterConfig) {
    this.collectors = [...config.collectors].map((name) => COLLECTOR_REGISTRY[name]);
  }

  /**
   * The exposition of a fresh scrape (UTF-8 text); callers arriving during one get its result. Each caller
   * holds the body until it calls `release` (when its response has gone out): the next scrape renders into
   * the same buffer unless a response still sends from it.
   */
  async scrape(): Promise<Exposed> {
    if (!this.inflight) {
      this.inflight = this.run(this.served)
        .then((samples) => this.config.exposition.render(samples))
        .finally(() => {
          this.inflight = undefined;
        });
    }
    return this.config.exposition.hold(await this.inflight);
  }

  /** Every sample of one scrape, container series and the exporter's own health, in objects of their own. */
  async collect(): Promise<Sample[]> {
    const samples = await this.run(new SampleBuffer());
    return samples.toSamples().filter((s) => !s.target?.vanished);
  }

  /**
   * One scrape into `samples`. Samples of a container that vanished during the scrape are left in: they
   * are dropped on the way out (its target says `vanished`).
   */
  private async run(samples: SampleBuffer): Promise<SampleBuffer> {
    const { env } = this.config;
    samples.clear();
    const durations = new Map<string, number>();
    const failed = new Set<string>();
    const timed = <T>(name: string, fn: () => T): T | undefined => {
      const start = process.hrtime.bigint();
      try {
        return fn();
      } catch (err) {
        failed.add(name);
        env.log.error('collector failed', { collector: name, err: (err as Error).stack ?? String(err) });
        return undefined;
      } finally {
        durations.set(name, (durations.get(name) ?? 0) + Number(process.hrtime.bigint() - start) / 1e9);
      }
    };

    // The read-ahead starts on the files the last scrape read while discovery runs.
    const reads = this.config.readAhead?.begin();
    const discoveryStart = process.hrtime.bigint();
    const targets = await this.discover().catch((err) => {
      failed.add(DISCOVERY);
      env.log.error('container discovery failed', { err: (err as Error).message });
      return [] as Target[];
    });
    durations.set(DISCOVERY, Number(process.hrtime.bigint() - discoveryStart) / 1e9);

    const scrape = new Scrape(env, targets, reads, samples);
    for (const target of targets) {
      timed(DISCOVERY, () => this.readPids(scrape, target));
      for (const c of this.collectors) {
        if (c.collect && !target.vanished) timed(c.name, () => c.collect!(scrape, target));
      }
      await yieldToEventLoop();
    }
    for (const c of this.collectors) if (c.finish) timed(c.name, () => c.finish!(scrape));
    env.processes.prune();
    reads?.end(scrape.live());

    for (const [collector, n] of scrape.errors.counts) {
      this.readErrorTotals.set(collector, (this.readErrorTotals.get(collector) ?? 0) + n);
    }
    this.healthSamples(samples, scrape.live(), durations, failed);
    return samples;
  }

  private async discover(): Promise<Target[]> {
    const { hierarchy } = this.config.env;
    const cgroups = await discoverContainers(hierarchy);
    const metadata = this.config.metadata
      ? await this.config.metadata.lookup(cgroups.map((c) => c.containerId))
      : new Map<string, ContainerMetadata>();
    // Discovery walks a hierarchy that has cgroup.procs, so every container it found has one.
    return cgroups.map((c) => makeTarget(c, metadata.get(c.containerId) ?? {}, procsFile(hierarchy, c.path)!));
  }

  /**
   * cgroup.procs of a container, just before its collectors run: its processes, and the one whose /proc
   * stands for it. Collectors use only their own container's pids; those that look across containers do so
   * in `finish`, when every container's are known.
   */
  private readPids(scrape: Scrape, t: Target): void {
    const text = scrape.reader(DISCOVERY, t).read(t.procsFile);
    t.pids = text === undefined ? [] : parseProcs(text);
    t.pid = t.pids[0];
  }

  private healthSamples(samples: SampleBuffer, live: Target[], durations: Map<string, number>, failed: Set<string>): void {
    const push = (family: Sample['family'], value: number, labels: Record<string, string>) =>
      samples.push(family, value, undefined, undefined, labels);
    for (const name of [DISCOVERY, ...this.collectors.map((c) => c.name)]) {
      push(METRICS.scrapeCollectorDuration, durations.get(name) ?? 0, { collector: name });
      push(METRICS.scrapeCollectorSuccess, failed.has(name) ? 0 : 1, { collector: name });
      push(METRICS.readErrors, this.readErrorTotals.get(name) ?? 0, { collector: name });
    }
    for (const runtime of RUNTIMES) {
      push(METRICS.containers, live.filter((t) => t.cgroup.runtime === runtime).length, { runtime });
    }
  }
}
