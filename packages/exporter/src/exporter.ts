import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { METRICS, RUNTIMES, type CollectorName } from '@isoscope/shared';
import { procsFile } from './cgroup/hierarchy';
import { discoverContainers } from './cgroup/discovery';
import { COLLECTOR_REGISTRY } from './collectors';
import { ByteCollector, type Exposition, type ExpositionSink } from './exposition';
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

/** A request for a scrape's exposition: where its bytes go, and how it ends. */
export interface ScrapeRequest extends ExpositionSink {
  /** The first bytes are about to come (send the status line and headers). */
  begin(): void;
  end(): void;
  /** The scrape failed; `begin` was called if some bytes went out already. */
  fail(err: Error): void;
}

/** Health is reported for every collector and for discovery, the step every scrape starts with. */
const DISCOVERY = 'discovery';

/**
 * One scrape: find the containers, ask the runtime for their names once (batched), then run every enabled
 * collector on every container, yielding to the event loop between containers so /healthz never waits.
 * Requests that arrive while a scrape collects share it and its exposition.
 */
export class Exporter {
  /** Requests waiting for the next scrape, and whether one is running. */
  private queued: Array<{ request: ScrapeRequest; settled: () => void }> = [];
  private busy = false;
  private readonly collectors: Collector[];
  /** Cumulative read errors per collector, for the isoscope_read_errors_total counter. */
  private readonly readErrorTotals = new Map<string, number>();
  /** The samples of served scrapes, reused (see SampleBuffer). */
  private readonly served = new SampleBuffer();

  constructor(private readonly config: ExporterConfig) {
    this.collectors = [...config.collectors].map((name) => COLLECTOR_REGISTRY[name]);
  }

  /**
   * Serve a fresh scrape to `request`, streamed as it is rendered. Requests that arrive while a scrape is
   * collecting share it; one that arrives while it is already sending gets the next one, which starts
   * as soon as this one is out. Resolves when the request has ended or failed.
   */
  serve(request: ScrapeRequest): Promise<void> {
    return new Promise((settled) => {
      this.queued.push({ request, settled });
      this.next();
    });
  }

  /** The exposition of a fresh scrape in one buffer (tests, tools); shares a scrape like `serve`. */
  async scrape(): Promise<Buffer> {
    const bytes = new ByteCollector();
    let failure: Error | undefined;
    await this.serve({
      begin: () => {},
      write: (chunk, done) => bytes.write(chunk, done),
      end: () => {},
      fail: (err) => (failure = err),
    });
    if (failure) throw failure;
    return bytes.all();
  }

  private next(): void {
    if (this.busy || this.queued.length === 0) return;
    this.busy = true;
    void this.serveQueued().finally(() => {
      this.busy = false;
      this.next();
    });
  }

  private async serveQueued(): Promise<void> {
    let batch: typeof this.queued = [];
    try {
      const samples = await this.run(this.served);
      // Everyone who asked before the first byte goes out shares this scrape.
      batch = this.queued;
      this.queued = [];
      for (const { request } of batch) request.begin();
      await this.config.exposition.stream(samples, batch.map((b) => b.request));
      for (const { request } of batch) request.end();
    } catch (err) {
      if (batch.length === 0) {
        batch = this.queued;
        this.queued = [];
      }
      for (const { request } of batch) request.fail(err as Error);
    } finally {
      for (const { settled } of batch) settled();
    }
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
