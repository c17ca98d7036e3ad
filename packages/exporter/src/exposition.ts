import { Registry, collectDefaultMetrics } from 'prom-client';
import { ALL_METRICS, labelsOf, type CollectorName, type MetricFamily } from '@isoscope/shared';
import type { Sample } from './scrape/scrape';
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

  constructor(collectors: ReadonlySet<CollectorName>, opts: { processMetrics?: boolean } = {}) {
    this.families = ALL_METRICS.filter((f) => !f.collector || collectors.has(f.collector));
    if (opts.processMetrics ?? true) this.process = processRegistry();
  }

  /** Set a fact that holds for the process's lifetime (host info, build info). */
  setStatic(family: MetricFamily, value: number, labels: Record<string, string> = {}): void {
    checkLabels(family, labels);
    this.statics.set(family, `${family.name}${formatLabels(labels)} ${formatValue(value)}\n`);
  }

  /**
   * The exposition of one scrape's samples, the static facts and the process metrics, as UTF-8 bytes.
   * Lines go one by one into a reused scratch buffer and the result is one copy of it: building a
   * 2 MB string by concatenation kept its whole rope alive through every young-generation GC of the
   * render, and V8 promoted megabytes of it to the old generation each scrape (docs/benchmarks.md).
   */
  async render(samples: readonly Sample[]): Promise<Buffer> {
    const byFamily = new Map<MetricFamily, Sample[]>();
    for (const s of samples) {
      const list = byFamily.get(s.family);
      if (list) list.push(s);
      else byFamily.set(s.family, [s]);
    }
    const prefixes = new Map<Target, string>();
    const out = new ScratchWriter();
    for (const family of this.families) {
      const fixed = this.statics.get(family);
      const list = byFamily.get(family);
      if (!fixed && !list) continue;
      out.write(`# HELP ${family.name} ${escapeHelp(family.help)}\n# TYPE ${family.name} ${family.type}\n`);
      if (fixed) out.write(fixed);
      for (const s of list ?? []) out.write(`${family.name}${seriesLabels(s, prefixes)} ${formatValue(s.value)}\n`);
    }
    if (this.process) out.write(await this.process.metrics());
    return out.copy();
  }

  get contentType(): string {
    return Registry.PROMETHEUS_CONTENT_TYPE;
  }
}

/** The scratch space of every render; it only grows, to the size of the largest exposition. */
let scratch = Buffer.allocUnsafe(1 << 20);

/**
 * Lines gather in a short string that goes into the scratch buffer every ~16 KiB: one Buffer.write per
 * line cost more than the formatting itself, and a short string dies young, unlike a 2 MB rope.
 */
const FLUSH_AT = 16 * 1024;

class ScratchWriter {
  private length = 0;
  private pending = '';

  write(text: string): void {
    this.pending += text;
    if (this.pending.length >= FLUSH_AT) this.flush();
  }

  /** The bytes written, in a buffer of their own: the response may still be sending while the next render runs. */
  copy(): Buffer {
    this.flush();
    return Buffer.from(scratch.subarray(0, this.length));
  }

  private flush(): void {
    const text = this.pending;
    this.pending = '';
    // UTF-8 needs at most 3 bytes per UTF-16 unit; label values (image names, pod names) may be non-ASCII.
    const worst = this.length + text.length * 3;
    if (worst > scratch.length) {
      const bigger = Buffer.allocUnsafe(Math.max(worst, scratch.length * 2));
      scratch.copy(bigger, 0, 0, this.length);
      scratch = bigger;
    }
    this.length += scratch.write(text, this.length, 'utf8');
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

/** `{id="…",name="…",extra="…"}`, the container part formatted once per container and scrape. */
function seriesLabels(s: Sample, prefixes: Map<Target, string>): string {
  if (!s.target) return formatLabels(s.labels ?? {});
  let prefix = prefixes.get(s.target);
  if (prefix === undefined) {
    prefix = labelPairs(s.target.labels);
    prefixes.set(s.target, prefix);
  }
  const extra = s.extra ? labelPairs(s.extra) : '';
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
