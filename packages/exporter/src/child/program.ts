import { execFile } from 'node:child_process';

/**
 * Runs a self-contained function in a short-lived Node process (`node -e`, its source text) and parses
 * what it writes to stdout as JSON. For work whose libraries would stay resident in the exporter for its
 * whole life (code, module sources, the node binary pages they touch) though it is done seldom: host facts
 * once at start, the CRI calls once a minute. `input` reaches the program as JSON on stdin; the process is
 * killed after `timeoutMs`; stdout is bounded by `maxBytes`.
 */
export function runChildProgram<T>(
  what: string,
  program: () => void,
  opts: {
    args?: string[];
    input?: unknown;
    timeoutMs: number;
    maxBytes: number;
    /** How its stdout becomes the answer (default JSON.parse); throws on a bad one. */
    parse?: (stdout: string) => unknown;
  }
): Promise<T> {
  // The exporter makes no TLS connection, but a library that loads `tls` would parse the whole bundle.
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['-e', `(${program.toString()})()`, ...(opts.args ?? [])],
      { timeout: opts.timeoutMs, maxBuffer: opts.maxBytes, env, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => {
        if (err) {
          const detail = stderr.trim().split('\n').pop();
          const why = err.killed ? `killed after ${opts.timeoutMs} ms` : err.message.split('\n')[0];
          reject(new Error(`${what} process failed: ${why}${detail ? ` (${detail})` : ''}`));
          return;
        }
        try {
          resolve((opts.parse ?? JSON.parse)(stdout) as T);
        } catch (parseErr) {
          const why = parseErr instanceof SyntaxError ? '' : ` (${(parseErr as Error).message})`;
          reject(new Error(`${what} process wrote no JSON: ${JSON.stringify(stdout.slice(0, 80))}${why}`));
        }
      }
    );
    child.stdin?.on('error', () => {}); // a child that exits before reading its input is reported above
    child.stdin?.end(opts.input === undefined ? '' : JSON.stringify(opts.input));
  });
}
