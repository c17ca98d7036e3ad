import { createHmac, randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';

/**
 * basic_auth_users checked as exporter-toolkit checks them: bcrypt, one comparison at a time (bcrypt is
 * CPU work on the one thread that also serves scrapes), an unknown user compared against a fixed hash so
 * the answer takes as long as for a known one, and each (user, hash, password) verdict cached (100
 * entries, a tenth evicted at random when full) so a scraper pays the bcrypt round once, not every scrape.
 * The cache keys are HMACs under a key of this process, so no password is kept in memory in plain text,
 * and a lookup compares digests an attacker cannot choose.
 */
export class BasicAuth {
  static readonly CACHE_SIZE = 100;
  private readonly cache = new Map<string, boolean>();
  private readonly macKey = randomBytes(32);
  private queue: Promise<unknown> = Promise.resolve();
  private decoy: string | undefined;

  /** Whether the `Authorization` header names one of `users` with its password. */
  async check(users: ReadonlyMap<string, string>, authorization: string | undefined): Promise<boolean> {
    const credentials = parseBasic(authorization);
    if (!credentials) return false;
    const { user, password } = credentials;
    const hash = users.get(user);
    const known = hash !== undefined;
    const against = hash ?? this.decoyHash();
    const key = createHmac('sha256', this.macKey).update(`${user}\0${against}\0${password}`).digest('base64');
    let ok = this.cache.get(key);
    if (ok === undefined) {
      const compared = this.queue.then(() => bcrypt.compare(password, against));
      this.queue = compared.catch(() => false);
      ok = known && (await compared.catch(() => false));
      this.remember(key, ok);
    }
    return ok && known;
  }

  private remember(key: string, ok: boolean): void {
    if (this.cache.size >= BasicAuth.CACHE_SIZE) {
      const keys = [...this.cache.keys()];
      for (let n = Math.max(1, Math.floor(keys.length / 10)); n > 0 && keys.length > 0; n--) {
        this.cache.delete(keys.splice(Math.floor(Math.random() * keys.length), 1)[0]);
      }
    }
    this.cache.set(key, ok);
  }

  /** A hash of a random password at cost 10, made once, the first time an unknown user is tried. */
  private decoyHash(): string {
    this.decoy ??= bcrypt.hashSync(randomBytes(16).toString('hex'), 10);
    return this.decoy;
  }
}

/** `Basic base64(user:password)` → its parts; undefined for any other header. */
export function parseBasic(header: string | undefined): { user: string; password: string } | undefined {
  const m = /^Basic[ \t]+([A-Za-z0-9+/=]+)[ \t]*$/i.exec(header ?? '');
  if (!m) return undefined;
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon === -1) return undefined;
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}
