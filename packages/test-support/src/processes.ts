/**
 * Process and file helpers for the tests' private daemons (engine.ts here, and the exporter's
 * test/support/containerd.ts):
 * finding tools, running them with a deadline, and stopping and finding what a daemon left, by pid and by
 * its temp dir only, so nothing of anyone else's is ever touched.
 */
import { type ChildProcess, execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sleep } from './wait';

/** Where Debian installs daemons and runc; a non-login root shell may lack these in PATH. */
export const SBIN_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];
/** sockaddr_un.sun_path is 108 bytes including the NUL; keep a margin. */
export const MAX_SOCKET_PATH = 100;

/** $PATH, then the sbin dirs and /usr/bin, /bin. */
export function defaultSearchPath(): string[] {
  return [...new Set([...(process.env.PATH ?? '').split(':').filter(Boolean), ...SBIN_DIRS, '/usr/bin', '/bin'])];
}

export function findExecutable(name: string, dirs: string[]): string | null {
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // Not here; keep looking.
    }
  }
  return null;
}

/**
 * True when the ELF file has no PT_INTERP program header, i.e. runs without a dynamic loader. Debian's
 * `busybox` package installs a dynamic /bin/busybox that cannot run in an image without libc; only
 * `busybox-static` works, and the failure inside the container ("no such file or directory") is baffling.
 */
export function isStaticElf(file: string): boolean {
  const buf = fs.readFileSync(file);
  if (buf.length < 64 || buf.readUInt32BE(0) !== 0x7f454c46) return false;
  const is64 = buf[4] === 2;
  const le = buf[5] === 1;
  const u16 = (o: number) => (le ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
  const u32 = (o: number) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const phoff = is64 ? Number(le ? buf.readBigUInt64LE(0x20) : buf.readBigUInt64BE(0x20)) : u32(0x1c);
  const phentsize = u16(is64 ? 0x36 : 0x2a);
  const phnum = u16(is64 ? 0x38 : 0x2c);
  const PT_INTERP = 3;
  for (let i = 0; i < phnum; i++) {
    const off = phoff + i * phentsize;
    if (off + 4 > buf.length) return false;
    if (u32(off) === PT_INTERP) return false;
  }
  return true;
}

/** Runs a tool; resolves with stdout, rejects with an Error carrying its stderr. */
export function run(file: string, args: string[], env?: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env, maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) {
        const how = err.killed ? `killed after ${timeoutMs} ms` : `exit code ${String(err.code)}`;
        reject(
          new Error(`${path.basename(file)} ${args.join(' ')} failed (${how}): ${String(stderr).trim() || err.message}`)
        );
      } else {
        resolve(String(stdout));
      }
    });
  });
}

export function tailOf(file: string, lines = 30): string {
  try {
    const text = fs.readFileSync(file, 'utf8').trimEnd();
    return text.split('\n').slice(-lines).join('\n') || '(empty)';
  } catch (err) {
    return `(cannot read ${file}: ${(err as Error).message})`;
  }
}

/** Alive and not a zombie (a reparented child may linger as a zombie where PID 1 does not reap). */
export function isAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

export function cmdlineOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(50);
  }
  return !isAlive(pid);
}

export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}

/** TERM, then KILL if it does not exit in time. */
export async function terminatePid(pid: number, graceMs: number): Promise<void> {
  if (!isAlive(pid)) return;
  signal(pid, 'SIGTERM');
  if (await waitForExit(pid, graceMs)) return;
  signal(pid, 'SIGKILL');
  await waitForExit(pid, 5000);
}

/**
 * Pids whose command line names a daemon's temp dir: the daemon and what it spawned, shims included (they
 * are reparented to init when the daemon exits, so they are not our children). The dir is unique to one
 * daemon, so this never matches another's processes.
 */
export function processesUnder(baseDir: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    if (cmdlineOf(pid).includes(baseDir + '/') && isAlive(pid)) pids.push(pid);
  }
  return pids;
}

/** Mount points at or under dir as this process sees them, deepest first (mountinfo escapes space, tab, newline, backslash as octal). */
export function mountsUnder(dir: string): string[] {
  const text = fs.readFileSync('/proc/self/mountinfo', 'utf8');
  const points = text
    .split('\n')
    .filter(Boolean)
    .map((line) => unescapeMountPath(line.split(' ')[4]))
    .filter((p) => p === dir || p.startsWith(dir + '/'));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/** A mountinfo path field as the path it names. */
export function unescapeMountPath(p: string): string {
  return p.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** A spawned daemon's end: `exited` resolves when it exits or fails to spawn; `status()` says how, null before. */
export interface ExitWatch {
  exited: Promise<void>;
  status(): string | null;
}

export function watchExit(child: ChildProcess): ExitWatch {
  let status: string | null = null;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, sig) => {
      status = sig ? `signal ${sig}` : `code ${String(code)}`;
      resolve();
    });
    child.once('error', (err) => {
      status = `spawn error: ${err.message}`;
      resolve();
    });
  });
  return { exited, status: () => status };
}
