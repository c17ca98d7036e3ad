import { Registry, collectDefaultMetrics } from 'prom-client';
import { ALL_METRICS, labelsOf, type CollectorName, type MetricFamily } from '@isoscope/shared';
import { SampleBuffer, type Sample } from './scrape/scrape';
import type { Target } from './scrape/target';

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
  private readonly process: Registry | undefined;
  private scratch = new Scratch(1 << 20);
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
   * The exposition of one scrape's samples, the static facts and the process metrics, as UTF-8 bytes.
   * Lines go one by one into a scratch buffer that is reused from render to render, and the result is a
   * view of it, valid until the next render: `hold` it to keep it longer (while a response is sending).
   * Building a 2 MB string by concatenation kept its whole rope alive through every young-generation GC
   * of the render, and a fresh 2 MB copy per scrape kept RSS swinging until the GC freed the old ones
   * (docs/benchmarks.md).
   */
  async render(input: SampleBuffer | readonly Sample[]): Promise<Buffer> {
    const samples = input instanceof SampleBuffer ? input : SampleBuffer.of(input);
    const order = this.orderByFamily(samples);
    const prefixes = new Map<Target, string>();
    // A held scratch still belongs to responses being sent: this render gets a new one.
    if (this.scratch.holds > 0) this.scratch = new Scratch(this.scratch.buffer.length);
    const out = new ScratchWriter(this.scratch);
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
      }
    }
    if (this.process) out.write(await this.process.metrics());
    return out.finish();
  }

  /**
   * The samples' indices grouped by family (a counting sort into reused arrays: grouping into fresh
   * per-family arrays allocated ~100 KB per scrape that outlived the young generation). Samples of families
   * not rendered (disabled collectors) and of containers that vanished during the scrape are left out.
   */
  private orderByFamily(samples: SampleBuffer): Int32Array {
    const start = this.familyStart.fill(0);
    const slot = (i: number) => (samples.targets[i]?.vanished ? undefined : this.familyIndex.get(samples.families[i]));
    for (let i = 0; i < samples.length; i++) {
      const f = slot(i);
      if (f !== undefined) start[f + 1]++;
    }
    for (let f = 0; f < this.families.length; f++) start[f + 1] += start[f];
    if (this.order.length < start[this.families.length]) this.order = new Int32Array(start[this.families.length] * 2);
    const next = Int32Array.from(start.subarray(0, this.families.length));
    for (let i = 0; i < samples.length; i++) {
      const f = slot(i);
      if (f !== undefined) this.order[next[f]++] = i;
    }
    return this.order;
  }

  /**
   * Keep a rendered body intact until `release` is called: later renders write elsewhere meanwhile. Every
   * response that sends a body holds it once, so one scrape can be shared by concurrent requests.
   */
  hold(body: Buffer): Exposed {
    const scratch = this.scratch.buffer.buffer === body.buffer ? this.scratch : undefined;
    if (scratch) scratch.holds++;
    let released = false;
    return {
      body,
      release: () => {
        if (scratch && !released) scratch.holds--;
        released = true;
      },
    };
  }

  get contentType(): string {
    return Registry.PROMETHEUS_CONTENT_TYPE;
  }
}

/** A rendered body lent to a response; `release` once the response has finished (or failed). */
export interface Exposed {
  readonly body: Buffer;
  release(): void;
}

/** The bytes renders write into; it only grows, to the size of the largest exposition. */
class Scratch {
  buffer: Buffer;
  /** Bodies in this buffer that responses still send. */
  holds = 0;

  constructor(size: number) {
    this.buffer = Buffer.allocUnsafe(size);
  }
}

/**
 * Lines gather in a short string that goes into the scratch buffer every ~16 KiB: one Buffer.write per
 * line cost more than the formatting itself, and a short string dies young, unlike a 2 MB rope.
 */
const FLUSH_AT = 16 * 1024;

class ScratchWriter {
  private length = 0;
  private pending = '';

  constructor(private readonly scratch: Scratch) {}

  write(text: string): void {
    this.pending += text;
    if (this.pending.length >= FLUSH_AT) this.flush();
  }

  /** The bytes written: a view of the scratch buffer, no copy. */
  finish(): Buffer {
    this.flush();
    return this.scratch.buffer.subarray(0, this.length);
  }

  private flush(): void {
    const text = this.pending;
    this.pending = '';
    // UTF-8 needs at most 3 bytes per UTF-16 unit; label values (image names, pod names) may be non-ASCII.
    const worst = this.length + text.length * 3;
    const { scratch } = this;
    if (worst > scratch.buffer.length) {
      const bigger = Buffer.allocUnsafe(Math.max(worst, scratch.buffer.length * 2));
      scratch.buffer.copy(bigger, 0, 0, this.length);
      scratch.buffer = bigger;
    }
    this.length += scratch.buffer.write(text, this.length, 'utf8');
  }
}

/**
 * prom-client's process metrics in a registry of their own. A few of its nodejs_* gauges end in _total,
 * which promtool rejects ("non-counter metrics should not have _total suffix"): they are dropped.
 */
function processRegistry(): Registry {
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
