import { join } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { METRICS, RUNTIMES, type CollectorName } from '@isoscope/shared';
import { procsFile } from './cgroup/hierarchy';
import { discoverContainers, KnownPaths, type ContainerCgroup } from './cgroup/discovery';
import { COLLECTOR_REGISTRY } from './collectors';
import { CollectorHealth, CollectorSteps, type Collector, type Step } from './collectors/collector';
import type { Exposition } from './exposition/exposition';
import { ByteCollector, type ScrapeRequest } from './exposition/sink';
import type { ContainerMetadata } from './runtime/metadata';
import type { MetadataSource } from './runtime/source';
import type { ReadAhead } from './scrape/readAhead';
import { SampleBuffer, type Sample } from './scrape/samples';
import { Scrape, type Environment } from './scrape/scrape';
import { KnownTargets, MACHINE_PATH, makeMachineTarget, NO_METADATA, parseProcs, type Target } from './scrape/target';

export interface ExporterConfig {
  env: Environment;
  collectors: ReadonlySet<CollectorName>;
  exposition: Exposition;
  /** Where names, images and Kubernetes labels come from (runtime APIs); without it, ids only. */
  metadata?: MetadataSource;
  /** A thread that reads each scrape's files ahead of the collectors; without it they read on demand. */
  readAhead?: ReadAhead;
  /** How long a scrape may collect: see ScrapeDeadlines (default: DEFAULT_DEADLINES). */
  deadlines?: ScrapeDeadlines;
  /** Milliseconds on a monotonic clock (tests move it by hand). */
  clock?: () => number;
}

/**
 * How long a scrape may take, as blackbox_exporter has it: Prometheus sends its scrape timeout in
 * `X-Prometheus-Scrape-Timeout-Seconds`; a scrape collects for that long less `offsetSeconds` (the time left
 * to send the answer; half the header's time when the offset would leave none), and never longer than
 * `timeoutSeconds`, which is also the time of a request without the header (`--scrape.timeout`,
 * `--scrape.timeout-offset`).
 */
export interface ScrapeDeadlines {
  timeoutSeconds: number;
  offsetSeconds: number;
}

export const DEFAULT_DEADLINES: ScrapeDeadlines = { timeoutSeconds: 10, offsetSeconds: 0.5 };

/** How long a request may have its scrape collect, in seconds, from its header's value (if any). */
export function collectSeconds(deadlines: ScrapeDeadlines, headerSeconds: number | undefined): number {
  const { timeoutSeconds, offsetSeconds } = deadlines;
  if (headerSeconds === undefined || !Number.isFinite(headerSeconds) || headerSeconds <= 0) return timeoutSeconds;
  const wanted = headerSeconds > offsetSeconds ? headerSeconds - offsetSeconds : headerSeconds / 2;
  return Math.min(wanted, timeoutSeconds);
}

const monotonicMs = (): number => performance.now();

/** Health is reported for every collector and for discovery, the step every scrape starts with. */
const DISCOVERY = 'discovery';

/**
 * One scrape: find the containers, ask the runtime for their names once (batched), then run every enabled
 * collector on every container, yielding to the event loop between containers so /healthz never waits.
 * Requests that arrive while a scrape collects share it and its exposition.
 *
 * A scrape collects until the earliest deadline of the requests it serves (ScrapeDeadlines). The deadline
 * is checked after discovery (the runtime's answer is waited for no longer than it) and between
 * containers: no read can block (files/pseudoFile.ts), so no check is far from the next. At the deadline the
 * containers not yet visited are left out of this scrape whole, every collector (none saw every container)
 * reports isoscope_scrape_collector_success 0, the steps across containers (namespace sharers,
 * network) run over those visited, so none is served with part of its families, and that is served.
 */
export class Exporter {
  /** Requests waiting for the next scrape, and whether one is running. */
  private queued: Array<{ request: ScrapeRequest; settled: () => void; deadline: number }> = [];
  private busy = false;
  private readonly collectors: Collector[];
  /** The samples of served scrapes, reused (see SampleBuffer). */
  private readonly served = new SampleBuffer();
  /** Health series for discovery, then every enabled collector. */
  private readonly health: CollectorHealth;
  private readonly deadlines: ScrapeDeadlines;
  private readonly clock: () => number;
  /** The machine's own series' target (the root cgroup, `id="/"`), the same every scrape. */
  private readonly machine: Target | undefined;
  /** The cgroup directories and containers of the last scrape, kept while they stay the same. */
  private readonly knownPaths = new KnownPaths();
  private readonly knownTargets = new KnownTargets();

  constructor(private readonly config: ExporterConfig) {
    this.deadlines = config.deadlines ?? DEFAULT_DEADLINES;
    this.clock = config.clock ?? monotonicMs;
    this.collectors = [...config.collectors].map((name) => COLLECTOR_REGISTRY[name]);
    const rootProcs = procsFile(config.env.hierarchy, MACHINE_PATH);
    this.machine = rootProcs === null ? undefined : makeMachineTarget(rootProcs);
    this.health = new CollectorHealth([DISCOVERY, ...this.collectors.map((c) => c.name)]);
  }

  /** How many requests the last scrape served (more than one: concurrent scrapers shared it). */
  lastBatchSize = 0;

  /** Whether no scrape runs and none waits (what may run between scrapes without holding one up). */
  get idle(): boolean {
    return !this.busy && this.queued.length === 0;
  }

  /**
   * Serve a fresh scrape to `request`, streamed as it is rendered. Requests that arrive while a scrape is
   * collecting share it; one that arrives while it is already sending gets the next one, which starts
   * as soon as this one is out. Resolves when the request has ended or failed.
   */
  serve(request: ScrapeRequest): Promise<void> {
    const deadline = this.clock() + 1000 * collectSeconds(this.deadlines, request.timeoutSeconds);
    return new Promise((settled) => {
      this.queued.push({ request, settled, deadline });
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
      // Requests that join while the scrape collects bring their deadlines: the earliest counts.
      const samples = await this.run(
        this.served,
        () => {
          let earliest = Infinity;
          for (const q of this.queued) earliest = Math.min(earliest, q.deadline);
          return earliest;
        },
        this.config.readAhead?.running === true
      );
      // Everyone who asked before the first byte goes out shares this scrape.
      batch = this.queued;
      this.queued = [];
      this.lastBatchSize = batch.length;
      for (const { request } of batch) request.begin();
      await this.config.exposition.stream(
        samples,
        batch.map((b) => b.request)
      );
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
    const deadline = this.clock() + 1000 * this.deadlines.timeoutSeconds;
    const samples = await this.run(new SampleBuffer(), () => deadline);
    return samples.toSamples().filter((s) => !s.target?.vanished);
  }

  /**
   * One scrape into `samples`. Samples of a container that vanished during the scrape are left in: they
   * are dropped on the way out (its target says `vanished`). With `ahead`, each container's series lines are
   * made as soon as it is collected, while the read-ahead thread reads the next ones' files
   * (Exposition.formatAhead), rather than all at the end with the thread idle.
   */
  private async run(samples: SampleBuffer, deadline: () => number, ahead = false): Promise<SampleBuffer> {
    const { env, exposition } = this.config;
    samples.clear();
    const steps = new CollectorSteps(env);
    const expired = () => this.clock() >= deadline();

    // The read-ahead starts on the files the last scrape read while discovery runs.
    const reads = this.config.readAhead?.begin();
    if (ahead) exposition.beginAhead(samples);
    const discoveryStart = process.hrtime.bigint();
    const targets = await this.discover(deadline).catch((err) => {
      steps.failed.add(DISCOVERY);
      env.log.error('container discovery failed', { err: (err as Error).message });
      return [] as Target[];
    });
    steps.durations.set(DISCOVERY, Number(process.hrtime.bigint() - discoveryStart) / 1e9);

    const scrape = new Scrape(env, targets, reads, samples);
    // The machine first: a few files of the root cgroup, and what the collectors read for containers is
    // never held up by it; past the deadline already, it is left out as the containers are.
    const machine = this.machine && !expired() ? this.machine : undefined;
    if (machine) for (const c of this.collectors) if (c.machine) steps.run(c, scrape, machine, true);
    if (ahead) exposition.formatAhead(samples);
    let visited = 0;
    for (; visited < targets.length && !expired(); visited++) {
      const target = targets[visited];
      steps.run(READ_PIDS, scrape, target);
      for (const c of this.collectors) {
        if (c.collect && !target.vanished) steps.run(c, scrape, target);
      }
      if (ahead) exposition.formatAhead(samples);
      await yieldToEventLoop();
    }
    // Containers not visited by the deadline are left out of this scrape, and out of what spans containers.
    const unvisited = targets.splice(visited);
    if (unvisited.length > 0) {
      for (const c of this.collectors) steps.failed.add(c.name);
    }
    // The steps across containers run over those collected even past the deadline (they read one file per
    // network namespace at most, none of which can block), so no container served lacks their families.
    for (const c of this.collectors) if (c.finish) steps.run(c, scrape, undefined);
    if (expired()) {
      env.log.warn('scrape deadline reached; serving what was collected', {
        containers: visited,
        left_out: unvisited.length,
        failed: [...steps.failed].join(','),
      });
    }
    env.processes.prune();
    const live = scrape.live();
    reads?.end(machine ? [machine, ...live] : live);

    this.health.record(steps, scrape.errors, samples);
    this.runtimeHealth(samples, unvisited.length > 0 ? [...live, ...unvisited] : live);
    return samples;
  }

  private async discover(deadline: () => number): Promise<Target[]> {
    const { hierarchy } = this.config.env;
    const cgroups = await discoverContainers(hierarchy, this.knownPaths);
    const metadata = this.config.metadata
      ? await this.lookupUntil(this.config.metadata, cgroups, deadline)
      : new Map<string, ContainerMetadata>();
    // Discovery walks a hierarchy that has cgroup.procs, so every container it found has one.
    return this.knownTargets.update(
      cgroups,
      (c) => metadata.get(c.containerId) ?? NO_METADATA,
      (path) => procsFile(hierarchy, path)!
    );
  }

  /**
   * The runtimes' names for these containers, waited for until the scrape's deadline at most: past it, this
   * scrape labels them by id, and the answer, when it comes, fills the cache for the next one.
   */
  private lookupUntil(
    metadata: MetadataSource,
    cgroups: ContainerCgroup[],
    deadline: () => number
  ): Promise<Map<string, ContainerMetadata>> {
    const left = deadline() - this.clock();
    if (!Number.isFinite(left)) return metadata.lookup(cgroups);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => {
          this.config.env.log.warn('runtime metadata not back by the scrape deadline; labelling by id');
          resolve(new Map());
        },
        Math.max(0, left)
      );
      metadata.lookup(cgroups).then(
        (found) => (clearTimeout(timer), resolve(found)),
        (err: unknown) => (clearTimeout(timer), reject(err as Error))
      );
    });
  }

  /** The containers found, per runtime, and whether each metadata source answers. */
  private runtimeHealth(samples: SampleBuffer, live: readonly Target[]): void {
    const perRuntime = new Map<string, number>();
    for (const { cgroup } of live) {
      if (cgroup.runtime !== undefined) perRuntime.set(cgroup.runtime, (perRuntime.get(cgroup.runtime) ?? 0) + 1);
    }
    for (const runtime of RUNTIMES) {
      samples.push(METRICS.containers, perRuntime.get(runtime) ?? 0, undefined, undefined, { runtime });
    }
    for (const { source, up } of this.config.metadata?.health() ?? []) {
      samples.push(METRICS.metadataSourceUp, up ? 1 : 0, undefined, undefined, { source });
    }
  }
}

/**
 * cgroup.procs of a container, just before its collectors run: its processes, and the one whose /proc
 * stands for it. Collectors use only their own container's pids; those that look across containers do so
 * in `finish`, when every container's are known. Timed and reported as part of discovery.
 *
 * crun, under a systemd cgroup manager on cgroup v2 (CRI-O's and Podman's default runtime), moves the
 * container's processes into a `container` child of the scope and leaves the scope's own list empty: an
 * empty list is looked up there before the container counts as having no process.
 */
const READ_PIDS: Step = {
  name: DISCOVERY,
  collect(scrape: Scrape, t: Target): void {
    const reader = scrape.reader(DISCOVERY, t);
    const text = reader.read(t.procsFile);
    // The last scrape's list when nothing changed (see KnownTargets).
    t.pids = text === undefined ? [] : parseProcs(text, t.pids);
    if (t.pids.length === 0 && text !== undefined) {
      const leaf = reader.read(join(t.cgroupDir, CRUN_LEAF, 'cgroup.procs'), { optional: true });
      if (leaf !== undefined) t.pids = parseProcs(leaf, t.pids);
    }
    t.pid = t.pids[0];
  },
};

/** The child cgroup crun puts a container's processes in (see READ_PIDS). */
const CRUN_LEAF = 'container';
