import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/**
 * The exporter's built CLI in this repository, exactly what users run. `npm test` builds it before testing
 * (turbo: test dependsOn build, and the panel's test dependsOn the exporter's build).
 */
export const CLI = join(__dirname, '..', '..', 'exporter', 'dist', 'cli.js');

export interface ExporterProcess {
  child: ChildProcess;
  port: number;
  url: string;
  /** Everything the exporter logged so far. */
  log(): string;
  scrape(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts `isoscope-exporter` on a free loopback port (it logs the address it bound) and waits until it
 * serves. Rejects with the exporter's log if it exits or does not listen within the timeout. `launcher`
 * runs it through another command (e.g. `nsenter … --` into a test node's network namespace, where
 * `scrape()` cannot reach it: the test then fetches from inside that namespace).
 */
export function startExporter(args: string[], timeoutMs = 20000, launcher: string[] = []): Promise<ExporterProcess> {
  // Run as users run it, through its shebang (which carries the exporter's V8 flags).
  const [command, ...launcherArgs] = [...launcher, CLI];
  const child = spawn(command, [...launcherArgs, '--web.listen-address=127.0.0.1:0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${why}\n--- exporter log ---\n${output}`));
    };
    const timer = setTimeout(() => fail('exporter did not start listening in time'), timeoutMs);
    child.once('exit', (code) => fail(`exporter exited with ${code} before listening`));
    const poll = setInterval(() => {
      const m = /msg=listening address=127\.0\.0\.1:(\d+)/.exec(output);
      if (!m) return;
      clearInterval(poll);
      clearTimeout(timer);
      child.removeAllListeners('exit');
      const port = Number(m[1]);
      const url = `http://127.0.0.1:${port}`;
      resolve({
        child,
        port,
        url,
        log: () => output,
        scrape: async () => {
          const res = await fetch(`${url}/metrics`);
          if (res.status !== 200) throw new Error(`scrape answered ${res.status}: ${await res.text()}`);
          return res.text();
        },
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    }, 20);
    child.once('exit', () => clearInterval(poll));
  });
}
