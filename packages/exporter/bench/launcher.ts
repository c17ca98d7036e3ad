/**
 * How the bench starts the exporter: with a chosen node binary (`--node`, default the one running the bench)
 * and exactly the environment and node flags of dist/cli.js's shebang, parsed from that line so the two
 * cannot drift. (Running the CLI through its shebang would take whatever `node` is first on PATH, and
 * --cpu-prof is not allowed in NODE_OPTIONS.) Also the bare node of the RSS breakdown, with the same env
 * and flags.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { EXPORTER_CLI, terminate, watchExit } from './exporterModules';

export interface Shebang {
  /** Variables the shebang sets (`env NAME=VALUE`). */
  set: Record<string, string>;
  /** Variables it removes (`env -u NAME`). */
  unset: string[];
  /** Node flags after `node`. */
  nodeFlags: string[];
  line: string;
}

/** Parses `#!/usr/bin/env [-S] [-u NAME]… [NAME=VALUE]… node [flags…]` (or `#!/path/to/node [flags…]`). */
export function parseShebang(line: string): Shebang {
  if (!line.startsWith('#!')) throw new Error(`no shebang: ${JSON.stringify(line)}`);
  const words = line.slice(2).trim().split(/\s+/);
  const set: Record<string, string> = {};
  const unset: string[] = [];
  let i = 0;
  if (path.basename(words[0] ?? '') === 'env') {
    for (i = 1; i < words.length; i++) {
      const w = words[i];
      if (w === '-S' || w === '--split-string') continue;
      if (w === '-u' || w === '--unset') unset.push(words[++i] ?? '');
      else if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) set[w.slice(0, w.indexOf('='))] = w.slice(w.indexOf('=') + 1);
      else if (w.startsWith('-')) throw new Error(`shebang: env option ${w} not understood: ${line}`);
      else break;
    }
  }
  const command = words[i];
  if (command === undefined || !/^node(js)?$/.test(path.basename(command)))
    throw new Error(`shebang does not run node: ${line}`);
  return { set, unset, nodeFlags: words.slice(i + 1), line };
}

export interface Launch {
  node: string;
  shebang: Shebang;
  /** The environment every exporter and the bare node get: the bench's, as the shebang changes it. */
  env: NodeJS.ProcessEnv;
  /** `node --version` of the binary. */
  version: string;
}

export function launchFor(node: string): Launch {
  const shebang = parseShebang(readFileSync(EXPORTER_CLI, 'utf8').split('\n', 1)[0]);
  const env: NodeJS.ProcessEnv = { ...process.env, ...shebang.set };
  for (const name of shebang.unset) delete env[name];
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  return { node, shebang, env, version };
}

/** The exporter's command line as the bench runs it, for the report. */
export function describeLaunch(l: Launch, extraNodeFlags: string[] = []): string {
  const env = [...l.shebang.unset.map((n) => `-u ${n}`), ...Object.entries(l.shebang.set).map(([k, v]) => `${k}=${v}`)];
  return `env ${env.join(' ')} ${l.node} ${[...l.shebang.nodeFlags, ...extraNodeFlags].join(' ')} dist/cli.js`;
}

export interface RunningExporter {
  child: ChildProcess;
  pid: number;
  url: string;
  log(): string;
  /** SIGTERM, then SIGKILL after 10 s; resolves when it has exited. */
  stop(): Promise<void>;
}

/** SIGTERM, then SIGKILL after 10 s; nothing if it has exited already. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await terminate(child, watchExit(child).exited, 10_000);
}

/** The built CLI on a free loopback port, resolved once it logs the address it listens on. */
export function startExporter(
  l: Launch,
  args: string[],
  extraNodeFlags: string[] = [],
  timeoutMs = 30_000
): Promise<RunningExporter> {
  const child = spawn(
    l.node,
    [...l.shebang.nodeFlags, ...extraNodeFlags, EXPORTER_CLI, '--web.listen-address=127.0.0.1:0', ...args],
    { stdio: ['ignore', 'pipe', 'pipe'], env: l.env }
  );
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      clearInterval(poll);
      reject(new Error(`exporter exited with ${code} before listening\n${output}`));
    };
    const timer = setTimeout(() => {
      clearInterval(poll);
      child.off('exit', onExit);
      child.kill('SIGKILL');
      reject(new Error(`exporter did not listen in time\n${output}`));
    }, timeoutMs);
    child.once('exit', onExit);
    const poll = setInterval(() => {
      const m = /msg=listening address=127\.0\.0\.1:(\d+)/.exec(output);
      if (!m || child.pid === undefined) return;
      clearInterval(poll);
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve({
        child,
        pid: child.pid,
        url: `http://127.0.0.1:${m[1]}`,
        log: () => output,
        stop: () => stopChild(child),
      });
    }, 20);
  });
}

/** A bare node with the shebang's env and flags running a program that only waits (the breakdown's (a)). */
export function startBareNode(l: Launch): { child: ChildProcess; pid: number; stop(): Promise<void> } {
  const child = spawn(l.node, [...l.shebang.nodeFlags, '-e', 'setInterval(() => {}, 1 << 30)'], {
    stdio: 'ignore',
    env: l.env,
  });
  if (child.pid === undefined) throw new Error(`cannot start ${l.node}`);
  return { child, pid: child.pid, stop: () => stopChild(child) };
}

/** Checks that a started process got the shebang's environment (what `env -S` would have given it). */
export function checkEnvironment(pid: number, l: Launch): string[] {
  const env = new Map(
    readFileSync(`/proc/${pid}/environ`, 'latin1')
      .split('\0')
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as const)
  );
  const wrong: string[] = [];
  for (const [k, v] of Object.entries(l.shebang.set)) if (env.get(k) !== v) wrong.push(`${k} is ${env.get(k)}`);
  for (const k of l.shebang.unset) if (env.has(k)) wrong.push(`${k} is set`);
  return wrong;
}
