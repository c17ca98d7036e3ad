import type { TlsServerConfig } from './webConfig';

/**
 * Whether a client's certificate passes what the handshake itself cannot check: a certificate at all
 * (RequireAnyClientCert), a verified one if any (VerifyClientCertIfGiven), an allowed SAN. Returns the
 * reason to refuse, or undefined.
 */
export function refuseClient(
  t: TlsServerConfig,
  peer: { present: boolean; authorized: boolean; subjectAltName?: string }
): string | undefined {
  if (t.clientAuthType === 'RequireAnyClientCert' && !peer.present) return 'no client certificate';
  if (t.clientAuthType === 'VerifyClientCertIfGiven' && peer.present && !peer.authorized) {
    return 'client certificate not verified';
  }
  if (t.clientAllowedSans) {
    if (!peer.present) return 'client did not present a certificate to match against client_allowed_sans';
    const sans = subjectAltNames(peer.subjectAltName ?? '');
    if (!sans.some((san) => t.clientAllowedSans!.includes(san))) {
      return 'could not find allowed SANs in client cert';
    }
  }
  return undefined;
}

/**
 * Node's subjectAltName text ("DNS:a, IP Address:127.0.0.1, email:x@y, URI:spiffe://z"; a value with a
 * comma or quote comes JSON-quoted) → the values, as Go lists them for client_allowed_sans.
 */
export function subjectAltNames(text: string): string[] {
  const values: string[] = [];
  const re = /(DNS|IP Address|email|URI):("(?:[^"\\]|\\.)*"|[^,]*)(?:, |$)/g;
  for (let m = re.exec(text); m !== null && m[0] !== ''; m = re.exec(text)) {
    values.push(m[2].startsWith('"') ? (JSON.parse(m[2]) as string) : m[2]);
  }
  return values;
}
