/**
 * The exporter behind TLS and basic auth as a user runs it: the built CLI with a web config file (a CA, a
 * server and a client certificate made with openssl in a temp dir), scraped by a real Prometheus with
 * `scheme: https`, `tls_config` and `basic_auth`, and by Node's https client. A wrong password, no client
 * certificate and plain HTTP on the TLS port are refused, the exporter stays up, and a new password in
 * the file is taken without a restart.
 */
import fs from 'node:fs';
import https from 'node:https';
import http from 'node:http';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import {
  startExporter,
  type ExporterProcess,
  startPrometheus,
  type Prometheus,
  waitUntil,
} from '@isoscope/test-support';
import { makeTestPki, type TestPki } from '../support/tls';

jest.setTimeout(120_000);

let pki: TestPki | undefined;
let exporter: ExporterProcess | undefined;
let prometheus: Prometheus | undefined;
let webConfig = '';

const webConfigText = (hash: string) =>
  [
    'tls_server_config:',
    '  cert_file: server.crt',
    '  key_file: server.key',
    '  client_ca_file: ca.crt',
    '  client_auth_type: RequireAndVerifyClientCert',
    'http_server_config:',
    '  headers:',
    '    X-Content-Type-Options: nosniff',
    'basic_auth_users:',
    `  prometheus: ${hash}`,
    '',
  ].join('\n');

interface Target {
  labels: { job: string };
  health: string;
  lastError: string;
}

async function targets(): Promise<Record<string, Target>> {
  const data = await prometheus!.api<{ activeTargets: Target[] }>('targets');
  return Object.fromEntries(data.activeTargets.map((t) => [t.labels.job, t]));
}

/** Waits until every job named has scraped once and `ok` holds for the targets. */
function waitForTargets(what: string, ok: (t: Record<string, Target>) => boolean): Promise<Record<string, Target>> {
  return waitUntil(
    what,
    async () => {
      if (prometheus!.exited()) throw new Error(`prometheus exited\n${prometheus!.log()}`);
      const t = await targets();
      return Object.values(t).every((x) => x.health !== 'unknown') && ok(t) ? t : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 500 }
  ).catch(async (err: Error) => {
    throw new Error(`${err.message}\ntargets: ${JSON.stringify(await targets().catch(() => ({})))}`);
  });
}

function get(
  opts: { auth?: string; cert?: boolean; plain?: boolean } = {}
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const base = { host: '127.0.0.1', port: exporter!.port, path: '/metrics', agent: false as const, auth: opts.auth };
    const onResponse = (res: http.IncomingMessage) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      res.on('error', reject);
    };
    const req = opts.plain
      ? http.get(base, onResponse)
      : https.get(
          {
            ...base,
            ca: fs.readFileSync(pki!.caCert),
            ...(opts.cert ? { cert: fs.readFileSync(pki!.clientCert), key: fs.readFileSync(pki!.clientKey) } : {}),
          },
          onResponse
        );
    req.on('error', reject);
    req.setTimeout(15_000, () => req.destroy(new Error('timeout')));
  });
}

beforeAll(async () => {
  pki = makeTestPki();
  // Relative file names, as users write them: taken from the config file's folder.
  webConfig = path.join(pki.dir, 'web-config.yml');
  fs.copyFileSync(pki.serverCert, path.join(pki.dir, 'server.crt'));
  fs.writeFileSync(webConfig, webConfigText(bcrypt.hashSync('scrape-secret', 10)));
  exporter = await startExporter([`--web.config.file=${webConfig}`, '--docker.socket=', '--cri.socket=']);
  const job = (name: string, password: string, cert: boolean) => [
    `  - job_name: ${name}`,
    '    scheme: https',
    '    tls_config:',
    `      ca_file: ${pki!.caCert}`,
    ...(cert ? [`      cert_file: ${pki!.clientCert}`, `      key_file: ${pki!.clientKey}`] : []),
    '    basic_auth:',
    '      username: prometheus',
    `      password: ${password}`,
    '    static_configs:',
    `      - targets: ['127.0.0.1:${exporter!.port}']`,
  ];
  prometheus = await startPrometheus(exporter.port, undefined, [
    ...job('tls-auth', 'scrape-secret', true),
    ...job('wrong-password', 'guess', true),
    ...job('no-client-cert', 'scrape-secret', false),
  ]);
});

afterAll(async () => {
  const problems: string[] = [];
  const attempt = async (what: string, step: () => Promise<void> | void) => {
    try {
      await step();
    } catch (err) {
      problems.push(`${what}: ${(err as Error).message}`);
    }
  };
  if (prometheus) await attempt('stopping prometheus', () => prometheus!.stop());
  if (exporter) await attempt('stopping the exporter', () => exporter!.stop());
  if (pki) await attempt('removing the certificates', () => pki!.remove());
  if (problems.length > 0) throw new Error(problems.join('\n'));
});

describe('the exporter behind TLS and basic auth', () => {
  it('is up for a Prometheus with the CA, a client certificate and the password', async () => {
    const t = await waitForTargets('the tls-auth job to be up', (x) => x['tls-auth']?.health === 'up');
    expect(t['tls-auth']).toMatchObject({ health: 'up', lastError: '' });
  });

  it('is down with a 401 for a Prometheus with a wrong password', async () => {
    const t = await waitForTargets('the wrong-password job to be down', (x) => x['wrong-password']?.health === 'down');
    expect(t['wrong-password'].lastError).toMatch(/401 Unauthorized/);
  });

  it('is down for a Prometheus without a client certificate: the handshake is refused', async () => {
    const t = await waitForTargets('the no-client-cert job to be down', (x) => x['no-client-cert']?.health === 'down');
    expect(t['no-client-cert'].lastError).toMatch(/certificate|tls|remote error|EOF|reset/i);
  });

  it("answers Node's https client: 200 with the password, 401 with WWW-Authenticate without, headers on both", async () => {
    const ok = await get({ cert: true, auth: 'prometheus:scrape-secret' });
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('isoscope_build_info');
    expect(ok.headers['x-content-type-options']).toBe('nosniff');
    const denied = await get({ cert: true, auth: 'prometheus:nope' });
    expect({ status: denied.status, www: denied.headers['www-authenticate'] }).toEqual({ status: 401, www: 'Basic' });
    expect(denied.headers['x-content-type-options']).toBe('nosniff');
    expect(denied.body).not.toContain('isoscope_');
  });

  it('refuses a client without a certificate and plain HTTP on the TLS port, and keeps serving', async () => {
    await expect(get({ auth: 'prometheus:scrape-secret' })).rejects.toThrow();
    await expect(get({ plain: true, auth: 'prometheus:scrape-secret' })).rejects.toThrow(/hang up|ECONNRESET/);
    expect(exporter!.child.exitCode).toBeNull();
    expect((await get({ cert: true, auth: 'prometheus:scrape-secret' })).status).toBe(200);
  });

  it('takes a new password from the changed file without a restart', async () => {
    const pid = exporter!.child.pid;
    const tmp = `${webConfig}.new`;
    fs.writeFileSync(tmp, webConfigText(bcrypt.hashSync('rotated', 10)));
    fs.renameSync(tmp, webConfig);
    expect((await get({ cert: true, auth: 'prometheus:rotated' })).status).toBe(200);
    expect((await get({ cert: true, auth: 'prometheus:scrape-secret' })).status).toBe(401);
    const t = await waitForTargets('the tls-auth job to go down with the old password', (x) =>
      /401/.test(x['tls-auth']?.lastError ?? '')
    );
    expect(t['tls-auth'].health).toBe('down');
    expect(exporter!.child.pid).toBe(pid);
    expect(exporter!.child.exitCode).toBeNull();
    expect(exporter!.log()).toContain('web config reloaded');
  });
});
