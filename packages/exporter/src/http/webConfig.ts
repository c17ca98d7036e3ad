import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import tls from 'node:tls';
import { isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import { WebConfigError } from './webConfigError';

/**
 * The web configuration file of Prometheus's exporter-toolkit (`--web.config.file`), read the way
 * exporter-toolkit reads it, so the file a node_exporter user has works here unchanged: YAML, strict (an
 * unknown or repeated key is an error), relative file names taken from the file's own folder, the same
 * defaults (TLS 1.2 to 1.3, server cipher order, HTTP/2 on) and the same checks, turned into what Node's TLS
 * server takes. README.md, "Security", lists the fields and where Node differs.
 */

export { WebConfigError };

export const CLIENT_AUTH_TYPES = [
  'NoClientCert',
  'RequestClientCert',
  'RequireAnyClientCert',
  'VerifyClientCertIfGiven',
  'RequireAndVerifyClientCert',
] as const;
export type ClientAuthType = (typeof CLIENT_AUTH_TYPES)[number];

/** exporter-toolkit's names for TLS versions, and OpenSSL's. */
export const TLS_VERSIONS: Record<string, tls.SecureVersion> = {
  TLS10: 'TLSv1',
  TLS11: 'TLSv1.1',
  TLS12: 'TLSv1.2',
  TLS13: 'TLSv1.3',
};

/**
 * Go's names (crypto/tls CipherSuites(): the suites Go calls secure) and OpenSSL's. TLS 1.3 suites are
 * accepted and, as in Go, not configurable: they do not narrow TLS 1.3.
 */
export const CIPHER_SUITES: Record<string, string | null> = {
  TLS_AES_128_GCM_SHA256: null,
  TLS_AES_256_GCM_SHA384: null,
  TLS_CHACHA20_POLY1305_SHA256: null,
  TLS_RSA_WITH_AES_128_CBC_SHA: 'AES128-SHA',
  TLS_RSA_WITH_AES_256_CBC_SHA: 'AES256-SHA',
  TLS_RSA_WITH_AES_128_GCM_SHA256: 'AES128-GCM-SHA256',
  TLS_RSA_WITH_AES_256_GCM_SHA384: 'AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA: 'ECDHE-ECDSA-AES128-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA: 'ECDHE-ECDSA-AES256-SHA',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: 'ECDHE-RSA-AES128-SHA',
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: 'ECDHE-RSA-AES256-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 'ECDHE-RSA-AES128-GCM-SHA256',
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 'ECDHE-RSA-AES256-GCM-SHA384',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-ECDSA-CHACHA20-POLY1305',
};

/** exporter-toolkit's curve names and OpenSSL's. */
export const CURVES: Record<string, string> = {
  CurveP256: 'P-256',
  CurveP384: 'P-384',
  CurveP521: 'P-521',
  X25519: 'X25519',
};

/**
 * The response headers the file may set, and the values allowed where exporter-toolkit allows only some
 * (undefined: any value).
 */
export const ALLOWED_HEADERS: Record<string, readonly string[] | undefined> = {
  'Strict-Transport-Security': undefined,
  'X-Content-Type-Options': ['nosniff'],
  'X-Frame-Options': ['deny', 'sameorigin'],
  'X-XSS-Protection': undefined,
  'Content-Security-Policy': undefined,
};

/** `tls_server_config`, as written (file names made absolute). */
export interface TlsServerConfig {
  cert?: string;
  key?: string;
  clientCa?: string;
  certFile?: string;
  keyFile?: string;
  clientAuthType: ClientAuthType;
  clientCaFile?: string;
  clientAllowedSans?: string[];
  minVersion: tls.SecureVersion;
  maxVersion: tls.SecureVersion;
  /** Go names, as written. */
  cipherSuites: string[];
  preferServerCipherSuites: boolean;
  /** Go names, as written. */
  curvePreferences: string[];
}

export interface WebConfig {
  /** Absent: plain HTTP (the file only sets users, headers or a rate limit). */
  tls?: TlsServerConfig;
  http2: boolean;
  headers: Record<string, string>;
  /** user → bcrypt hash; empty: no basic auth. */
  users: Map<string, string>;
  /** A token bucket over every request (429 when empty); absent or an interval of 0: none. */
  rateLimit?: { intervalMs: number; burst: number };
}

/** A web config with what its TLS part names read in: what the server needs, and the files to watch. */
export interface LoadedWebConfig {
  config: WebConfig;
  /** The TLS server's options (absent without TLS). */
  secure?: SecureOptions;
  /** Every file this config came from: the config file itself and the files it names. */
  files: string[];
}

export interface SecureOptions extends tls.SecureContextOptions {
  requestCert: boolean;
  rejectUnauthorized: boolean;
}

/** bcrypt's modular crypt format: $2a$, $2b$ or $2y$, a two-digit cost, 22 characters of salt, 31 of hash. */
const BCRYPT_HASH = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;

/**
 * Parses the text of a web config file. `dir` is the file's folder, which relative file names are taken
 * from (as exporter-toolkit does). Throws WebConfigError; reads no file.
 */
export function parseWebConfig(text: string, dir: string): WebConfig {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) throw new WebConfigError(`invalid YAML: ${doc.errors[0].message.split('\n')[0]}`);
  const root = mapping(doc.contents, '', ['tls_server_config', 'http_server_config', 'basic_auth_users', 'rate_limit']);

  const config: WebConfig = { http2: true, headers: {}, users: new Map() };

  const http = mapping(root.get('http_server_config'), 'http_server_config', ['http2', 'headers']);
  const http2 = http.get('http2');
  if (http2 !== undefined) config.http2 = bool(http2, 'http_server_config.http2');
  const headers = mapping(http.get('headers'), 'http_server_config.headers', null);
  for (const [name, node] of headers) {
    const value = str(node, `http_server_config.headers.${name}`);
    if (!(name in ALLOWED_HEADERS)) throw new WebConfigError(`HTTP header "${name}" can not be configured`);
    const allowed = ALLOWED_HEADERS[name];
    if (allowed && !allowed.includes(value)) {
      throw new WebConfigError(`invalid value for ${name}: expected one of ${allowed.join(', ')}, got "${value}"`);
    }
    config.headers[name] = value;
  }

  const users = mapping(root.get('basic_auth_users'), 'basic_auth_users', null);
  for (const [user, node] of users) {
    const hash = str(node, `basic_auth_users.${user}`);
    const m = BCRYPT_HASH.exec(hash);
    if (!m || Number(m[1]) < 4 || Number(m[1]) > 31) {
      throw new WebConfigError(
        `basic_auth_users.${user}: not a bcrypt hash ($2a$, $2b$ or $2y$, cost 4 to 31; e.g. from htpasswd -nBC 10 "")`
      );
    }
    config.users.set(user, hash);
  }

  const rate = mapping(root.get('rate_limit'), 'rate_limit', ['interval', 'burst']);
  if (rate.size > 0) {
    const interval = rate.get('interval');
    const burst = rate.get('burst');
    const intervalMs = interval === undefined ? 0 : duration(interval, 'rate_limit.interval');
    const burstN = burst === undefined ? 0 : int(burst, 'rate_limit.burst');
    if (intervalMs > 0) config.rateLimit = { intervalMs, burst: burstN };
  }

  const t = mapping(root.get('tls_server_config'), 'tls_server_config', [
    'cert',
    'key',
    'client_ca',
    'cert_file',
    'key_file',
    'client_auth_type',
    'client_ca_file',
    'client_allowed_sans',
    'min_version',
    'max_version',
    'cipher_suites',
    'prefer_server_cipher_suites',
    'curve_preferences',
  ]);
  const s = (key: string) => {
    const node = t.get(key);
    return node === undefined ? undefined : str(node, `tls_server_config.${key}`) || undefined;
  };
  const path = (key: string) => {
    const p = s(key);
    return p === undefined || isAbsolute(p) ? p : join(dir, p);
  };
  const list = (key: string) => {
    const node = t.get(key);
    return node === undefined ? undefined : seq(node, `tls_server_config.${key}`);
  };
  const version = (key: string, fallback: tls.SecureVersion) => {
    const v = s(key);
    if (v === undefined) return fallback;
    if (!(v in TLS_VERSIONS)) {
      throw new WebConfigError(
        `tls_server_config.${key}: unknown TLS version: ${v} (one of ${Object.keys(TLS_VERSIONS).join(', ')})`
      );
    }
    return TLS_VERSIONS[v];
  };
  const clientAuthType = (s('client_auth_type') ?? 'NoClientCert') as string;
  // exporter-toolkit still takes the old name of RequireAnyClientCert.
  const clientAuth = clientAuthType === 'RequireClientCert' ? 'RequireAnyClientCert' : clientAuthType;
  if (!(CLIENT_AUTH_TYPES as readonly string[]).includes(clientAuth)) {
    throw new WebConfigError(
      `tls_server_config.client_auth_type: invalid ClientAuth: ${clientAuthType} (one of ${CLIENT_AUTH_TYPES.join(', ')})`
    );
  }
  const cipherSuites = list('cipher_suites') ?? [];
  for (const c of cipherSuites) {
    if (!(c in CIPHER_SUITES)) throw new WebConfigError(`tls_server_config.cipher_suites: unknown cipher: ${c}`);
  }
  const curvePreferences = list('curve_preferences') ?? [];
  for (const c of curvePreferences) {
    if (!(c in CURVES)) throw new WebConfigError(`tls_server_config.curve_preferences: unknown curve: ${c}`);
  }
  const prefer = t.get('prefer_server_cipher_suites');
  const tlsConfig: TlsServerConfig = {
    cert: s('cert'),
    key: s('key'),
    clientCa: s('client_ca'),
    certFile: path('cert_file'),
    keyFile: path('key_file'),
    clientAuthType: clientAuth as ClientAuthType,
    clientCaFile: path('client_ca_file'),
    clientAllowedSans: list('client_allowed_sans'),
    minVersion: version('min_version', 'TLSv1.2'),
    maxVersion: version('max_version', 'TLSv1.3'),
    cipherSuites,
    preferServerCipherSuites:
      prefer === undefined ? true : bool(prefer, 'tls_server_config.prefer_server_cipher_suites'),
    curvePreferences,
  };

  // TLS is on when any of its files, texts or the client auth type is set (exporter-toolkit's IsEnabled).
  const enabled = Boolean(
    tlsConfig.cert ||
    tlsConfig.key ||
    tlsConfig.certFile ||
    tlsConfig.keyFile ||
    tlsConfig.clientCa ||
    tlsConfig.clientCaFile ||
    s('client_auth_type')
  );
  if (!enabled) return config;
  if (!tlsConfig.cert && !tlsConfig.certFile)
    throw new WebConfigError('tls_server_config: missing one of cert or cert_file');
  if (!tlsConfig.key && !tlsConfig.keyFile)
    throw new WebConfigError('tls_server_config: missing one of key or key_file');
  if ((tlsConfig.clientCa || tlsConfig.clientCaFile) && clientAuth === 'NoClientCert') {
    throw new WebConfigError("tls_server_config: client CA's have been configured without a Client Auth Policy");
  }
  if (
    tlsConfig.clientAllowedSans &&
    clientAuth !== 'RequireAnyClientCert' &&
    clientAuth !== 'RequireAndVerifyClientCert'
  ) {
    throw new WebConfigError(
      'tls_server_config.client_allowed_sans requires client_auth_type to be one of RequireAnyClientCert or RequireAndVerifyClientCert'
    );
  }
  if (VERSION_ORDER.indexOf(tlsConfig.minVersion) > VERSION_ORDER.indexOf(tlsConfig.maxVersion)) {
    throw new WebConfigError('tls_server_config: min_version is above max_version');
  }
  config.tls = tlsConfig;
  return config;
}

const VERSION_ORDER: tls.SecureVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/**
 * Reads and checks a web config file and what its TLS part names: the certificate and key must load and
 * belong together, the client CAs must hold a certificate. Throws WebConfigError naming the file.
 */
export function loadWebConfig(file: string): LoadedWebConfig {
  const files = [file];
  const read = (path: string, what: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch (err) {
      throw new WebConfigError(`cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? err}`);
    }
  };
  const prefix = (err: unknown) =>
    err instanceof WebConfigError ? new WebConfigError(`web config ${file}: ${err.message}`) : err;
  try {
    const config = parseWebConfig(read(file, 'web config file'), dirname(file));
    const t = config.tls;
    if (!t) return { config, files };
    const fromFile = (path: string | undefined, text: string | undefined, what: string) => {
      if (path === undefined) return text ?? '';
      files.push(path);
      return read(path, what);
    };
    const cert = fromFile(t.certFile, t.cert, 'cert_file');
    const key = fromFile(t.keyFile, t.key, 'key_file');
    const clientCa =
      t.clientCaFile !== undefined || t.clientCa !== undefined
        ? fromFile(t.clientCaFile, t.clientCa, 'client_ca_file')
        : undefined;
    try {
      if (!new X509Certificate(cert).checkPrivateKey(createPrivateKey(key))) {
        throw new Error('the private key does not match the certificate');
      }
    } catch (err) {
      throw new WebConfigError(`tls_server_config: failed to load X509KeyPair: ${(err as Error).message}`);
    }
    if (clientCa !== undefined) {
      const cas = clientCa.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
      try {
        for (const ca of cas) new X509Certificate(ca);
      } catch (err) {
        throw new WebConfigError(`tls_server_config: invalid client CA: ${(err as Error).message}`);
      }
      if (cas.length === 0) throw new WebConfigError('tls_server_config: the client CA holds no PEM certificate');
    }
    const ciphers = t.cipherSuites.map((c) => CIPHER_SUITES[c]).filter((c): c is string => c !== null);
    const secure: SecureOptions = {
      cert,
      key,
      ...(clientCa !== undefined ? { ca: clientCa } : {}),
      minVersion: t.minVersion,
      maxVersion: t.maxVersion,
      // TLS 1.3's suites first, as Node's defaults have them: the list narrows TLS 1.2 only, as in Go.
      ...(ciphers.length > 0
        ? { ciphers: [...tls.DEFAULT_CIPHERS.split(':').filter((c) => c.startsWith('TLS_')), ...ciphers].join(':') }
        : {}),
      honorCipherOrder: t.preferServerCipherSuites,
      ...(t.curvePreferences.length > 0 ? { ecdhCurve: t.curvePreferences.map((c) => CURVES[c]).join(':') } : {}),
      requestCert: t.clientAuthType !== 'NoClientCert',
      rejectUnauthorized: t.clientAuthType === 'RequireAndVerifyClientCert',
    };
    try {
      tls.createSecureContext(secure);
    } catch (err) {
      throw new WebConfigError(`tls_server_config: ${(err as Error).message}`);
    }
    return { config, secure, files };
  } catch (err) {
    throw prefix(err);
  }
}

type YamlMap = Map<string, Node>;

/** A mapping with only `keys` (null: any string keys), or an empty one for an absent or null node. */
function mapping(node: unknown, where: string, keys: readonly string[] | null): YamlMap {
  const out: YamlMap = new Map();
  if (node === undefined || node === null || (isScalar(node) && node.value === null)) return out;
  if (!isMap(node)) throw new WebConfigError(`${where || 'the file'}: expected a mapping`);
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    if (key === undefined) throw new WebConfigError(`${where || 'the file'}: keys must be strings`);
    if (keys && !keys.includes(key)) {
      throw new WebConfigError(`field ${key} not found${where ? ` in ${where}` : ''} (known: ${keys.join(', ')})`);
    }
    out.set(key, pair.value as Node);
  }
  return out;
}

function scalar(node: unknown, where: string): unknown {
  if (node === null || node === undefined) return null;
  if (!isScalar(node)) throw new WebConfigError(`${where}: expected a single value`);
  return node.value;
}

/** A string; numbers are taken as their text, as Go's YAML does for a string field. */
function str(node: unknown, where: string): string {
  const v = scalar(node, where);
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  throw new WebConfigError(`${where}: expected a string, got ${JSON.stringify(v)}`);
}

function bool(node: unknown, where: string): boolean {
  const v = scalar(node, where);
  if (typeof v !== 'boolean') throw new WebConfigError(`${where}: expected true or false, got ${JSON.stringify(v)}`);
  return v;
}

function int(node: unknown, where: string): number {
  const v = scalar(node, where);
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new WebConfigError(`${where}: expected an integer, got ${JSON.stringify(v)}`);
  }
  return v;
}

function seq(node: unknown, where: string): string[] {
  if (node === null || (isScalar(node) && node.value === null)) return [];
  if (!isSeq(node)) throw new WebConfigError(`${where}: expected a list`);
  return node.items.map((item, i) => str(item, `${where}[${i}]`));
}

const DURATION_UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** A Go duration ("1s", "1m30s", "250ms"; an integer is nanoseconds, as Go's YAML reads it) → milliseconds. */
function duration(node: unknown, where: string): number {
  const v = scalar(node, where);
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v / 1e6;
  const text = typeof v === 'string' ? v : '';
  if (text === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let ms = 0;
  let at = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    ms += Number(m[1]) * DURATION_UNITS[m[2]];
    at = re.lastIndex;
  }
  if (text === '' || at !== text.length) {
    throw new WebConfigError(`${where}: invalid duration ${JSON.stringify(v)} (e.g. 1s, 500ms, 1m30s)`);
  }
  return ms;
}
