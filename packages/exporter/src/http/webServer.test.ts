/**
 * The server with a web config, end to end in one process over real sockets: TLS with and without client
 * certificates, basic auth, headers, the limits, and a config file changed under a running server.
 */
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import { makeTestPki, type TestPki } from '../../test/support/tls';
import { createLogger, type Logger } from '../log/logger';
import type { ScrapeRequest } from '../exposition/sink';
import { startServer } from './server';
import { WebConfigFile } from './webConfigFile';

let pki: TestPki;
let logged: string[];
let log: Logger;
const servers: http.Server[] = [];
const HASH = bcrypt.hashSync('secret', 4);
const OTHER = bcrypt.hashSync('changed', 4);

beforeAll(() => (pki = makeTestPki()));
afterAll(() => pki.remove());
beforeEach(() => {
  logged = [];
  log = createLogger({ level: 'debug', format: 'logfmt' }, (line) => logged.push(line));
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => (s.closeAllConnections(), s.close(r)))));
});

function configFile(text: string): string {
  const file = path.join(pki.dir, `web-${Math.random().toString(36).slice(2)}.yml`);
  fs.writeFileSync(file, text);
  return file;
}

/** Replaces the file's content so the change is seen even within one mtime tick (the size changes too). */
function rewrite(file: string, text: string): void {
  const tmp = `${file}.new`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

const tlsPart = (extra = '') =>
  `tls_server_config:\n  cert_file: ${pki.serverCert}\n  key_file: ${pki.serverKey}\n${extra}`;
const mtls = (type = 'RequireAndVerifyClientCert') =>
  tlsPart(`  client_ca_file: ${pki.caCert}\n  client_auth_type: ${type}\n`);

let serve: (request: ScrapeRequest) => Promise<void> = async (request) => {
  request.begin();
  request.write(Buffer.from('up 1\n'), () => {});
  request.end();
};

async function start(file: string | undefined, maxRequests = 40): Promise<{ port: number; web?: WebConfigFile }> {
  const web = file === undefined ? undefined : new WebConfigFile(file, log);
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    telemetryPath: '/metrics',
    contentType: 'text/plain; version=0.0.4',
    log,
    version: 'test',
    serve: (r) => serve(r),
    webConfig: web,
    maxRequests,
  });
  servers.push(server);
  return { port: (server.address() as AddressInfo).port, web };
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function get(
  port: number,
  urlPath: string,
  opts: { tls?: boolean; auth?: string; cert?: string; key?: string; ca?: string } = {}
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const options = {
      host: '127.0.0.1',
      port,
      path: urlPath,
      agent: false as const,
      ...(opts.auth ? { auth: opts.auth } : {}),
      ...(opts.tls ? { ca: fs.readFileSync(opts.ca ?? pki.caCert) } : {}),
      ...(opts.cert ? { cert: fs.readFileSync(opts.cert), key: fs.readFileSync(opts.key!) } : {}),
    };
    const req = (opts.tls ? https : http).get(options, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
  });
}

describe('basic auth', () => {
  it('answers 401 with WWW-Authenticate: Basic without or with wrong credentials, and serves the right ones', async () => {
    const { port } = await start(configFile(`basic_auth_users:\n  prometheus: ${HASH}\n`));
    for (const auth of [undefined, 'prometheus:wrong', 'nobody:secret', 'prometheus:']) {
      const res = await get(port, '/metrics', { auth });
      expect({ auth, status: res.status, www: res.headers['www-authenticate'] }).toEqual({
        auth,
        status: 401,
        www: 'Basic',
      });
    }
    const ok = await get(port, '/metrics', { auth: 'prometheus:secret' });
    expect({ status: ok.status, body: ok.body }).toEqual({ status: 200, body: 'up 1\n' });
    expect((await get(port, '/', {})).status).toBe(401);
  });

  it('keeps /healthz open', async () => {
    const { port } = await start(configFile(`basic_auth_users:\n  prometheus: ${HASH}\n`));
    expect(await get(port, '/healthz')).toMatchObject({ status: 200, body: 'ok\n' });
  });

  it('pays one bcrypt round per (user, password), not one per scrape', async () => {
    const { port } = await start(configFile(`basic_auth_users:\n  prometheus: ${HASH}\n`));
    const compare = jest.spyOn(bcrypt, 'compare');
    try {
      for (let i = 0; i < 5; i++) expect((await get(port, '/metrics', { auth: 'prometheus:secret' })).status).toBe(200);
      for (let i = 0; i < 3; i++) expect((await get(port, '/metrics', { auth: 'prometheus:nope' })).status).toBe(401);
      expect(compare).toHaveBeenCalledTimes(2);
    } finally {
      compare.mockRestore();
    }
  });
});

describe('headers and limits', () => {
  it("sets the file's headers on every answer, a 401 included", async () => {
    const file = configFile(
      `http_server_config:\n  headers:\n    X-Frame-Options: deny\n    Content-Security-Policy: default-src 'none'\n` +
        `basic_auth_users:\n  prometheus: ${HASH}\n`
    );
    const { port } = await start(file);
    for (const res of [await get(port, '/metrics'), await get(port, '/healthz')]) {
      expect(res.headers['x-frame-options']).toBe('deny');
      expect(res.headers['content-security-policy']).toBe("default-src 'none'");
    }
  });

  it('answers 503 to scrapes beyond --web.max-requests, and serves again once they end', async () => {
    const held: (() => void)[] = [];
    serve = (request) =>
      new Promise<void>((done) =>
        held.push(() => {
          request.begin();
          request.end();
          done();
        })
      );
    const { port } = await start(undefined, 2);
    const first = [get(port, '/metrics'), get(port, '/metrics')];
    while (held.length < 2) await new Promise((r) => setTimeout(r, 10));
    const third = await get(port, '/metrics');
    expect(third.status).toBe(503);
    expect(third.body).toBe('Limit of concurrent requests reached (2), try again later.\n');
    expect((await get(port, '/healthz')).status).toBe(200);
    held.splice(0).forEach((f) => f());
    expect((await Promise.all(first)).map((r) => r.status)).toEqual([200, 200]);
    const fourth = get(port, '/metrics');
    while (held.length < 1) await new Promise((r) => setTimeout(r, 10));
    held.splice(0).forEach((f) => f());
    expect((await fourth).status).toBe(200);
    serve = async (request) => {
      request.begin();
      request.write(Buffer.from('up 1\n'), () => {});
      request.end();
    };
  });

  it('answers 429 beyond rate_limit', async () => {
    const { port } = await start(configFile('rate_limit:\n  interval: 1h\n  burst: 2\n'));
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await get(port, '/metrics')).status);
    expect(statuses).toEqual([200, 200, 429]);
  });

  it('sets the fixed timeouts on the server', async () => {
    const web = new WebConfigFile(configFile(''), log);
    const server = await startServer({
      port: 0,
      host: '127.0.0.1',
      telemetryPath: '/metrics',
      contentType: 'text/plain',
      log,
      version: 'test',
      serve,
      webConfig: web,
    });
    servers.push(server);
    expect([server.headersTimeout, server.requestTimeout, server.keepAliveTimeout, server.timeout]).toEqual([
      10_000, 30_000, 90_000, 60_000,
    ]);
  });
});

describe('TLS', () => {
  it('serves HTTPS with the configured certificate, and refuses plain HTTP on the TLS port without falling over', async () => {
    const { port } = await start(configFile(tlsPart()));
    expect(await get(port, '/metrics', { tls: true })).toMatchObject({ status: 200, body: 'up 1\n' });
    await expect(get(port, '/metrics')).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(await get(port, '/metrics', { tls: true })).toMatchObject({ status: 200 });
    expect(logged.join('\n')).toContain('TLS handshake failed');
  });

  it('RequireAndVerifyClientCert refuses a client without a certificate or with a stranger one', async () => {
    const { port } = await start(configFile(mtls()));
    await expect(get(port, '/metrics', { tls: true })).rejects.toThrow();
    await expect(get(port, '/metrics', { tls: true, cert: pki.strangerCert, key: pki.strangerKey })).rejects.toThrow();
    const ok = await get(port, '/metrics', { tls: true, cert: pki.clientCert, key: pki.clientKey });
    expect(ok.status).toBe(200);
  });

  it('RequireAnyClientCert takes any certificate, but not none', async () => {
    const { port } = await start(configFile(mtls('RequireAnyClientCert')));
    await expect(get(port, '/metrics', { tls: true })).rejects.toThrow();
    const res = await get(port, '/metrics', { tls: true, cert: pki.strangerCert, key: pki.strangerKey });
    expect(res.status).toBe(200);
  });

  it('VerifyClientCertIfGiven takes none or a verified one, not a stranger one', async () => {
    const { port } = await start(configFile(mtls('VerifyClientCertIfGiven')));
    expect((await get(port, '/metrics', { tls: true })).status).toBe(200);
    expect((await get(port, '/metrics', { tls: true, cert: pki.clientCert, key: pki.clientKey })).status).toBe(200);
    await expect(get(port, '/metrics', { tls: true, cert: pki.strangerCert, key: pki.strangerKey })).rejects.toThrow();
  });

  it('client_allowed_sans lets in only a certificate with one of its SANs', async () => {
    const allowed = (san: string) => `  client_allowed_sans: [${san}]\n`;
    const { port } = await start(configFile(mtls() + allowed('prometheus.test')));
    expect((await get(port, '/metrics', { tls: true, cert: pki.clientCert, key: pki.clientKey })).status).toBe(200);
    const { port: other } = await start(configFile(mtls() + allowed('grafana.test')));
    await expect(get(other, '/metrics', { tls: true, cert: pki.clientCert, key: pki.clientKey })).rejects.toThrow();
  });

  it('honours min_version', async () => {
    const { port } = await start(configFile(tlsPart('  min_version: TLS13\n')));
    const old = new Promise((resolve, reject) =>
      https
        .get({ host: '127.0.0.1', port, ca: fs.readFileSync(pki.caCert), maxVersion: 'TLSv1.2', agent: false }, resolve)
        .on('error', reject)
    );
    await expect(old).rejects.toThrow();
    expect((await get(port, '/metrics', { tls: true })).status).toBe(200);
  });
});

describe('a changed web config file', () => {
  it('picks up a new password without a restart', async () => {
    const file = configFile(tlsPart() + `basic_auth_users:\n  prometheus: ${HASH}\n`);
    const { port } = await start(file);
    expect((await get(port, '/metrics', { tls: true, auth: 'prometheus:secret' })).status).toBe(200);
    rewrite(file, tlsPart() + `basic_auth_users:\n  prometheus: ${OTHER}\n`);
    expect((await get(port, '/metrics', { tls: true, auth: 'prometheus:secret' })).status).toBe(401);
    expect((await get(port, '/metrics', { tls: true, auth: 'prometheus:changed' })).status).toBe(200);
    expect(logged.join('\n')).toContain('web config reloaded');
  });

  it('picks up a new client policy for the next connection', async () => {
    const file = configFile(mtls());
    const { port } = await start(file);
    await expect(get(port, '/metrics', { tls: true })).rejects.toThrow();
    rewrite(file, tlsPart());
    expect((await get(port, '/metrics', { tls: true })).status).toBe(200);
    rewrite(file, mtls());
    await expect(get(port, '/metrics', { tls: true })).rejects.toThrow();
  });

  it('keeps the last good config when the file turns bad, says so once, and takes the next good one', async () => {
    const file = configFile(`basic_auth_users:\n  prometheus: ${HASH}\n`);
    const { port } = await start(file);
    rewrite(file, 'basic_auth_users: [oops\n');
    for (let i = 0; i < 3; i++) expect((await get(port, '/metrics', { auth: 'prometheus:secret' })).status).toBe(200);
    expect((await get(port, '/metrics')).status).toBe(401);
    expect(logged.filter((l) => l.includes('web config not reloaded'))).toHaveLength(1);
    rewrite(file, tlsPart());
    expect((await get(port, '/metrics', { auth: 'prometheus:secret' })).status).toBe(200);
    expect(logged.join('\n')).toContain('switching TLS on or off needs a restart');
    rewrite(file, `basic_auth_users:\n  prometheus: ${OTHER}\n`);
    expect((await get(port, '/metrics', { auth: 'prometheus:changed' })).status).toBe(200);
  });
});
