import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { ScrapeRequest } from '../exposition/sink';
import type { Logger } from '../log/logger';
import { refuseClient } from './clientCert';
import type { SecureOptions } from './webConfig';
import type { WebConfigFile } from './webConfigFile';

export interface ServerOptions {
  host?: string;
  port: number;
  telemetryPath: string;
  /** Serve a scrape's exposition (UTF-8 text, in chunks) to a request; see Exporter.serve. */
  serve: (request: ScrapeRequest) => Promise<void>;
  contentType: string;
  log: Logger;
  version: string;
  /** `--web.config.file`, kept current: TLS, basic auth, headers, a rate limit. Absent: plain HTTP, open. */
  webConfig?: WebConfigFile;
  /** `--web.max-requests`: scrapes in flight beyond this are answered 503; 0 or absent: no limit. */
  maxRequests?: number;
}

/**
 * The limits on every connection, fixed (node_exporter has no flags for them either): a request's headers
 * must arrive within 10 s and the whole request within 30 s (a scrape is a GET without a body); a TLS
 * handshake must finish within 10 s; a connection that moves no bytes for 60 s while a request is open is
 * closed, and an idle keep-alive connection after 90 s, longer than any usual scrape interval up to a
 * minute (so Prometheus reuses its connection, and its TLS session, from scrape to scrape) and away from
 * the usual ones (so the server does not close a connection just as the next scrape is sent on it).
 */
export const HTTP_LIMITS = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  handshakeTimeoutMs: 10_000,
  socketIdleTimeoutMs: 60_000,
  keepAliveTimeoutMs: 90_000,
} as const;

/**
 * The HTTP face: the telemetry path, /healthz (answered at once, never behind a scrape, and never behind
 * basic auth: it says only "ok", and probes carry no password) and a small landing page linking the
 * metrics. With a web config: TLS, basic auth on everything but /healthz, and the file's headers on every
 * answer, as exporter-toolkit does for node_exporter.
 */
export function startServer(opts: ServerOptions): Promise<http.Server> {
  const landing = landingPage(opts.telemetryPath, opts.version);
  const limiter = new TokenBucket();
  let inFlight = 0;

  const route = (req: http.IncomingMessage, res: http.ServerResponse, path: string) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === opts.telemetryPath) {
      if (opts.maxRequests && inFlight >= opts.maxRequests) {
        // promhttp's answer to node_exporter's --web.max-requests.
        res
          .writeHead(503, { 'Content-Type': 'text/plain' })
          .end(`Limit of concurrent requests reached (${opts.maxRequests}), try again later.\n`);
        return;
      }
      inFlight++;
      res.once('close', () => inFlight--);
      // Chunked: the exposition is sent as it is rendered, so its length is not known up front.
      void opts.serve({
        timeoutSeconds: Number(req.headers['x-prometheus-scrape-timeout-seconds']) || undefined,
        begin: () => res.writeHead(200, { 'Content-Type': opts.contentType }),
        // A chunk is the renderer's until the socket has taken it (or the response is gone).
        write: (chunk, done) => (res.destroyed ? done() : res.write(chunk, () => done())),
        end: () => res.end(),
        fail: (err) => {
          opts.log.error('scrape failed', { err: err.message });
          // Bytes went out already: cut the connection, so the client sees a broken scrape, not a short one.
          if (res.headersSent) res.destroy();
          else res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`scrape failed: ${err.message}\n`);
        },
      });
    } else if (path === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(landing);
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
    }
  };

  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    const web = opts.webConfig?.current().config;
    if (web?.rateLimit && !limiter.take(web.rateLimit.intervalMs, web.rateLimit.burst)) {
      res.writeHead(429, { 'Content-Type': 'text/plain' }).end('Too Many Requests\n');
      return;
    }
    for (const [name, value] of Object.entries(web?.headers ?? {})) res.setHeader(name, value);
    if (path === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok\n');
      return;
    }
    if (!web || web.users.size === 0) {
      route(req, res, path);
      return;
    }
    opts.webConfig!.auth.check(web.users, req.headers.authorization).then(
      (ok) => {
        if (res.destroyed) return;
        if (ok) route(req, res, path);
        else res.writeHead(401, { 'Content-Type': 'text/plain', 'WWW-Authenticate': 'Basic' }).end('Unauthorized\n');
      },
      (err: Error) => {
        opts.log.error('basic auth failed', { err: err.message });
        if (!res.destroyed) res.writeHead(500, { 'Content-Type': 'text/plain' }).end('Internal Server Error\n');
      }
    );
  };

  const secure = opts.webConfig?.current().secure;
  const server = secure ? tlsServer(secure, opts, handler) : http.createServer(handler);
  server.headersTimeout = HTTP_LIMITS.headersTimeoutMs;
  server.requestTimeout = HTTP_LIMITS.requestTimeoutMs;
  server.keepAliveTimeout = HTTP_LIMITS.keepAliveTimeoutMs;
  server.setTimeout(HTTP_LIMITS.socketIdleTimeoutMs);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      const { address, port } = server.address() as AddressInfo;
      opts.log.info('listening', {
        address: `${address}:${port}`,
        telemetry_path: opts.telemetryPath,
        tls: Boolean(secure),
        basic_auth: (opts.webConfig?.current().config.users.size ?? 0) > 0,
      });
      resolve(server);
    });
  });
}

/**
 * The HTTPS server of a web config with TLS. The file is checked as each connection arrives, before its
 * handshake, so a new certificate, key, client CA or policy applies from the next connection on
 * (exporter-toolkit re-reads it on each handshake); client-certificate rules the handshake cannot apply
 * (any certificate, a verified one if given, allowed SANs) are applied once it is done.
 */
function tlsServer(secure: SecureOptions, opts: ServerOptions, handler: http.RequestListener): http.Server {
  const web = opts.webConfig!;
  // Loaded here, only with TLS: node:https brings tls and its secure contexts, ~3 MiB resident for an
  // exporter that serves plain HTTP (docs/benchmarks.md, "Why the code is shaped this way").
  const https = process.getBuiltinModule('node:https');
  const server = https.createServer({ ...secure, handshakeTimeout: HTTP_LIMITS.handshakeTimeoutMs }, handler);
  const policy = server as unknown as { requestCert: boolean; rejectUnauthorized: boolean };
  web.onReload((loaded) => {
    if (!loaded.secure) return;
    server.setSecureContext(loaded.secure);
    policy.requestCert = loaded.secure.requestCert;
    policy.rejectUnauthorized = loaded.secure.rejectUnauthorized;
  });
  server.prependListener('connection', () => web.current());
  server.prependListener('secureConnection', (socket: TLSSocket) => {
    const t = web.current().config.tls;
    if (!t) return;
    const cert = socket.getPeerX509Certificate();
    const why = refuseClient(t, {
      present: cert !== undefined,
      authorized: socket.authorized,
      subjectAltName: cert?.subjectAltName,
    });
    if (why) {
      opts.log.debug('TLS client refused', { remote: socket.remoteAddress, reason: why });
      socket.destroy();
    }
  });
  server.on('tlsClientError', (err, socket) =>
    opts.log.debug('TLS handshake failed', { remote: socket.remoteAddress, err: err.message })
  );
  return server as unknown as http.Server;
}

/** rate_limit: `burst` requests at once, then one per `intervalMs` (golang.org/x/time/rate's Allow). */
class TokenBucket {
  private tokens = NaN;
  private at = 0;
  private shape = '';

  take(intervalMs: number, burst: number): boolean {
    const now = performance.now();
    const shape = `${intervalMs}/${burst}`;
    if (shape !== this.shape) {
      this.shape = shape;
      this.tokens = burst;
      this.at = now;
    }
    this.tokens = Math.min(burst, this.tokens + (now - this.at) / intervalMs);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens--;
    return true;
  }
}

function landingPage(telemetryPath: string, version: string): string {
  const href = telemetryPath.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>isoscope exporter</title></head>
<body>
<h1>isoscope exporter</h1>
<p>Per-container cgroup usage, limits and namespace isolation. Version ${version}.</p>
<ul><li><a href="${href}">Metrics</a></li><li><a href="/healthz">Health</a></li></ul>
</body></html>
`;
}
