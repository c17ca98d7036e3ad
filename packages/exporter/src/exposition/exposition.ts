import type * as PromClient from 'prom-client';
import { ALL_METRICS, labelsOf, type CollectorName, type MetricFamily } from '@isoscope/shared';
import { SampleBuffer, type Sample } from '../scrape/samples';
import type { Target } from '../scrape/target';
import { AHEAD_BLOCKS, BlockPool, FamilyLines } from './ahead';
import { ChunkPool, ChunkWriter } from './chunks';
import { familyHeader, formatLabels, joinLabelPairs, labelPairs, seriesLine } from './format';
import { CONTENT_TYPE, processRegistry } from './processMetrics';
import { ByteCollector, type ExpositionSink } from './sink';

/**
 * The text exposition (Prometheus format 0.0.4) of the families in the shared contract: the one place that
 * formats isoscope's own series. Families of disabled collectors are left out.
 *
 * Why not prom-client's registry for these: resetting, refilling and formatting its metrics every scrape (its
 * label-hash maps and per-value label formatting) was a large share of a scrape. Here each container's labels
 * are formatted once per scrape and each series is one string append (docs/benchmarks.md, "Why the code is
 * shaped this way"). prom-client still provides and formats the process metrics (process_*, nodejs_*),
 * appended at the end.
 */
export class Exposition {
  private readonly families: MetricFamily[];
  private readonly statics = new Map<MetricFamily, string>();
  private readonly process: PromClient.Registry | undefined;
  private readonly chunks = new ChunkPool();
  /** Family → its position in `families`; familyStart[f] … familyStart[f+1] is its range in `order`. */
  private readonly familyIndex = new Map<MetricFamily, number>();
  /** Each family's HELP and TYPE lines and its name, as UTF-8, by position in `families`. */
  private readonly headers: Buffer[];
  private readonly names: Buffer[];
  private readonly familyStart: Int32Array;
  private order = new Int32Array(1024);
  /**
   * Each container's label pairs as UTF-8, kept as long as its Target is (a Target lives as long as its
   * container's cgroup and metadata stay the same: scrape/target.ts's KnownTargets).
   */
  private readonly prefixes = new WeakMap<Target, Buffer>();
  /** Each family's lines made ahead (ahead.ts), by position in `families`, and the blocks they fill. */
  private readonly lines: FamilyLines[];
  private readonly blocks = new BlockPool();
  /** The scrape whose lines are being made ahead, if one is. */
  private ahead: Ahead | undefined;
  /** The containers of the lines made ahead (Ahead.targets), one array reused from scrape to scrape. */
  private readonly aheadTargets: Target[] = [];

  constructor(collectors: ReadonlySet<CollectorName>, opts: { processMetrics?: boolean } = {}) {
    this.families = ALL_METRICS.filter((f) => !f.collector || collectors.has(f.collector));
    this.families.forEach((family, f) => this.familyIndex.set(family, f));
    this.headers = this.families.map((family) => Buffer.from(familyHeader(family), 'utf8'));
    this.names = this.families.map((family) => Buffer.from(family.name, 'utf8'));
    this.familyStart = new Int32Array(this.families.length + 1);
    this.lines = this.families.map(() => new FamilyLines(this.blocks));
    if (opts.processMetrics ?? true) this.process = processRegistry();
  }

  /**
   * A scrape into `samples` begins whose lines are to be made as it collects (`formatAhead`), while a
   * read-ahead thread reads: the process metrics are taken now, on the main thread's share of that time, rather
   * than at the end, where nothing else runs beside them.
   */
  beginAhead(samples: SampleBuffer): void {
    for (const lines of this.lines) lines.reset();
    this.blocks.left = AHEAD_BLOCKS;
    const process = this.process?.metrics();
    // A scrape that fails before its exposition never awaits it.
    process?.catch(() => {});
    this.aheadTargets.length = 0;
    this.ahead = { samples, upTo: 0, targets: this.aheadTargets, stopped: false, process };
  }

  /**
   * Format the samples the scrape has added since the last call, into their families' lines, until one cannot
   * be made ahead (ahead.ts: the blocks are bounded); it and the rest are formatted at the end, after the
   * lines made ahead, which keeps every family's lines in the order of its samples. Samples of a container
   * that vanished are left out, as the exposition leaves them out; should one whose lines are made vanish
   * later in the scrape, the exposition formats the whole scrape again from its samples.
   */
  formatAhead(samples: SampleBuffer): void {
    const ahead = this.ahead;
    if (ahead === undefined || ahead.samples !== samples || ahead.stopped) return;
    let last: Target | undefined;
    for (let i = ahead.upTo; i < samples.length; i++) {
      const target = samples.targets[i];
      if (target?.vanished) continue;
      const f = this.familyIndex.get(samples.families[i]);
      if (f === undefined) continue;
      const lines = this.lines[f];
      const value = samples.values[i];
      const done = target
        ? lines.series(this.names[f], containerPrefix(target, this.prefixes), samples.extras[i], value)
        : lines.text(hostSeriesLine(this.families[f], samples, i));
      if (!done) {
        ahead.upTo = i;
        ahead.stopped = true;
        return;
      }
      if (target !== undefined && target !== last) ahead.targets.push((last = target));
    }
    ahead.upTo = samples.length;
  }

  /** Set a fact that holds for the process's lifetime (host info, build info). */
  setStatic(family: MetricFamily, value: number, labels: Record<string, string> = {}): void {
    checkLabels(family, labels);
    this.statics.set(family, seriesLine(family.name, formatLabels(labels), value));
  }

  /**
   * The exposition of one scrape's samples, the static facts and the process metrics, as UTF-8 bytes sent to
   * every sink chunk by chunk as it is formatted: a buffer holding all of it stayed resident between scrapes
   * (and grew with the number of containers), where a few chunks that come back once the sinks are done with
   * them do not; one string of it all kept its whole rope alive through every young-generation GC of the
   * render (docs/benchmarks.md, "Why the code is shaped this way"). Lines made ahead for these samples
   * (`beginAhead`) are copied first in each family, and only the samples after them are formatted here.
   */
  async stream(input: SampleBuffer | readonly Sample[], sinks: readonly ExpositionSink[]): Promise<void> {
    const samples = input instanceof SampleBuffer ? input : SampleBuffer.of(input);
    const ahead = this.takeAhead(samples);
    const made = ahead !== undefined && aheadHolds(ahead);
    const from = made ? ahead.upTo : 0;
    const order = this.orderByFamily(samples, from);
    const prefixes = this.prefixes;
    const out = new ChunkWriter(this.chunks, sinks);
    for (let f = 0; f < this.families.length; f++) {
      const family = this.families[f];
      const fixed = this.statics.get(family);
      const first = this.familyStart[f];
      const end = this.familyStart[f + 1];
      const lines = made ? this.lines[f] : undefined;
      if (!fixed && first === end && !lines?.blocks.length) continue;
      out.bytes(this.headers[f]);
      if (fixed) out.write(fixed);
      if (lines) {
        for (let b = 0; b < lines.blocks.length; b++) {
          out.copy(lines.blocks[b], lines.lengths[b]);
          if (out.sent) await out.settle();
        }
      }
      const name = this.names[f];
      for (let k = first; k < end; k++) {
        const i = order[k];
        const target = samples.targets[i];
        const value = samples.values[i];
        if (!target) out.write(hostSeriesLine(family, samples, i));
        else if (!out.series(name, containerPrefix(target, prefixes), samples.extras[i], value))
          out.write(seriesLine(family.name, seriesLabels(target, samples.extras[i]), value));
        if (out.sent) await out.settle();
      }
    }
    if (this.process) out.write(await (ahead?.process ?? this.process.metrics()));
    out.end();
  }

  /** The whole exposition in one buffer of its own (tests, tools). */
  async render(input: SampleBuffer | readonly Sample[]): Promise<Buffer> {
    const bytes = new ByteCollector();
    await this.stream(input, [bytes]);
    return bytes.all();
  }

  /**
   * The indices of samples `from` … grouped by family (a counting sort into reused arrays: fresh per-family
   * arrays outlived the young generation every scrape). Samples of families not rendered (disabled collectors)
   * and of containers that vanished during the scrape are left out.
   */
  private orderByFamily(samples: SampleBuffer, from: number): Int32Array {
    const start = this.familyStart.fill(0);
    for (let i = from; i < samples.length; i++) {
      const f = this.slot(samples, i);
      if (f !== undefined) start[f + 1]++;
    }
    for (let f = 0; f < this.families.length; f++) start[f + 1] += start[f];
    if (this.order.length < start[this.families.length]) this.order = new Int32Array(start[this.families.length] * 2);
    const next = Int32Array.from(start.subarray(0, this.families.length));
    for (let i = from; i < samples.length; i++) {
      const f = this.slot(samples, i);
      if (f !== undefined) this.order[next[f]++] = i;
    }
    return this.order;
  }

  /** The lines made ahead for `samples`, if they are for it; the exposition takes them once. */
  private takeAhead(samples: SampleBuffer): Ahead | undefined {
    const ahead = this.ahead;
    if (ahead === undefined || ahead.samples !== samples) return undefined;
    this.ahead = undefined;
    return ahead;
  }

  /**
   * Sample i's family position, or undefined when it is not rendered. (A method, not a closure made per
   * scrape: V8 re-optimises such closures after every GC; see CollectorSteps in collectors/collector.ts.)
   */
  private slot(samples: SampleBuffer, i: number): number | undefined {
    return samples.targets[i]?.vanished ? undefined : this.familyIndex.get(samples.families[i]);
  }

  get contentType(): string {
    return CONTENT_TYPE;
  }
}

/** A container's label pairs (`id="…",name="…"`) as UTF-8, encoded once per Target. */
function containerPrefix(target: Target, prefixes: WeakMap<Target, Buffer>): Buffer {
  let prefix = prefixes.get(target);
  if (prefix === undefined) {
    prefix = Buffer.from(labelPairs(target.labels), 'utf8');
    prefixes.set(target, prefix);
  }
  return prefix;
}

/** The line of sample i when it is of no container: all its labels its own, made as text. */
function hostSeriesLine(family: MetricFamily, samples: SampleBuffer, i: number): string {
  return seriesLine(family.name, formatLabels(samples.labels[i] ?? {}), samples.values[i]);
}

/** `{id="…",name="…",extra="…"}` as text: the path of a line too long for a chunk. */
function seriesLabels(target: Target, extra: Record<string, string> | undefined): string {
  return joinLabelPairs(labelPairs(target.labels), extra ? labelPairs(extra) : '');
}

/** A scrape whose lines are made as it collects (Exposition.beginAhead). */
interface Ahead {
  samples: SampleBuffer;
  /** Samples 0 … upTo-1 are formatted (or left out, as the exposition leaves them out). */
  upTo: number;
  /** The containers whose lines were made (one may be listed more than once). */
  targets: Target[];
  /** Sample upTo could not be made ahead: it and the rest are formatted at the end. */
  stopped: boolean;
  /** The process metrics, taken when the scrape began. */
  process: Promise<string> | undefined;
}

/** Whether the lines made ahead stand: no container they are of vanished since. */
function aheadHolds(ahead: Ahead): boolean {
  for (const t of ahead.targets) if (t.vanished) return false;
  return true;
}

function checkLabels(family: MetricFamily, labels: Record<string, string>): void {
  const allowed = new Set(labelsOf(family));
  for (const key of Object.keys(labels)) {
    if (!allowed.has(key)) throw new Error(`label ${key} is not declared for ${family.name}`);
  }
}
