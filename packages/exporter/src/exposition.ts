import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { ALL_METRICS, METRICS, labelsOf, type CollectorName, type MetricFamily } from '@isoscope/shared';
import type { Sample } from './scrape/scrape';

type Metric = Gauge<string> | Counter<string>;

/**
 * The prom-client registry is the only place that formats the exposition. Families come from the shared
 * contract; those of disabled collectors are not registered at all. Per-scrape families are reset and
 * refilled from each scrape's samples; host and build facts are set once.
 */
export class Exposition {
  readonly registry = new Registry();
  private readonly metrics = new Map<MetricFamily, Metric>();
  private readonly perScrape: Metric[] = [];

  constructor(collectors: ReadonlySet<CollectorName>, opts: { processMetrics?: boolean } = {}) {
    for (const family of ALL_METRICS) {
      if (family.collector && !collectors.has(family.collector)) continue;
      const config = { name: family.name, help: family.help, labelNames: labelsOf(family), registers: [this.registry] };
      const metric = family.type === 'counter' ? new Counter(config) : new Gauge(config);
      this.metrics.set(family, metric);
      if (!STATIC.has(family.name)) this.perScrape.push(metric);
    }
    if (opts.processMetrics ?? true) this.registerProcessMetrics();
  }

  /**
   * prom-client's process metrics. A few of its nodejs_* gauges end in _total, which promtool rejects
   * ("non-counter metrics should not have _total suffix"); they are dropped to keep the exposition clean.
   */
  private registerProcessMetrics(): void {
    collectDefaultMetrics({ register: this.registry });
    for (const metric of this.registry.getMetricsAsArray()) {
      const { name, type } = metric as unknown as { name: string; type: string };
      if (name.endsWith('_total') && type !== 'counter') this.registry.removeSingleMetric(name);
    }
  }

  /** Set a fact that holds for the process's lifetime (host info, build info). */
  setStatic(family: MetricFamily, value: number, labels: Record<string, string> = {}): void {
    (this.metric(family) as Gauge<string>).set(labels, value);
  }

  /** Replace every per-scrape series with this scrape's samples. */
  load(samples: readonly Sample[]): void {
    for (const m of this.perScrape) m.reset();
    for (const s of samples) {
      const m = this.metrics.get(s.family);
      if (!m) continue;
      if (m instanceof Counter) m.inc(s.labels, s.value);
      else m.set(s.labels, s.value);
    }
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private metric(family: MetricFamily): Metric {
    const m = this.metrics.get(family);
    if (!m) throw new Error(`metric ${family.name} is not registered`);
    return m;
  }
}

/** Facts that do not change while the process runs: set once, never reset. */
const STATIC = new Set(
  [METRICS.machineCpuCores, METRICS.machineMemoryBytes, METRICS.hostInfo, METRICS.buildInfo, METRICS.namespaceReferenceInfo]
    .map((f) => f.name),
);
