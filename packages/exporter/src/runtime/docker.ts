import http from 'node:http';
import { performance } from 'node:perf_hooks';

import type { ContainerMetadata } from '../types';

/**
 * Container metadata from the Docker Engine API (Podman's compat API serves the same endpoints).
 *
 * Cost model: the exporter asks for metadata of every container on every scrape, so this class must make
 * (almost) no API calls in steady state. One `GET /containers/json` lists every running container with its
 * name, image and labels; that fills a cache keyed by full container id. A scrape only calls the API when it
 * asks for an id the cache does not know, and then at most once per `minRefreshIntervalMs`, so a container of
 * another runtime (containerd, CRI-O: never in Docker's list) cannot turn into a call per scrape. No stats API
 * (the cgroup readers already have the numbers, and it costs ~1 s per container) and no per-container inspect.
 */

export type DockerLogFn = (level: 'debug' | 'info' | 'warn', msg: string, fields?: Record<string, unknown>) => void;

export interface DockerMetadataSourceOptions {
  /** Path of the engine's unix socket, e.g. /var/run/docker.sock or /run/podman/podman.sock. */
  socketPath: string;
  log?: DockerLogFn;
  /** Minimum time between two list calls, in ms (default 5000). */
  minRefreshIntervalMs?: number;
  /** Deadline of one HTTP request, connect to last byte, in ms (default 2000). */
  timeoutMs?: number;
}

/** The fields of one `GET /containers/json` entry that we read (Docker and Podman compat agree on them). */
export interface DockerContainerSummary {
  Id: string;
  Names?: string[] | null;
  Image?: string;
  Labels?: Record<string, string> | null;
}

/**
 * The API version we ask for. We negotiate once via the unversioned `GET /version` instead of hard-coding
 * `/v1.41/` because a pinned version breaks at both ends: Docker 29 raised its minimum API version to 1.44 and
 * answers 400 "client version 1.41 is too old", while engines older than 20.10 answer 400 "too new". 1.41 is
 * what Docker 20.10 and Podman 4 speak and what our fixture was captured with; the fields we read (Id, Names,
 * Image, Labels) have not changed in any version since 1.24, so moving to the server's bounds is safe.
 */
export const PREFERRED_API_VERSION = '1.41';

const DEFAULT_MIN_REFRESH_INTERVAL_MS = 5000;
const DEFAULT_TIMEOUT_MS = 2000;
/** ~2.5 KB per container in the list: 64 MiB is far beyond any real host and still bounds our memory. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

const LABEL_NAMESPACE = 'io.kubernetes.pod.namespace';
const LABEL_POD = 'io.kubernetes.pod.name';
const LABEL_CONTAINER = 'io.kubernetes.container.name';

function parseVersion(v: unknown): [number, number] | null {
  if (typeof v !== 'string') return null;
  const m = /^(\d+)\.(\d+)$/.exec(v.trim());
  return m ? [Number(m[1]), Number(m[2])] : null;
}

function compareVersions(a: [number, number], b: [number, number]): number {
  return a[0] !== b[0] ? a[0] - b[0] : a[1] - b[1];
}

/** Picks the API version to use from a `GET /version` body: PREFERRED_API_VERSION clamped to the server's range. */
export function chooseApiVersion(versionBody: unknown): string {
  const body = (versionBody ?? {}) as { ApiVersion?: unknown; MinAPIVersion?: unknown };
  const preferred = parseVersion(PREFERRED_API_VERSION)!;
  const max = parseVersion(body.ApiVersion);
  const min = parseVersion(body.MinAPIVersion);
  if (max && compareVersions(max, preferred) < 0) return `${max[0]}.${max[1]}`;
  if (min && compareVersions(min, preferred) > 0) return `${min[0]}.${min[1]}`;
  return PREFERRED_API_VERSION;
}

/**
 * The container's own name. Names[0] is usually it, but with legacy `--link`s the list also holds the alias
 * names "/<linking container>/<alias>" and their order is not guaranteed; the docker CLI shows the entry with a
 * single path component, so we do the same and fall back to Names[0].
 */
function canonicalName(names: unknown): string | undefined {
  if (!Array.isArray(names)) return undefined;
  const stripped = names.filter((n): n is string => typeof n === 'string' && n !== '').map((n) => n.replace(/^\//, ''));
  const own = stripped.find((n) => !n.includes('/'));
  const name = own ?? stripped[0];
  return name === '' ? undefined : name;
}

function labelValue(labels: Record<string, unknown>, key: string): string | undefined {
  const v = labels[key];
  // An empty label value is the same as no label for Prometheus, so do not carry it.
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * Maps one `/containers/json` entry to our metadata. `startedAt` stays unset: the list only has `Created`
 * (creation, not start: wrong after a restart) and a human "Up 5 minutes" status; the real start time needs a
 * per-container inspect, which is exactly what we avoid. The lifecycle collector falls back to the start
 * time of the container's first process.
 */
export function containerSummaryToMetadata(c: DockerContainerSummary): ContainerMetadata {
  const md: ContainerMetadata = {};
  const name = canonicalName(c.Names);
  if (name !== undefined) md.name = name;
  if (typeof c.Image === 'string' && c.Image !== '') md.image = c.Image;
  const labels = c.Labels && typeof c.Labels === 'object' ? (c.Labels as Record<string, unknown>) : {};
  const namespace = labelValue(labels, LABEL_NAMESPACE);
  const pod = labelValue(labels, LABEL_POD);
  const container = labelValue(labels, LABEL_CONTAINER);
  if (namespace !== undefined) md.namespace = namespace;
  if (pod !== undefined) md.pod = pod;
  if (container !== undefined) md.container = container;
  return md;
}

/** Maps a parsed `/containers/json` body to metadata by full id; throws if the body is not a list. */
export function parseContainerList(body: unknown): Map<string, ContainerMetadata> {
  if (!Array.isArray(body)) throw new Error(`expected a JSON array from /containers/json, got ${typeof body}`);
  const out = new Map<string, ContainerMetadata>();
  for (const entry of body) {
    // Skip malformed entries rather than failing the whole list: one odd container should not hide the rest.
    if (entry === null || typeof entry !== 'object' || typeof (entry as { Id?: unknown }).Id !== 'string') continue;
    const c = entry as DockerContainerSummary;
    out.set(c.Id, containerSummaryToMetadata(c));
  }
  return out;
}

const defaultLog: DockerLogFn = (level, msg, fields) => {
  // A library should stay quiet by default, but an unreachable socket is worth one line on stderr.
  if (level === 'warn') console.warn(`[isoscope docker] ${msg}`, fields ?? '');
};

function errorMessage(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}

export class DockerMetadataSource {
  private readonly socketPath: string;
  private readonly log: DockerLogFn;
  private readonly minRefreshIntervalMs: number;
  private readonly timeoutMs: number;

  private cache = new Map<string, ContainerMetadata>();
  /** performance.now() of the last list attempt (monotonic: a wall-clock jump must not stall or spam refreshes). */
  private lastAttemptAt = Number.NEGATIVE_INFINITY;
  /** Shared by concurrent lookups so that two scrapes at once still make one call. */
  private inFlight: Promise<void> | null = null;
  /** Negotiated once per connection to an engine; reset on failure because the engine may have been replaced. */
  private apiVersion: string | null = null;
  /** Only state changes are logged, so a missing socket gives one warning, not one per scrape. */
  private state: 'unknown' | 'up' | 'down' = 'unknown';

  constructor(opts: DockerMetadataSourceOptions) {
    this.socketPath = opts.socketPath;
    this.log = opts.log ?? defaultLog;
    this.minRefreshIntervalMs = opts.minRefreshIntervalMs ?? DEFAULT_MIN_REFRESH_INTERVAL_MS;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /**
   * Metadata of the given full container ids; ids the engine does not know are absent from the map.
   * Never throws. While the engine is unreachable, ids already in the cache keep their last known metadata:
   * dropping them would rename every series of every container (label churn in Prometheus) during a daemon
   * restart, and with live-restore the containers are still the same ones.
   */
  async lookup(containerIds: string[]): Promise<Map<string, ContainerMetadata>> {
    if (containerIds.some((id) => !this.cache.has(id))) {
      try {
        await this.maybeRefresh();
      } catch {
        // refresh() catches every API failure itself; this only guards against a throwing log callback.
      }
    }
    const out = new Map<string, ContainerMetadata>();
    for (const id of containerIds) {
      const md = this.cache.get(id);
      if (md) out.set(id, md);
    }
    return out;
  }

  /**
   * One `GET /v<version>/containers/json` (running containers only, which is all a scrape can see); negotiates
   * the version first if needed. Throws on any failure. Public so callers can list on their own schedule.
   */
  async listContainers(): Promise<DockerContainerSummary[]> {
    if (this.apiVersion === null) {
      this.apiVersion = chooseApiVersion(await this.get('/version'));
      this.log('debug', 'docker: negotiated API version', { socketPath: this.socketPath, apiVersion: this.apiVersion });
    }
    const body = await this.get(`/v${this.apiVersion}/containers/json`);
    if (!Array.isArray(body)) throw new Error(`expected a JSON array from /containers/json, got ${typeof body}`);
    return body as DockerContainerSummary[];
  }

  private maybeRefresh(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    const now = performance.now();
    if (now - this.lastAttemptAt < this.minRefreshIntervalMs) return Promise.resolve();
    // Rate-limit attempts, not successes: a dead socket must not be retried on every scrape either.
    this.lastAttemptAt = now;
    this.inFlight = this.refresh().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async refresh(): Promise<void> {
    try {
      const next = parseContainerList(await this.listContainers());
      // Replacing the map drops containers that are no longer running.
      this.cache = next;
      if (this.state !== 'up') {
        this.log(this.state === 'down' ? 'info' : 'debug', 'docker: engine API reachable', {
          socketPath: this.socketPath,
          apiVersion: this.apiVersion,
          containers: next.size,
        });
      }
      this.state = 'up';
    } catch (err) {
      this.apiVersion = null;
      if (this.state !== 'down') {
        this.log('warn', 'docker: engine API unreachable; container names and images will be missing', {
          socketPath: this.socketPath,
          error: errorMessage(err),
        });
      } else {
        this.log('debug', 'docker: engine API still unreachable', { socketPath: this.socketPath, error: errorMessage(err) });
      }
      this.state = 'down';
    }
  }

  /** GET over the unix socket, parsed as JSON; rejects on connect errors, non-200, oversize, bad JSON, timeout. */
  private get(path: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const settle = (err: Error | null, value?: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) {
          req.destroy();
          reject(err);
        } else {
          resolve(value);
        }
      };
      const req = http.request(
        {
          socketPath: this.socketPath,
          path,
          method: 'GET',
          headers: { Accept: 'application/json' },
          // No keep-alive (Node 20's global agent keeps sockets open): calls are seconds apart, and an idle
          // socket would pin a restarted daemon's old connection and keep the process alive.
          agent: false,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_BODY_BYTES) settle(new Error(`GET ${path}: response larger than ${MAX_BODY_BYTES} bytes`));
            else chunks.push(chunk);
          });
          res.on('error', (err) => settle(err));
          res.on('close', () => {
            if (!res.complete) settle(new Error(`GET ${path}: connection closed before the response ended`));
          });
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if (res.statusCode !== 200) {
              let detail = text.slice(0, 200);
              try {
                const parsed = JSON.parse(text) as { message?: unknown };
                if (typeof parsed.message === 'string') detail = parsed.message;
              } catch {
                // Not JSON: keep the raw excerpt.
              }
              settle(new Error(`GET ${path}: HTTP ${res.statusCode}: ${detail.trim()}`));
              return;
            }
            try {
              settle(null, JSON.parse(text));
            } catch (err) {
              settle(new Error(`GET ${path}: bad JSON: ${errorMessage(err)}`));
            }
          });
        },
      );
      // One deadline for the whole exchange: socket-idle timeouts alone would let a slow drip run forever.
      timer = setTimeout(() => settle(new Error(`GET ${path}: timed out after ${this.timeoutMs} ms`)), this.timeoutMs);
      timer.unref();
      req.on('error', (err) => settle(err));
      req.end();
    });
  }
}
