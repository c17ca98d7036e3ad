import type * as PromClient from 'prom-client';

/*
 * prom-client's registry and default metrics, loaded from their own modules: its index also loads its push
 * gateway (https, zlib), cluster aggregation and summaries, none of which the process metrics use, and they
 * would stay resident (docs/benchmarks.md, "Why the code is shaped this way"). Its version is pinned to
 * 15.1.x for these paths, and exposition.test.ts checks that the process metrics are there.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- deep paths of the pinned version, as said above */
const Registry: typeof PromClient.Registry = require('prom-client/lib/registry');

/**
 * prom-client's default metrics, each module as its collectDefaultMetrics would register it, but for
 * `eventLoopLag` (nodejs_eventloop_lag_*): its eight gauges cost ~0.65 ms of every scrape to compute from the
 * event loop delay histogram, ~half of all the process metrics (docs/benchmarks.md, "Ninth round"), and the
 * histogram's monitor wakes an idle exporter every 10 ms. How quickly the exporter answers is what its
 * /healthz and isoscope_scrape_duration_seconds show. `processResources` needs
 * process.getActiveResourcesInfo, which every supported Node has.
 */
const DEFAULT_METRICS = [
  'processCpuTotal',
  'processStartTime',
  'osMemoryHeap',
  'processOpenFileDescriptors',
  'processMaxFileDescriptors',
  'processResources',
  'processHandles',
  'processRequests',
  'heapSizeAndUsed',
  'heapSpacesSizeAndUsed',
  'version',
  'gc',
] as const;

type RegisterMetric = (registry: PromClient.Registry, config: Record<string, unknown>) => void;
const registerers: RegisterMetric[] = DEFAULT_METRICS.map(
  (name) => require(`prom-client/lib/metrics/${name}`) as RegisterMetric
);
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * prom-client's process metrics in a registry of their own. A few of its nodejs_* gauges end in _total,
 * which promtool rejects ("non-counter metrics should not have _total suffix"): they are dropped.
 */
export function processRegistry(): PromClient.Registry {
  const registry = new Registry();
  for (const register of registerers) register(registry, {});
  for (const metric of registry.getMetricsAsArray()) {
    const { name, type } = metric as unknown as { name: string; type: string };
    if (name.endsWith('_total') && type !== 'counter') registry.removeSingleMetric(name);
  }
  return registry;
}

/** The content type of the text format, as prom-client names it. */
export const CONTENT_TYPE: string = Registry.PROMETHEUS_CONTENT_TYPE;
