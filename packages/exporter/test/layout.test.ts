/**
 * The exporter's floors (docs/architecture.md, "Folder floors"): every module of src/ may import only from
 * its own folder or from a folder on a lower floor (and from packages: @isoscope/shared, Node's built-ins,
 * npm dependencies). Folders that share a floor know nothing of each other. This test reads every import of
 * src/**\/*.ts and fails on one that points up or sideways, on a cycle between folders, and on a folder that
 * is on no floor, naming the file.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** Lowest first. '.' is the top of src/: the CLI, the app, the Exporter, flags, host facts. */
const FLOORS: ReadonlyArray<readonly string[]> = [
  ['log', 'parsers', 'child', 'collections'],
  ['files'],
  ['cgroup', 'procfs', 'runtime'],
  ['scrape'],
  ['collectors', 'exposition'],
  ['http'],
  ['.'],
];

const PACKAGE = path.resolve(__dirname, '..');
const SRC = path.join(PACKAGE, 'src');
const TEST_SUPPORT_PACKAGE = '@isoscope/test-support';

/** One import: `from` a module of src/, `to` a module path relative to src/ (`../test/…` outside it) or a package. */
interface Edge {
  from: string;
  to: string;
  /** True when `to` is a package name rather than a path. */
  external?: boolean;
}

const isTest = (file: string) => file.endsWith('.test.ts');

/** The top folder a module of src/ belongs to ('.' for the top of src/). */
function folderOf(file: string): string {
  const parts = file.split('/');
  return parts.length > 1 ? parts[0] : '.';
}

function floorOf(folder: string, floors: ReadonlyArray<readonly string[]>): number | undefined {
  const i = floors.findIndex((floor) => floor.includes(folder));
  return i < 0 ? undefined : i;
}

/** Every way the imports break the floors, one message per import (or per unplaced folder). */
export function floorViolations(edges: readonly Edge[], floors: ReadonlyArray<readonly string[]>): string[] {
  const out: string[] = [];
  const unplaced = new Set<string>();
  for (const { from, to, external } of edges) {
    const fromFolder = folderOf(from);
    const fromFloor = floorOf(fromFolder, floors);
    if (fromFloor === undefined) {
      if (!unplaced.has(fromFolder)) out.push(`src/${from}: folder ${fromFolder}/ is on no floor`);
      unplaced.add(fromFolder);
      continue;
    }
    if (external) {
      if (to === TEST_SUPPORT_PACKAGE || to.startsWith(`${TEST_SUPPORT_PACKAGE}/`)) {
        if (!isTest(from)) out.push(`src/${from} imports ${to}: only tests may`);
      }
      continue;
    }
    if (to.startsWith('../')) {
      // Outside src/: tests may use the package's test support; the version comes from package.json.
      const allowed = (isTest(from) && to.startsWith('../test/')) || to === '../package.json';
      if (!allowed) out.push(`src/${from} imports ${to}, outside src/`);
      continue;
    }
    const toFolder = folderOf(to);
    if (toFolder === fromFolder) continue;
    const toFloor = floorOf(toFolder, floors);
    if (toFloor === undefined) out.push(`src/${from} imports src/${to}: folder ${toFolder}/ is on no floor`);
    else if (toFloor > fromFloor) out.push(`src/${from} imports src/${to}, a higher floor (${toFolder}/)`);
    else if (toFloor === fromFloor)
      out.push(`src/${from} imports src/${to}, a sibling on its own floor (${toFolder}/)`);
  }
  return out;
}

/** Cycles between folders (any depth: runtime/ and runtime/cri/ are two), each with the imports that make it. */
export function folderCycles(edges: readonly Edge[]): string[] {
  const graph = new Map<string, Map<string, string>>();
  for (const { from, to, external } of edges) {
    if (external || to.startsWith('../')) continue;
    const a = path.posix.dirname(from);
    const b = path.posix.dirname(to);
    if (a === b) continue;
    if (!graph.has(a)) graph.set(a, new Map());
    if (!graph.get(a)!.has(b)) graph.get(a)!.set(b, `src/${from} → src/${to}`);
  }
  const cycles = new Set<string>();
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (dir: string) => {
    state.set(dir, 'open');
    stack.push(dir);
    for (const next of graph.get(dir)?.keys() ?? []) {
      if (state.get(next) === 'open') {
        const loop = [...stack.slice(stack.indexOf(next)), next];
        const why = loop.slice(0, -1).map((d, i) => graph.get(d)!.get(loop[i + 1])!);
        cycles.add(`${loop.join('/ → ')}/ (${why.join('; ')})`);
      } else if (!state.has(next)) {
        visit(next);
      }
    }
    stack.pop();
    state.set(dir, 'done');
  };
  for (const dir of [...graph.keys()].sort()) if (!state.has(dir)) visit(dir);
  return [...cycles];
}

function modulesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...modulesUnder(full));
    else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

const CANDIDATES = ['', '.ts', '.tsx', '.js', '.json', '/index.ts'];

/** The path (relative to src/) a relative specifier names; throws when it names no file. */
function resolveRelative(fromFile: string, specifier: string): string {
  const base = path.resolve(path.dirname(fromFile), specifier);
  for (const ext of CANDIDATES) {
    const candidate = base + ext;
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) {
      return path.relative(SRC, candidate).split(path.sep).join('/');
    }
  }
  throw new Error(`${path.relative(PACKAGE, fromFile)}: cannot resolve ${specifier}`);
}

/** Every import, export-from, require() and import() of every module of src/. */
function importsOfSrc(): Edge[] {
  const edges: Edge[] = [];
  for (const file of modulesUnder(SRC)) {
    const from = path.relative(SRC, file).split(path.sep).join('/');
    const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      if (fileName.startsWith('.')) edges.push({ from, to: resolveRelative(file, fileName) });
      else edges.push({ from, to: fileName, external: true });
    }
  }
  return edges;
}

describe('the floor check itself', () => {
  it('accepts imports down and within a folder', () => {
    const edges: Edge[] = [
      { from: 'scrape/scrape.ts', to: 'files/reader.ts' },
      { from: 'scrape/scrape.ts', to: 'scrape/target.ts' },
      { from: 'runtime/cri/source.ts', to: 'runtime/cache.ts' },
      { from: 'app.ts', to: 'http/server.ts' },
      { from: 'exposition/exposition.test.ts', to: '../test/support/exposition.ts' },
      { from: 'version.ts', to: '../package.json' },
      { from: 'files/reader.ts', to: '@isoscope/shared', external: true },
    ];
    expect(floorViolations(edges, FLOORS)).toEqual([]);
    expect(folderCycles(edges)).toEqual([]);
  });

  it('names the file that imports a higher floor, a sibling folder, or what is not for it', () => {
    expect(
      floorViolations(
        [
          { from: 'files/reader.ts', to: 'scrape/scrape.ts' },
          { from: 'cgroup/paths.ts', to: 'runtime/source.ts' },
          { from: 'collectors/cpu.ts', to: 'exporter.ts' },
          { from: 'scrape/scrape.ts', to: '../test/support/exposition.ts' },
          { from: 'http/server.ts', to: '@isoscope/test-support', external: true },
          { from: 'widgets/knob.ts', to: 'log/logger.ts' },
        ],
        FLOORS
      )
    ).toEqual([
      'src/files/reader.ts imports src/scrape/scrape.ts, a higher floor (scrape/)',
      'src/cgroup/paths.ts imports src/runtime/source.ts, a sibling on its own floor (runtime/)',
      'src/collectors/cpu.ts imports src/exporter.ts, a higher floor (./)',
      'src/scrape/scrape.ts imports ../test/support/exposition.ts, outside src/',
      'src/http/server.ts imports @isoscope/test-support: only tests may',
      'src/widgets/knob.ts: folder widgets/ is on no floor',
    ]);
  });

  it('finds a cycle between folders, even within one top folder', () => {
    const cycles = folderCycles([
      { from: 'runtime/docker.ts', to: 'runtime/cri/mapping.ts' },
      { from: 'runtime/cri/mapping.ts', to: 'runtime/kubernetes.ts' },
    ]);
    expect(cycles).toEqual([
      'runtime/ → runtime/cri/ → runtime/ (src/runtime/docker.ts → src/runtime/cri/mapping.ts; src/runtime/cri/mapping.ts → src/runtime/kubernetes.ts)',
    ]);
  });
});

describe('the exporter’s layout', () => {
  const edges = importsOfSrc();

  it('has every import of src/ point to its own folder or a lower floor', () => {
    expect(floorViolations(edges, FLOORS)).toEqual([]);
  });

  it('has no cycle between folders', () => {
    expect(folderCycles(edges)).toEqual([]);
  });

  it('places every folder of src/ on a floor, and no floor names a folder that is gone', () => {
    const folders = fs
      .readdirSync(SRC, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    expect([...FLOORS.flat()].filter((f) => f !== '.').sort()).toEqual(folders);
  });

  it('is the layout docs/architecture.md describes', () => {
    const doc = fs.readFileSync(path.join(PACKAGE, '..', '..', 'docs', 'architecture.md'), 'utf8');
    for (const folder of FLOORS.flat()) if (folder !== '.') expect(doc).toContain(`\`${folder}/\``);
  });
});
