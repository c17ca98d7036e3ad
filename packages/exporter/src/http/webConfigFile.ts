import { statSync } from 'node:fs';
import type { Logger } from '../log/logger';
import { BasicAuth } from './basicAuth';
import { loadWebConfig, type LoadedWebConfig } from './webConfig';
import { WebConfigError } from './webConfigError';

/**
 * `--web.config.file`, kept current: before each request and each new connection the server asks for
 * `current()`, which stats the file and every file it names (a few microseconds) and reads them again
 * when one changed (mtime, ctime, size or inode: an edit, a rename over it, a Kubernetes secret's symlink
 * swap). A file that became wrong keeps the last good config serving, logged once per change; a change
 * that needs a restart (TLS switched on or off, http2) is refused the same way.
 */
export class WebConfigFile {
  private loaded: LoadedWebConfig;
  private signature: string;
  private refused: string | undefined;
  private readonly listeners: ((loaded: LoadedWebConfig) => void)[] = [];
  /** basic_auth_users' checks and their cache, which outlives reloads (its keys include the hash). */
  readonly auth = new BasicAuth();

  /** Reads the file; throws WebConfigError when it is wrong (the CLI exits 2). */
  constructor(
    readonly path: string,
    private readonly log: Logger
  ) {
    this.loaded = loadWebConfig(path);
    this.signature = signatureOf(this.loaded.files);
  }

  current(): LoadedWebConfig {
    const signature = signatureOf(this.loaded.files);
    if (signature === this.signature || signature === this.refused) return this.loaded;
    let next: LoadedWebConfig;
    try {
      next = loadWebConfig(this.path);
      const restart = needsRestart(this.loaded, next);
      if (restart) throw new WebConfigError(`web config ${this.path}: ${restart} needs a restart`);
    } catch (err) {
      if (!(err instanceof WebConfigError)) throw err;
      this.refused = signature;
      this.log.error('web config not reloaded; serving with the last good one', { err: err.message });
      return this.loaded;
    }
    this.loaded = next;
    this.signature = signatureOf(next.files);
    this.refused = undefined;
    this.log.info('web config reloaded', { file: this.path, tls: Boolean(next.secure), users: next.config.users.size });
    for (const listener of this.listeners) listener(next);
    return next;
  }

  /** Called with each new good config (after the first). */
  onReload(listener: (loaded: LoadedWebConfig) => void): void {
    this.listeners.push(listener);
  }
}

function needsRestart(before: LoadedWebConfig, after: LoadedWebConfig): string | undefined {
  if (Boolean(before.secure) !== Boolean(after.secure)) return 'switching TLS on or off';
  if (before.config.http2 !== after.config.http2) return 'changing http_server_config.http2';
  return undefined;
}

function signatureOf(files: string[]): string {
  return files
    .map((file) => {
      try {
        const s = statSync(file, { bigint: true });
        return `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
      } catch (err) {
        return (err as NodeJS.ErrnoException).code ?? 'error';
      }
    })
    .join('|');
}
