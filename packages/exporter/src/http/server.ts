import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ScrapeRequest } from '../exposition/sink';
import type { Logger } from '../log/logger';

export interface ServerOptions {
  host?: string;
  port: number;
  telemetryPath: string;
  /** Serve a scrape's exposition (UTF-8 text, in chunks) to a request; see Exporter.serve. */
  serve: (request: ScrapeRequest) => Promise<void>;
  contentType: string;
  log: Logger;
  version: string;
}

/**
 * The HTTP face: the telemetry path, /healthz (answered at once, never behind a scrape) and a small
 * landing page linking the metrics.
 */
export function startServer(opts: ServerOptions): Promise<http.Server> {
  const landing = landingPage(opts.telemetryPath, opts.version);
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === opts.telemetryPath) {
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
    } else if (path === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok\n');
    } else if (path === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(landing);
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      const { address, port } = server.address() as AddressInfo;
      opts.log.info('listening', { address: `${address}:${port}`, telemetry_path: opts.telemetryPath });
      resolve(server);
    });
  });
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
