import { performance } from 'node:perf_hooks';
import type { ContainerMetadata } from './metadata';

export type RuntimeLogFn = (level: 'debug' | 'info' | 'warn', msg: string, fields?: Record<string, unknown>) => void;

export interface MetadataCacheOptions {
  /** One list of every container the runtime runs, by full id; throws on any failure. */
  fetch(): Promise<Map<string, ContainerMetadata>>;
  /** What is asked, for log lines: "docker: engine API", "cri: runtime service". */
  what: string;
  /** Fields every log line carries (the socket). */
  fields: () => Record<string, unknown>;
  log: RuntimeLogFn;
  /** Minimum time between two fetches, in ms: an id the runtime does not know costs at most one per interval. */
  minRefreshIntervalMs: number;
  /** A cache older than this is refreshed even when it knows every id asked for (labels of a recreated id). */
  maxAgeMs: number;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}

/**
 * A runtime's container list, cached. Cost model: a scrape asks for every container's metadata, so in
 * steady state this makes no call at all. A fetch happens when an id is asked for that the cache does not
 * know, at most once per `minRefreshIntervalMs` (a container of another runtime can never turn into a
 * call per scrape), and the scrape waits for it; when the cache is only older than `maxAgeMs`, the fetch
 * runs without holding the scrape up. Concurrent lookups share one fetch. (refresh() catches every runtime
 * failure itself; the catches here only guard against a throwing log callback.)
 *
 * While the runtime is unreachable, ids already in the cache keep their last known metadata: dropping them
 * would rename every series of every container (label churn in Prometheus) during a daemon restart, and
 * with live-restore the containers are still the same ones. Only changes of state are logged, so a
 * missing socket gives one warning, not one per scrape.
 */
export class MetadataCache {
  private cache = new Map<string, ContainerMetadata>();
  /** performance.now() of the last attempt and success (monotonic: a wall-clock jump must not stall refreshes). */
  private lastAttemptAt = Number.NEGATIVE_INFINITY;
  private lastSuccessAt = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<void> | null = null;
  private state: 'unknown' | 'up' | 'down' = 'unknown';

  constructor(private readonly opts: MetadataCacheOptions) {}

  async lookup(containerIds: readonly string[]): Promise<Map<string, ContainerMetadata>> {
    if (containerIds.some((id) => !this.cache.has(id))) {
      // A container never seen: worth waiting for, so that its first series already carry its names.
      await this.maybeRefresh().catch(() => undefined);
    } else if (performance.now() - this.lastSuccessAt > this.opts.maxAgeMs) {
      // Only old: this scrape is served from the cache and the refresh runs beside it.
      void this.maybeRefresh().catch(() => undefined);
    }
    const out = new Map<string, ContainerMetadata>();
    for (const id of containerIds) {
      const md = this.cache.get(id);
      if (md) out.set(id, md);
    }
    return out;
  }

  /** Whether the last fetch succeeded; undefined before the first. */
  up(): boolean | undefined {
    return this.state === 'unknown' ? undefined : this.state === 'up';
  }

  private maybeRefresh(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    const now = performance.now();
    if (now - this.lastAttemptAt < this.opts.minRefreshIntervalMs) return Promise.resolve();
    // Rate-limit attempts, not successes: a dead socket must not be retried on every scrape either.
    this.lastAttemptAt = now;
    this.inFlight = this.refresh().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async refresh(): Promise<void> {
    const { what, log } = this.opts;
    try {
      const next = await this.opts.fetch();
      // Replacing the map drops containers that are no longer running.
      this.cache = next;
      this.lastSuccessAt = performance.now();
      if (this.state !== 'up') {
        log(this.state === 'down' ? 'info' : 'debug', `${what} reachable`, {
          ...this.opts.fields(),
          containers: next.size,
        });
      }
      this.state = 'up';
    } catch (err) {
      if (this.state !== 'down') {
        log('warn', `${what} unreachable; container names and images will be missing`, {
          ...this.opts.fields(),
          error: errorMessage(err),
        });
      } else {
        log('debug', `${what} still unreachable`, { ...this.opts.fields(), error: errorMessage(err) });
      }
      this.state = 'down';
    }
  }
}
