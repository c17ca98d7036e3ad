/**
 * A loopback HTTP server for the browser test, laid out like Grafana's public URLs:
 *   /                                  the host page (index.html of the host dir)
 *   /host/…                            the host bundle
 *   /public/plugins/<id>/…             the plugin's dist/ (where Grafana serves plugin files from)
 *   /public/build/img/icons/…          @grafana/ui's icons (its Icon component fetches them there)
 *   /public/fonts/inter/Inter-*.woff2  Grafana's web font (GlobalStyles), from Debian's fonts-inter: the
 *                                      same typeface as OpenType files
 * GET only, no directory listings, nothing outside the mounted dirs. Every 404 is recorded.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.css': 'text/css',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.md': 'text/markdown',
};

const INTER_DIR = '/usr/share/fonts/opentype/inter';

export interface StaticServer {
  url: string;
  /** Requests answered 404, e.g. a chunk the plugin expected next to module.js. */
  notFound: string[];
  close(): Promise<void>;
}

export function startStaticServer(hostDir: string, pluginId: string, pluginDir: string): Promise<StaticServer> {
  const notFound: string[] = [];
  const grafanaUiPublic = path.resolve(path.dirname(require.resolve('@grafana/ui')), '..', 'public');
  const mounts: Array<[string, string]> = [
    ['/host/', hostDir],
    [`/public/plugins/${pluginId}/`, pluginDir],
    ['/public/build/img/', path.join(grafanaUiPublic, 'img')],
  ];
  const resolve = (urlPath: string): string | null => {
    const clean = decodeURIComponent(urlPath.split('?')[0]);
    if (clean === '/') {
      return path.join(hostDir, 'index.html');
    }
    const font = /^\/public\/fonts\/inter\/(Inter-[A-Za-z]+)\.woff2$/.exec(clean);
    if (font) {
      return path.join(INTER_DIR, `${font[1]}.otf`);
    }
    for (const [prefix, dir] of mounts) {
      if (clean.startsWith(prefix)) {
        const file = path.resolve(dir, clean.slice(prefix.length));
        return file.startsWith(path.resolve(dir) + path.sep) ? file : null;
      }
    }
    return null;
  };
  const server = http.createServer((req, res) => {
    const file = req.method === 'GET' ? resolve(req.url ?? '/') : null;
    if (!file || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      notFound.push(`${req.method} ${req.url}`);
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolveStart, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolveStart({
        url: `http://127.0.0.1:${port}`,
        notFound,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
