import type * as PromClient from 'prom-client';
import { ALL_METRICS, labelsOf, type CollectorName, type MetricFamily } from '@isoscope/shared';
import { SampleBuffer, type Sample } from './scrape/samples';
import type { Target } from './scrape/target';

/*
 * prom-client's registry and default metrics, loaded from their own modules: its index also loads its push
 * gateway (https, zlib), cluster aggregation and summaries, none of which the process metrics use, for
 * ~1–2.5 MiB of resident memory (docs/benchmarks.md). Its version is pinned to 15.1.x for these paths, and
 * exposition.test.ts checks that the process metrics are there.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- deep paths of the pinned version, as said above */
const Registry: typeof PromClient.Registry = require('prom-client/lib/registry');
const collectDefaultMetrics: typeof PromClient.collectDefaultMetrics = require('prom-client/lib/defaultMetrics');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * The text exposition (Prometheus format 0.0.4) of the families in the shared contract: the one place that
 * formats isoscope's own series. Families of disabled collectors are left out.
 *
 * Why not prom-client's registry for these: a scrape at 200 containers carries ~13,000 series, and
 * resetting, refilling and formatting prom-client metrics took 46 ms of a 182 ms scrape (its label-hash
 * maps and per-value label formatting). Here each container's labels are formatted once per scrape and
 * each series is one string append: measured in docs/benchmarks.md. prom-client still provides and
 * formats the process metrics (process_*, nodejs_*), appended at the end.
 */
export class Exposition {
  private readonly families: MetricFamily[];
  private readonly statics = new Map<MetricFamily, string>();
  private readonly process: PromClient.Registry | undefined;
  private readonly chunks = new ChunkPool();
  /** Family → its position in `families`; familyStart[f] … familyStart[f+1] is its range in `order`. */
  private readonly familyIndex = new Map<MetricFamily, number>();
  private readonly familyStart: Int32Array;
  private order = new Int32Array(1024);

  constructor(collectors: ReadonlySet<CollectorName>, opts: { processMetrics?: boolean } = {}) {
    this.families = ALL_METRICS.filter((f) => !f.collector || collectors.has(f.collector));
    this.families.forEach((family, f) => this.familyIndex.set(family, f));
    this.familyStart = new Int32Array(this.families.length + 1);
    if (opts.processMetrics ?? true) this.process = processRegistry();
  }

  /** Set a fact that holds for the process's lifetime (host info, build info). */
  setStatic(family: MetricFamily, value: number, labels: Record<string, string> = {}): void {
    checkLabels(family, labels);
    this.statics.set(family, `${family.name}${formatLabels(labels)} ${formatValue(value)}\n`);
  }

  /**
   * The exposition of one scrape's samples, the static facts and the process metrics, as UTF-8 bytes sent
   * to every sink chunk by chunk as it is formatted: a scrape at 200 containers is 2.3 MB of text, and a
   * buffer holding all of it stayed resident between scrapes (and grew with the number of containers),
   * where a few 64 KiB chunks that come back once the sinks are done with them do not. Building one 2 MB
   * string instead kept its whole rope alive through every young-generation GC of the render
   * (docs/benchmarks.md).
   */
  async stream(input: SampleBuffer | readonly Sample[], sinks: readonly ExpositionSink[]): Promise<void> {
    const samples = input instanceof SampleBuffer ? input : SampleBuffer.of(input);
    const order = this.orderByFamily(samples);
    const prefixes = new Map<Target, string>();
    const out = new ChunkWriter(this.chunks, sinks);
    for (let f = 0; f < this.families.length; f++) {
      const family = this.families[f];
      const fixed = this.statics.get(family);
      const first = this.familyStart[f];
      const end = this.familyStart[f + 1];
      if (!fixed && first === end) continue;
      out.write(`# HELP ${family.name} ${escapeHelp(family.help)}\n# TYPE ${family.name} ${family.type}\n`);
      if (fixed) out.write(fixed);
      for (let k = first; k < end; k++) {
        const i = order[k];
        out.write(`${family.name}${seriesLabels(samples, i, prefixes)} ${formatValue(samples.values[i])}\n`);
        if (out.sent) await out.settle();
      }
    }
    if (this.process) out.write(await this.process.metrics());
    out.end();
  }

  /** The whole exposition in one buffer of its own (tests, tools). */
  async render(input: SampleBuffer | readonly Sample[]): Promise<Buffer> {
    const bytes = new ByteCollector();
    await this.stream(input, [bytes]);
    return bytes.all();
  }

  /**
   * The samples' indices grouped by family (a counting sort into reused arrays: grouping into fresh
   * per-family arrays allocated ~100 KB per scrape that outlived the young generation). Samples of families
   * not rendered (disabled collectors) and of containers that vanished during the scrape are left out.
   */
  private orderByFamily(samples: SampleBuffer): Int32Array {
    const start = this.familyStart.fill(0);
    for (let i = 0; i < samples.length; i++) {
      const f = this.slot(samples, i);
      if (f !== undefined) start[f + 1]++;
    }
    for (let f = 0; f < this.families.length; f++) start[f + 1] += start[f];
    if (this.order.length < start[this.families.length]) this.order = new Int32Array(start[this.families.length] * 2);
    const next = Int32Array.from(start.subarray(0, this.families.length));
    for (let i = 0; i < samples.length; i++) {
      const f = this.slot(samples, i);
      if (f !== undefined) this.order[next[f]++] = i;
    }
    return this.order;
  }

  /**
   * Sample i's family position, or undefined when it is not rendered. (A method, not a closure made per
   * scrape: V8 re-optimises such closures after every GC; see CollectorSteps in exporter.ts.)
   */
  private slot(samples: SampleBuffer, i: number): number | undefined {
    return samples.targets[i]?.vanished ? undefined : this.familyIndex.get(samples.families[i]);
  }

  get contentType(): string {
    return Registry.PROMETHEUS_CONTENT_TYPE;
  }
}

/** Where an exposition goes, chunk by chunk: an HTTP response, or a collector of bytes. */
export interface ExpositionSink {
  /** Send these bytes; call `done` once, when they are no longer needed (sent, copied, or the sink failed). */
  write(chunk: Buffer, done: () => void): void;
}

/** A sink that copies every chunk as it comes, for callers that want the whole exposition at once. */
export class ByteCollector implements ExpositionSink {
  private readonly parts: Buffer[] = [];

  write(chunk: Buffer, done: () => void): void {
    this.parts.push(Buffer.from(chunk));
    done();
  }

  all(): Buffer {
    return Buffer.concat(this.parts);
  }
}

const CHUNK_BYTES = 64 * 1024;

/** Chunks every sink is done with, for the next ones; a few are kept, the rest are left to the GC. */
class ChunkPool {
  private readonly free: Buffer[] = [];

  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafe(CHUNK_BYTES);
  }

  give(chunk: Buffer): void {
    if (this.free.length < 8) this.free.push(chunk);
  }
}

/**
 * Lines gather in a short string that goes into the current chunk every ~16 KiB: one Buffer.write per line
 * cost more than the formatting itself, and a short string dies young, unlike a 2 MB rope.
 */
const FLUSH_AT = 16 * 1024;

class ChunkWriter {
  /** Chunks went out since the last `settle`. */
  sent = false;
  private chunk: Buffer;
  private length = 0;
  private pending = '';

  constructor(
    private readonly pool: ChunkPool,
    private readonly sinks: readonly ExpositionSink[]
  ) {
    this.chunk = pool.take();
  }

  write(text: string): void {
    this.pending += text;
    if (this.pending.length >= FLUSH_AT) this.flush();
  }

  /**
   * Let the sinks' completions run: a socket that took a chunk at once reports it on the next tick, and the
   * chunk goes back to the pool before the writer needs another. (A slow client keeps its chunks longer;
   * the writer then takes fresh ones rather than wait, so one slow client never holds up a scrape.)
   */
  async settle(): Promise<void> {
    this.sent = false;
    await new Promise<void>((resolve) => process.nextTick(resolve));
  }

  /** Send what is left. */
  end(): void {
    this.flush();
    this.send();
  }

  private flush(): void {
    const text = this.pending;
    this.pending = '';
    // UTF-8 needs at most 3 bytes per UTF-16 unit; label values (image names, pod names) may be non-ASCII.
    if (this.length + text.length * 3 > this.chunk.length) {
      this.send();
      if (text.length * 3 > this.chunk.length) {
        // More than a chunk in one piece (the process metrics, or a giant label value): bytes of its own.
        this.deliver(Buffer.from(text, 'utf8'), () => {});
        return;
      }
    }
    this.length += this.chunk.write(text, this.length, 'utf8');
  }

  /** The current chunk to every sink, and a fresh one to write on. */
  private send(): void {
    if (this.length === 0) return;
    const chunk = this.chunk;
    this.deliver(chunk.subarray(0, this.length), () => this.pool.give(chunk));
    this.chunk = this.pool.take();
    this.length = 0;
  }

  /** `bytes` to every sink; `free` once all of them are done with it. */
  private deliver(bytes: Buffer, free: () => void): void {
    let left = this.sinks.length;
    if (left === 0) free();
    for (const sink of this.sinks) {
      let done = false;
      sink.write(bytes, () => {
        if (done) return;
        done = true;
        if (--left === 0) free();
      });
    }
    this.sent = true;
  }
}

/**
 * prom-client's process metrics in a registry of their own. A few of its nodejs_* gauges end in _total,
 * which promtool rejects ("non-counter metrics should not have _total suffix"): they are dropped.
 */
function processRegistry(): PromClient.Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  for (const metric of registry.getMetricsAsArray()) {
    const { name, type } = metric as unknown as { name: string; type: string };
    if (name.endsWith('_total') && type !== 'counter') registry.removeSingleMetric(name);
  }
  return registry;
}

/** `{id="…",name="…",extra="…"}` of sample i, the container part formatted once per container and scrape. */
function seriesLabels(samples: SampleBuffer, i: number, prefixes: Map<Target, string>): string {
  const target = samples.targets[i];
  if (!target) return formatLabels(samples.labels[i] ?? {});
  let prefix = prefixes.get(target);
  if (prefix === undefined) {
    prefix = labelPairs(target.labels);
    prefixes.set(target, prefix);
  }
  const extraLabels = samples.extras[i];
  const extra = extraLabels ? labelPairs(extraLabels) : '';
  return `{${prefix}${prefix && extra ? ',' : ''}${extra}}`;
}

function formatLabels(labels: Record<string, string>): string {
  const pairs = labelPairs(labels);
  return pairs ? `{${pairs}}` : '';
}

function labelPairs(labels: Record<string, string>): string {
  let out = '';
  for (const key in labels) out += `${out ? ',' : ''}${key}="${escapeLabelValue(labels[key])}"`;
  return out;
}

const LABEL_SPECIALS = /[\\"\n]/;
function escapeLabelValue(value: string): string {
  return LABEL_SPECIALS.test(value) ? value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : value;
}

function escapeHelp(help: string): string {
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatValue(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function checkLabels(family: MetricFamily, labels: Record<string, string>): void {
  const allowed = new Set(labelsOf(family));
  for (const key of Object.keys(labels)) {
    if (!allowed.has(key)) throw new Error(`label ${key} is not declared for ${family.name}`);
  }
}
