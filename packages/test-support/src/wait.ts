/**
 * Small generic helpers for tests that drive real processes: a free loopback port, a bounded poll and a
 * bounded stop.
 */
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';

/**
 * A TCP port on 127.0.0.1 that was free a moment ago: binds port 0, reads what the kernel chose, closes.
 * For programs that cannot be told to bind port 0 and report it themselves (e.g. Prometheus); another
 * process could take the port in between, which on a test machine is rare enough to accept.
 */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Calls `probe` every `intervalMs` until it returns something other than undefined, and resolves with that.
 * Rejects after `timeoutMs` with `what` and the last value or error seen, so a failed wait says why.
 * A throwing probe counts as "not yet" (the thing waited for may not be listening yet).
 */
export async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  { timeoutMs = 30_000, intervalMs = 250 }: { timeoutMs?: number; intervalMs?: number } = {}
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no attempt finished';
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
      last = 'not yet';
    } catch (err) {
      last = `error: ${(err as Error).message}`;
    }
    if (Date.now() + intervalMs > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${last})`);
    await sleep(intervalMs);
  }
}

/**
 * Stops a process of the test's own: SIGTERM, then SIGKILL if it has not exited within `graceMs`.
 * `exited` resolves when it has exited (listened for by the caller before, so an early exit is not missed).
 */
export async function terminate(child: ChildProcess, exited: Promise<void>, graceMs: number): Promise<void> {
  child.kill('SIGTERM');
  if (!(await exitsWithin(exited, graceMs))) {
    child.kill('SIGKILL');
    await exited;
  }
}

/**
 * Whether `exited` resolves within `ms`. The timer is cleared either way: a pending one would keep jest
 * from exiting.
 */
export async function exitsWithin(exited: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const inTime = await Promise.race([
    exited.then(() => true),
    new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms))),
  ]);
  clearTimeout(timer);
  return inTime;
}
