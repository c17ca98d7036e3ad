/**
 * The HTTP face with a real exposition streamed through a real server to a real client: the body arrives
 * whole, a client that leaves mid-body costs nothing, and a failed scrape is a 500.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { COLLECTORS, METRICS, type CollectorName } from '@isoscope/shared';
import type { ScrapeRequest } from '../exposition/sink';
import { Exposition } from '../exposition/exposition';
import { silentLogger } from '../log/logger';
import type { Sample } from '../scrape/samples';
import { startServer } from './server';

const exposition = new Exposition(new Set<CollectorName>(COLLECTORS), { processMetrics: false });
// ~1.5 MB of text: many chunks.
const samples: Sample[] = Array.from({ length: 40000 }, (_, i) => ({
  family: METRICS.containers,
  value: i,
  labels: { runtime: `r${i}` },
}));

let server: http.Server;
let port: number;
let serve: (request: ScrapeRequest) => Promise<void>;

beforeAll(async () => {
  server = await startServer({
    host: '127.0.0.1',
    port: 0,
    telemetryPath: '/metrics',
    contentType: exposition.contentType,
    log: silentLogger,
    version: 'test',
    serve: (request) => serve(request),
  });
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function get(path: string): Promise<{ status: number; body: string; chunked: boolean }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            body: Buffer.concat(parts).toString(),
            chunked: res.headers['transfer-encoding'] === 'chunked',
          })
        );
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/** Serve like the exporter does: begin, stream, end; counts the chunks handed out and given back. */
function streaming(counts = { written: 0, done: 0 }) {
  return async (request: ScrapeRequest) => {
    const counted: ScrapeRequest = {
      ...request,
      write: (chunk, done) => {
        counts.written++;
        request.write(chunk, () => (counts.done++, done()));
      },
    };
    request.begin();
    await exposition.stream(samples, [counted]);
    request.end();
  };
}

describe('HTTP server', () => {
  it('streams the whole exposition, chunked', async () => {
    serve = streaming();
    const res = await get('/metrics');
    expect(res.status).toBe(200);
    expect(res.chunked).toBe(true);
    expect(res.body).toBe((await exposition.render(samples)).toString());
  });

  it('gets every chunk back from a client that leaves mid-body, and serves the next one', async () => {
    const counts = { written: 0, done: 0 };
    let finished!: Promise<void>;
    serve = (request) => (finished = streaming(counts)(request));
    await new Promise<void>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/metrics' }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => {});
    });
    await finished;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(counts.written).toBeGreaterThan(0);
    expect(counts.done).toBe(counts.written);
    serve = streaming();
    expect((await get('/metrics')).status).toBe(200);
  });

  it('answers a scrape that fails before its first byte with a 500 and the reason', async () => {
    serve = async (request) => request.fail(new Error('no cgroup mount'));
    const res = await get('/metrics');
    expect(res.status).toBe(500);
    expect(res.body).toContain('scrape failed: no cgroup mount');
  });
});
