/**
 * --profile: the stage breakdown (the exporter's Exporter/Exposition classes run in the bench process, timed
 * per phase as Exporter.scrape runs them, and the floor lists read through Node's fs, to separate "Node's fs
 * layer" from "the exporter's work"), and the summary of a `node --cpu-prof` run of the CLI by self time.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import {
  COLLECTORS,
  DockerMetadataSource,
  Exporter,
  Exposition,
  loadEnvironment,
  PROFILE_AREAS,
  readPseudoFile,
  RuntimeMetadata,
  silentLogger,
} from './exporterModules';
import { stats } from './measure';
import type { FloorOp, StageBreakdown, Stats } from './types';

export async function stageBreakdown(
  n: number,
  dockerSocket: string | undefined,
  lists: { steady: FloorOp[]; once: FloorOp[]; cold: FloorOp[] },
  iterations: number,
  warmup: number
): Promise<StageBreakdown> {
  const collectors = new Set(COLLECTORS);
  const env = loadEnvironment({ procfs: '/proc', sysfs: '/sys', namespaceReference: 'auto' }, silentLogger);
  const exposition = new Exposition(collectors);
  const metadata = dockerSocket
    ? new RuntimeMetadata([new DockerMetadataSource({ socketPath: dockerSocket })])
    : undefined;
  const exporter = new Exporter({ env, collectors, exposition, metadata });
  const now = () => process.hrtime.bigint();
  const msSince = (t: bigint) => Number(now() - t) / 1e6;
  const phases: Record<'collect' | 'render' | 'total', number[]> = { collect: [], render: [], total: [] };
  let samples = 0;
  let series = 0;
  let bytes = 0;
  // The first iteration is the cold scrape (empty process cache); the warm-up absorbs it, as in the CLI runs.
  for (let i = 0; i < warmup + iterations; i++) {
    const t0 = now();
    const s = await exporter.collect();
    const t1 = now();
    const rendered = await exposition.render(s);
    if (i < warmup) continue;
    phases.collect.push(Number(t1 - t0) / 1e6);
    phases.render.push(msSince(t1));
    phases.total.push(msSince(t0));
    samples = s.length;
    const text = rendered.toString('utf8'); // untimed
    series = text.split('\n').filter((l) => l && !l.startsWith('#')).length;
    bytes = Buffer.byteLength(text);
  }
  // Bytes the main thread allocates per served scrape (V8's count, which CPU contention does not blur): what
  // the scavenges of 1 MiB semi-spaces are made of. Through Exporter.serve, as the HTTP server scrapes, into a
  // sink that keeps nothing.
  const allocated = () => getHeapStatistics().total_allocated_bytes;
  const sink = {
    begin: () => {},
    end: () => {},
    fail: (err: Error) => {
      throw err;
    },
    write: (_chunk: Buffer, done: () => void) => done(),
  };
  let allocatedBytes = 0;
  for (let i = 0; i < warmup + iterations; i++) {
    const a0 = allocated();
    await exporter.serve(sink);
    if (i >= warmup) allocatedBytes += allocated() - a0;
  }
  // The floor lists through Node: readFileSync/readlinkSync/readdirSync (how the exporter read before), and
  // readPseudoFile (how it reads now: open, one read into a reused buffer, close).
  const variant = (readFile: (p: string) => unknown) => (op: FloorOp) => {
    try {
      if (op.kind === 'r' || op.kind === 'o') readFile(op.path);
      else if (op.kind === 'l' || op.kind === 'L') readlinkSync(op.path);
      else readdirSync(op.path, { withFileTypes: true });
    } catch {
      /* optional */
    }
  };
  const viaReadFileSync = variant((p) => readFileSync(p, 'latin1'));
  const viaPseudo = variant(readPseudoFile);
  const runs: Record<string, [FloorOp[], (op: FloorOp) => void]> = {
    'steady list via node readFileSync (the reads of the exporter before the change)': [lists.steady, viaReadFileSync],
    "steady list via the exporter's readPseudoFile": [lists.steady, viaPseudo],
    "cold list via the exporter's readPseudoFile": [lists.cold, viaPseudo],
  };
  for (const op of lists.once) viaPseudo(op); // as the C steady floor: the once-list read once, untimed
  const fsFloors: Record<string, Stats> = {};
  for (const [name, [list, op]] of Object.entries(runs)) {
    const times: number[] = [];
    for (let i = 0; i < warmup + iterations; i++) {
      const t0 = now();
      for (const o of list) op(o);
      if (i >= warmup) times.push(msSince(t0));
    }
    fsFloors[name] = stats(times);
  }
  return {
    n,
    iterations,
    samples,
    series,
    bytes,
    allocatedPerScrape: allocatedBytes / iterations,
    phases: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, stats(v)])),
    fsFloors,
  };
}

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: CpuProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function asCpuProfile(v: unknown): CpuProfile {
  const numbers = (x: unknown): x is number[] => Array.isArray(x) && x.every((e) => typeof e === 'number');
  const node = (x: unknown): x is CpuProfileNode =>
    isRecord(x) &&
    typeof x.id === 'number' &&
    isRecord(x.callFrame) &&
    typeof x.callFrame.functionName === 'string' &&
    typeof x.callFrame.url === 'string' &&
    typeof x.callFrame.lineNumber === 'number';
  if (!isRecord(v) || !Array.isArray(v.nodes) || !v.nodes.every(node) || !numbers(v.samples) || !numbers(v.timeDeltas))
    throw new Error('not a .cpuprofile');
  return { nodes: v.nodes, samples: v.samples, timeDeltas: v.timeDeltas };
}

function area(url: string, name: string): string {
  if (name === '(idle)') return 'idle';
  if (name === '(garbage collector)') return 'GC';
  if (name === '(program)') return 'V8/native (program)';
  if (url.includes('/prom-client/')) return 'prom-client (process metrics only)';
  for (const [part, label] of PROFILE_AREAS) if (url.includes(part)) return label;
  if (url.includes('/dist/')) return 'exporter other (JS)';
  if (url.startsWith('node:') || url === '')
    return name.startsWith('read') || name.startsWith('open') || name === 'close'
      ? 'fs syscalls (node:fs bindings)'
      : 'node internals';
  return 'other';
}

/** Self time by function and by area (ms), from a .cpuprofile. */
export function summarizeProfile(file: string): {
  totalMs: number;
  top: Array<[string, number]>;
  areas: Array<[string, number]>;
} {
  const prof = asCpuProfile(JSON.parse(readFileSync(file, 'utf8')));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < prof.samples.length; i++)
    self.set(prof.samples[i], (self.get(prof.samples[i]) ?? 0) + (prof.timeDeltas[i] ?? 0));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fnTotals = new Map<string, number>();
  const areaTotals = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id);
    if (!n) continue;
    const { functionName, url, lineNumber } = n.callFrame;
    const key = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${lineNumber + 1}`;
    fnTotals.set(key, (fnTotals.get(key) ?? 0) + us);
    const a = area(url, functionName);
    areaTotals.set(a, (areaTotals.get(a) ?? 0) + us);
  }
  const top = [...fnTotals].sort((a, b) => b[1] - a[1]).slice(0, 25);
  const areas = [...areaTotals].sort((a, b) => b[1] - a[1]);
  return {
    totalMs: total / 1000,
    top: top.map(([k, us]): [string, number] => [k, us / 1000]),
    areas: areas.map(([k, us]): [string, number] => [k, us / 1000]),
  };
}
