/**
 * The web config file read as exporter-toolkit reads it: every field, its default, and every error, on
 * texts; then loading one with real certificates (made with openssl), and the client-certificate rules the
 * handshake leaves to the server.
 */
import fs from 'node:fs';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import { makeTestPki, type TestPki } from '../../test/support/tls';
import { refuseClient, subjectAltNames } from './clientCert';
import { loadWebConfig, parseWebConfig, WebConfigError } from './webConfig';

const HASH = bcrypt.hashSync('secret', 4);
const parse = (text: string) => parseWebConfig(text, '/etc/isoscope');
const fails = (text: string) => {
  try {
    parse(text);
  } catch (err) {
    if (err instanceof WebConfigError) return err.message;
    throw err;
  }
  throw new Error('no error');
};

describe('parseWebConfig', () => {
  it('reads an empty file (or comments only) as plain HTTP without auth, HTTP/2 on', () => {
    for (const text of ['', '# nothing\n', '{}', 'tls_server_config:\nhttp_server_config:\nbasic_auth_users:\n']) {
      expect(parse(text)).toEqual({ http2: true, headers: {}, users: new Map() });
    }
  });

  it("takes every tls_server_config field, relative files from the config file's folder", () => {
    const c = parse(`
tls_server_config:
  cert_file: server.crt
  key_file: /abs/server.key
  client_ca_file: ca/clients.crt
  client_auth_type: RequireAndVerifyClientCert
  client_allowed_sans: [prometheus.test, 10.0.0.1]
  min_version: TLS13
  max_version: TLS13
  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_AES_128_GCM_SHA256]
  prefer_server_cipher_suites: false
  curve_preferences: [X25519, CurveP256]
`);
    expect(c.tls).toEqual({
      cert: undefined,
      key: undefined,
      clientCa: undefined,
      certFile: '/etc/isoscope/server.crt',
      keyFile: '/abs/server.key',
      clientCaFile: '/etc/isoscope/ca/clients.crt',
      clientAuthType: 'RequireAndVerifyClientCert',
      clientAllowedSans: ['prometheus.test', '10.0.0.1'],
      minVersion: 'TLSv1.3',
      maxVersion: 'TLSv1.3',
      cipherSuites: ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_AES_128_GCM_SHA256'],
      preferServerCipherSuites: false,
      curvePreferences: ['X25519', 'CurveP256'],
    });
  });

  it("has exporter-toolkit's defaults: TLS 1.2 to 1.3, server cipher order, no client certificate", () => {
    const t = parse('tls_server_config: { cert: C, key: K }').tls!;
    expect(t).toMatchObject({ cert: 'C', key: 'K', minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' });
    expect(t).toMatchObject({ clientAuthType: 'NoClientCert', preferServerCipherSuites: true, cipherSuites: [] });
    expect(parse('tls_server_config: { cert: C, key: K, min_version: TLS10 }').tls!.minVersion).toBe('TLSv1');
    expect(parse('tls_server_config: { cert: C, key: K, min_version: TLS11 }').tls!.minVersion).toBe('TLSv1.1');
  });

  it('takes inline PEM texts and the old name RequireClientCert', () => {
    const t = parse('tls_server_config: { cert: C, key: K, client_ca: A, client_auth_type: RequireClientCert }').tls!;
    expect(t).toMatchObject({ cert: 'C', key: 'K', clientCa: 'A', clientAuthType: 'RequireAnyClientCert' });
  });

  it('leaves TLS off when tls_server_config sets only versions or ciphers (as exporter-toolkit does)', () => {
    expect(parse('tls_server_config: { min_version: TLS13 }').tls).toBeUndefined();
  });

  it('takes http_server_config and the headers it allows', () => {
    const c = parse(`
http_server_config:
  http2: false
  headers:
    Content-Security-Policy: default-src 'self'
    X-Frame-Options: deny
    X-Content-Type-Options: nosniff
    X-XSS-Protection: 1; mode=block
    Strict-Transport-Security: max-age=31536000
`);
    expect(c.http2).toBe(false);
    expect(c.headers).toEqual({
      'Content-Security-Policy': "default-src 'self'",
      'X-Frame-Options': 'deny',
      'X-Content-Type-Options': 'nosniff',
      'X-XSS-Protection': '1; mode=block',
      'Strict-Transport-Security': 'max-age=31536000',
    });
  });

  it('takes basic_auth_users with bcrypt hashes of every usual prefix', () => {
    const y = HASH.replace(/^\$2b/, '$2y');
    const a = HASH.replace(/^\$2b/, '$2a');
    const c = parse(`basic_auth_users:\n  alice: ${HASH}\n  bob: ${y}\n  carol: '${a}'\n`);
    expect([...c.users]).toEqual([
      ['alice', HASH],
      ['bob', y],
      ['carol', a],
    ]);
  });

  it('takes rate_limit with a Go duration', () => {
    expect(parse('rate_limit: { interval: 1s, burst: 5 }').rateLimit).toEqual({ intervalMs: 1000, burst: 5 });
    expect(parse('rate_limit: { interval: 0, burst: 5 }').rateLimit).toBeUndefined();
    expect(parse('rate_limit: { interval: 1m30.5s, burst: 1 }').rateLimit!.intervalMs).toBe(90_500);
    expect(parse('rate_limit: { interval: 250ms, burst: 1 }').rateLimit!.intervalMs).toBe(250);
  });

  it.each([
    ['unknown top-level key', 'tls_config: {}', 'field tls_config not found'],
    ['unknown TLS key', 'tls_server_config: { certfile: x }', 'field certfile not found in tls_server_config'],
    ['unknown HTTP key', 'http_server_config: { http3: true }', 'field http3 not found in http_server_config'],
    ['repeated key', 'basic_auth_users: { a: x }\nbasic_auth_users: { b: y }', 'invalid YAML'],
    ['broken YAML', 'tls_server_config: [', 'invalid YAML'],
    ['a list for a mapping', 'tls_server_config: [a]', 'tls_server_config: expected a mapping'],
    ['cert without key', 'tls_server_config: { cert_file: a }', 'missing one of key or key_file'],
    ['key without cert', 'tls_server_config: { key_file: a }', 'missing one of cert or cert_file'],
    ['CA without policy', 'tls_server_config: { cert: a, key: b, client_ca_file: c }', 'without a Client Auth Policy'],
    ['bad policy', 'tls_server_config: { cert: a, key: b, client_auth_type: Always }', 'invalid ClientAuth: Always'],
    [
      'SANs with an optional certificate',
      'tls_server_config: { cert: a, key: b, client_auth_type: VerifyClientCertIfGiven, client_allowed_sans: [x] }',
      'client_allowed_sans requires client_auth_type',
    ],
    ['bad version', 'tls_server_config: { cert: a, key: b, min_version: TLS14 }', 'unknown TLS version: TLS14'],
    [
      'min above max',
      'tls_server_config: { cert: a, key: b, min_version: TLS13, max_version: TLS12 }',
      'min_version is above max_version',
    ],
    ['bad cipher', 'tls_server_config: { cert: a, key: b, cipher_suites: [TLS_FOO] }', 'unknown cipher: TLS_FOO'],
    ['bad curve', 'tls_server_config: { cert: a, key: b, curve_preferences: [P256] }', 'unknown curve: P256'],
    ['cipher list not a list', 'tls_server_config: { cert: a, key: b, cipher_suites: x }', 'expected a list'],
    [
      'non-boolean',
      'tls_server_config: { cert: a, key: b, prefer_server_cipher_suites: yes }',
      'expected true or false',
    ],
    ['http2 not boolean', 'http_server_config: { http2: "true" }', 'http2: expected true or false'],
    [
      'header not allowed',
      'http_server_config: { headers: { Server: x } }',
      'HTTP header "Server" can not be configured',
    ],
    ['header value', 'http_server_config: { headers: { X-Frame-Options: allow } }', 'expected one of deny, sameorigin'],
    ['plain password', 'basic_auth_users: { alice: secret }', 'basic_auth_users.alice: not a bcrypt hash'],
    ['cost too low', `basic_auth_users: { alice: '${HASH.replace('$04$', '$03$')}' }`, 'not a bcrypt hash'],
    ['users as a list', 'basic_auth_users: [alice]', 'basic_auth_users: expected a mapping'],
    ['bad duration', 'rate_limit: { interval: soon, burst: 1 }', 'rate_limit.interval: invalid duration'],
    ['bad burst', 'rate_limit: { interval: 1s, burst: 1.5 }', 'rate_limit.burst: expected an integer'],
    ['unknown rate key', 'rate_limit: { every: 1s }', 'field every not found in rate_limit'],
  ])('refuses %s', (_what, text, message) => {
    expect(fails(text)).toContain(message);
  });
});

describe('loadWebConfig', () => {
  let pki: TestPki;
  let dir: string;
  beforeAll(() => {
    pki = makeTestPki();
    dir = fs.mkdtempSync(path.join(pki.dir, 'conf-'));
  });
  afterAll(() => pki.remove());
  const write = (text: string) => {
    const file = path.join(dir, 'web.yml');
    fs.writeFileSync(file, text);
    return file;
  };

  it('loads the certificate, key and client CA, and lists every file it came from', () => {
    const file = write(
      `tls_server_config:\n  cert_file: ${pki.serverCert}\n  key_file: ${pki.serverKey}\n` +
        `  client_ca_file: ${pki.caCert}\n  client_auth_type: RequireAndVerifyClientCert\n` +
        `  cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256]\n  curve_preferences: [CurveP256]\n`
    );
    const loaded = loadWebConfig(file);
    expect(loaded.files).toEqual([file, pki.serverCert, pki.serverKey, pki.caCert]);
    expect(loaded.secure).toMatchObject({
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.3',
      honorCipherOrder: true,
      ecdhCurve: 'P-256',
    });
    expect(loaded.secure!.ciphers).toMatch(/^TLS_.*:ECDHE-ECDSA-AES128-GCM-SHA256$/);
    expect(loaded.secure!.ca).toBe(fs.readFileSync(pki.caCert, 'utf8'));
  });

  it('takes inline PEM and needs no other file', () => {
    const cert = fs.readFileSync(pki.serverCert, 'utf8');
    const key = fs.readFileSync(pki.serverKey, 'utf8');
    const indent = (s: string) => s.trimEnd().replace(/^/gm, '    ');
    const file = write(`tls_server_config:\n  cert: |\n${indent(cert)}\n  key: |\n${indent(key)}\n`);
    const loaded = loadWebConfig(file);
    expect(loaded.files).toEqual([file]);
    expect(loaded.secure).toMatchObject({ cert, key, requestCert: false, rejectUnauthorized: false });
  });

  it.each([
    ['a missing file', () => path.join(dir, 'absent.yml'), 'cannot read web config file'],
    ['a missing cert_file', () => write('tls_server_config: { cert_file: nope.crt, key_file: nope.key }'), 'ENOENT'],
    [
      'a key of another certificate',
      () => write(`tls_server_config: { cert_file: ${pki.serverCert}, key_file: ${pki.clientKey} }`),
      'failed to load X509KeyPair: the private key does not match the certificate',
    ],
    [
      'a key that is no key',
      () => write(`tls_server_config: { cert_file: ${pki.serverCert}, key_file: ${pki.serverCert} }`),
      'failed to load X509KeyPair',
    ],
    [
      'a client CA without certificates',
      () =>
        write(
          `tls_server_config: { cert_file: ${pki.serverCert}, key_file: ${pki.serverKey}, ` +
            `client_ca_file: ${pki.serverKey}, client_auth_type: RequireAndVerifyClientCert }`
        ),
      'the client CA holds no PEM certificate',
    ],
  ])('refuses %s, naming the file', (_what, file, message) => {
    const f = file();
    expect(() => loadWebConfig(f)).toThrow(WebConfigError);
    expect(() => loadWebConfig(f)).toThrow(message);
    expect(() => loadWebConfig(f)).toThrow(f);
  });
});

describe('client certificate rules applied after the handshake', () => {
  const t = parse('tls_server_config: { cert: a, key: b, client_auth_type: RequireAnyClientCert }').tls!;
  const given = parse('tls_server_config: { cert: a, key: b, client_auth_type: VerifyClientCertIfGiven }').tls!;
  const sans = parse(
    'tls_server_config: { cert: a, key: b, client_auth_type: RequireAndVerifyClientCert, client_allowed_sans: [prometheus.test] }'
  ).tls!;

  it('RequireAnyClientCert wants a certificate, verified or not', () => {
    expect(refuseClient(t, { present: false, authorized: false })).toBe('no client certificate');
    expect(refuseClient(t, { present: true, authorized: false })).toBeUndefined();
  });

  it('VerifyClientCertIfGiven wants no certificate or a verified one', () => {
    expect(refuseClient(given, { present: false, authorized: false })).toBeUndefined();
    expect(refuseClient(given, { present: true, authorized: true })).toBeUndefined();
    expect(refuseClient(given, { present: true, authorized: false })).toBe('client certificate not verified');
  });

  it('client_allowed_sans wants one SAN of the list, exactly', () => {
    const peer = (subjectAltName: string) => ({ present: true, authorized: true, subjectAltName });
    expect(refuseClient(sans, peer('DNS:prometheus.test, URI:spiffe://x'))).toBeUndefined();
    expect(refuseClient(sans, peer('DNS:prometheus.test.evil'))).toMatch(/could not find allowed SANs/);
  });

  it("reads Node's subjectAltName text, quoted values included", () => {
    expect(subjectAltNames('DNS:a.test, IP Address:127.0.0.1, email:x@y, URI:spiffe://t/p, DNS:"b,c"')).toEqual([
      'a.test',
      '127.0.0.1',
      'x@y',
      'spiffe://t/p',
      'b,c',
    ]);
  });
});
