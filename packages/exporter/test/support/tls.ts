/**
 * Certificates made at test time with `openssl`, in a temp dir of the test's own: a CA, a server
 * certificate for 127.0.0.1 and localhost, a client certificate with a SAN, and a second CA the exporter
 * does not trust (with a client certificate of its own), for the refusals.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TestPki {
  dir: string;
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** A client certificate signed by a CA the exporter does not know. */
  strangerCert: string;
  strangerKey: string;
  remove(): void;
}

const OPENSSL = '/usr/bin/openssl';

export function makeTestPki(): TestPki {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isoscope-tls-'));
  const f = (name: string) => path.join(dir, name);
  const ssl = (...args: string[]) =>
    execFileSync(OPENSSL, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
  const key = (name: string) =>
    ssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', f(name));
  const ca = (name: string, cn: string) => {
    key(`${name}.key`);
    ssl('req', '-x509', '-new', '-key', f(`${name}.key`), '-out', f(`${name}.crt`), '-days', '2', '-subj', `/CN=${cn}`);
  };
  const leaf = (name: string, issuer: string, cn: string, san: string, usage: string) => {
    key(`${name}.key`);
    ssl('req', '-new', '-key', f(`${name}.key`), '-out', f(`${name}.csr`), '-subj', `/CN=${cn}`);
    fs.writeFileSync(f(`${name}.ext`), `subjectAltName=${san}\nextendedKeyUsage=${usage}\n`);
    ssl(
      'x509',
      '-req',
      '-in',
      f(`${name}.csr`),
      '-CA',
      f(`${issuer}.crt`),
      '-CAkey',
      f(`${issuer}.key`),
      '-CAcreateserial',
      '-out',
      f(`${name}.crt`),
      '-days',
      '2',
      '-extfile',
      f(`${name}.ext`)
    );
  };
  try {
    ca('ca', 'isoscope test CA');
    ca('stranger-ca', 'someone else');
    leaf('server', 'ca', 'localhost', 'IP:127.0.0.1,DNS:localhost', 'serverAuth');
    leaf('client', 'ca', 'prometheus', 'DNS:prometheus.test,URI:spiffe://test/prometheus', 'clientAuth');
    leaf('stranger', 'stranger-ca', 'stranger', 'DNS:stranger.test', 'clientAuth');
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    dir,
    caCert: f('ca.crt'),
    serverCert: f('server.crt'),
    serverKey: f('server.key'),
    clientCert: f('client.crt'),
    clientKey: f('client.key'),
    strangerCert: f('stranger.crt'),
    strangerKey: f('stranger.key'),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
