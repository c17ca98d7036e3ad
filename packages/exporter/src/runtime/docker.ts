import http from 'node:http';
import type { ContainerMetadata } from './metadata';
import { errorMessage, MetadataCache, type RuntimeLogFn } from './cache';
import { kubernetesFromLabels } from './kubernetes';
import { canonicalName } from './names';
import { NO_RUNTIME_LABELS, type RuntimeLabels } from './labels';
import { libpodApiVersion, parseLibpodContainerList } from './podman';
import { parseBoundedJson, RUNTIME_JSON_LIMITS } from '../parsers/boundedJson';
import type { RuntimeMetadataSource } from './source';

/**
 * Container metadata from the Docker Engine API (Podman's compat API serves the same endpoints). One
 * `GET /containers/json` lists every running container with its name, image and labels; MetadataCache
 * decides when to ask. No stats API (the cgroup collectors already have the numbers, and it costs ~1 s per
 * container) and no per-container inspect.
 */

export type DockerLogFn = RuntimeLogFn;

export interface DockerMetadataSourceOptions {
  /** Path of the engine's unix socket, e.g. /var/run/docker.sock or /run/podman/podman.sock. */
  socketPath: string;
  log?: DockerLogFn;
  /** Minimum time between two list calls, in ms (default 5000). */
  minRefreshIntervalMs?: number;
  /** Age after which the list is fetched again even if it knows every container, in ms (default 60000). */
  maxAgeMs?: number;
  /** Deadline of one HTTP request, connect to last byte, in ms (default 2000). */
  timeoutMs?: number;
  /** The runtime labels to keep (`--runtime.labels`); default none. */
  labels?: RuntimeLabels;
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
const DEFAULT_MAX_AGE_MS = 60_000;
const DEFAULT_TIMEOUT_MS = 2000;
/**
 * ~2.5 KB per container in the list: 16 MiB and a million JSON values (RUNTIME_JSON_LIMITS) hold ~5,000
 * containers, and are what the exporter's 256 MiB heap can parse whatever the body's shape (64 MiB of a valid
 * list made V8 abort the process). A bigger answer fails this source, as a garbled one does.
 */
const MAX_BODY_BYTES = RUNTIME_JSON_LIMITS.maxBytes;

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
 * Maps one `/containers/json` entry to our metadata. `startedAt` stays unset: the list only has `Created`
 * (creation, not start: wrong after a restart) and a human "Up 5 minutes" status; the real start time needs a
 * per-container inspect, which is exactly what we avoid. The lifecycle collector falls back to the start
 * time of the container's first process.
 */
export function containerSummaryToMetadata(
  c: DockerContainerSummary,
  labels: RuntimeLabels = NO_RUNTIME_LABELS
): ContainerMetadata {
  const md: ContainerMetadata = {};
  const name = canonicalName(c.Names);
  if (name !== undefined) md.name = name;
  if (typeof c.Image === 'string' && c.Image !== '') md.image = c.Image;
  Object.assign(md, kubernetesFromLabels(c.Labels));
  const picked = labels.pick(c.Labels);
  if (picked) md.labels = picked;
  return md;
}

/** Maps a parsed `/containers/json` body to metadata by full id; throws if the body is not a list. */
export function parseContainerList(
  body: unknown,
  labels: RuntimeLabels = NO_RUNTIME_LABELS
): Map<string, ContainerMetadata> {
  if (!Array.isArray(body)) throw new Error(`expected a JSON array from /containers/json, got ${typeof body}`);
  const out = new Map<string, ContainerMetadata>();
  for (const entry of body) {
    // Skip malformed entries rather than failing the whole list: one odd container should not hide the rest.
    if (entry === null || typeof entry !== 'object' || typeof (entry as { Id?: unknown }).Id !== 'string') continue;
    const c = entry as DockerContainerSummary;
    out.set(c.Id, containerSummaryToMetadata(c, labels));
  }
  return out;
}

const defaultLog: DockerLogFn = (level, msg, fields) => {
  // A library should stay quiet by default, but an unreachable socket is worth one line on stderr.
  // eslint-disable-next-line no-console -- the default for library use, before any logger is given
  if (level === 'warn') console.warn(`[isoscope docker] ${msg}`, fields ?? '');
};

export class DockerMetadataSource implements RuntimeMetadataSource {
  readonly source = 'docker' as const;
  private readonly socketPath: string;
  private readonly log: DockerLogFn;
  private readonly timeoutMs: number;
  private readonly cache: MetadataCache;
  private readonly labels: RuntimeLabels;
  /** Negotiated once per connection to an engine; reset on failure because the engine may have been replaced. */
  private apiVersion: string | null = null;
  /** On Podman 4+, the libpod API version: its own list says which pod a container is in (runtime/podman.ts). */
  private libpodVersion: string | undefined;

  constructor(opts: DockerMetadataSourceOptions) {
    this.socketPath = opts.socketPath;
    this.log = opts.log ?? defaultLog;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.labels = opts.labels ?? NO_RUNTIME_LABELS;
    this.cache = new MetadataCache({
      fetch: () => this.fetch(),
      what: 'docker: engine API',
      fields: () =>
        this.apiVersion
          ? { socketPath: this.socketPath, apiVersion: this.apiVersion }
          : { socketPath: this.socketPath },
      log: this.log,
      minRefreshIntervalMs: opts.minRefreshIntervalMs ?? DEFAULT_MIN_REFRESH_INTERVAL_MS,
      maxAgeMs: opts.maxAgeMs ?? DEFAULT_MAX_AGE_MS,
    });
  }

  /** Metadata of the given full container ids (see MetadataCache for when the engine is asked). */
  lookup(containerIds: readonly string[]): Promise<Map<string, ContainerMetadata>> {
    return this.cache.lookup(containerIds);
  }

  up(): boolean | undefined {
    return this.cache.up();
  }

  /**
   * One `GET /v<version>/containers/json` (running containers only, which is all a scrape can see); negotiates
   * the version first if needed. Throws on any failure. Public so callers can list on their own schedule.
   */
  async listContainers(): Promise<DockerContainerSummary[]> {
    await this.negotiate();
    const body = await this.get(`/v${this.apiVersion}/containers/json`);
    if (!Array.isArray(body)) throw new Error(`expected a JSON array from /containers/json, got ${typeof body}`);
    return body as DockerContainerSummary[];
  }

  /** The API version, once per connection to an engine, and whether the engine is Podman with its libpod API. */
  private async negotiate(): Promise<void> {
    if (this.apiVersion !== null) return;
    const version = await this.get('/version');
    this.apiVersion = chooseApiVersion(version);
    this.libpodVersion = libpodApiVersion(version);
    this.log('debug', 'docker: negotiated API version', {
      socketPath: this.socketPath,
      apiVersion: this.apiVersion,
      ...(this.libpodVersion ? { libpod: this.libpodVersion } : {}),
    });
  }

  private async fetch(): Promise<Map<string, ContainerMetadata>> {
    try {
      await this.negotiate();
      if (this.libpodVersion !== undefined)
        return parseLibpodContainerList(await this.get(`/v${this.libpodVersion}/libpod/containers/json`), this.labels);
      return parseContainerList(await this.listContainers(), this.labels);
    } catch (err) {
      this.apiVersion = null;
      throw err;
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
          const declared = Number(res.headers['content-length']);
          if (declared > MAX_BODY_BYTES) {
            settle(new Error(`GET ${path}: response larger than ${MAX_BODY_BYTES} bytes (${declared})`));
            return;
          }
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
            const body = Buffer.concat(chunks);
            if (res.statusCode !== 200) {
              const text = body.subarray(0, 64 * 1024).toString('utf8');
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
              settle(null, parseBoundedJson(body));
            } catch (err) {
              settle(new Error(`GET ${path}: bad JSON: ${errorMessage(err)}`));
            }
          });
        }
      );
      // One deadline for the whole exchange: socket-idle timeouts alone would let a slow drip run forever.
      timer = setTimeout(() => settle(new Error(`GET ${path}: timed out after ${this.timeoutMs} ms`)), this.timeoutMs);
      timer.unref();
      req.on('error', (err) => settle(err));
      req.end();
    });
  }
}
