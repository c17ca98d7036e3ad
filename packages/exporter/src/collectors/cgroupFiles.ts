import { cgroupFile, psiFile } from '../cgroup/hierarchy';
import { parseFlatKeyed, type FlatKeys } from '../parsers/flatKeyed';
import type { FileReader } from '../files/reader';
import type { Scrape } from '../scrape/scrape';
import type { Target } from '../scrape/target';

/** Whether the host keeps this controller in a cgroup v1 hierarchy (v1 and hybrid hosts) rather than v2. */
export function isV1(scrape: Scrape, controller: string): boolean {
  return scrape.env.hierarchy.v1.has(controller);
}

/**
 * Each container's file paths by controller and file name, made once per Target (which lives as long as its
 * container stays the same): a path made afresh for each of ~25 reads per container and scrape was garbage,
 * and compared with the read-ahead plan's own string character by character (docs/benchmarks.md, "Ninth
 * round"). The same string every scrape compares by identity.
 */
const PATHS = new WeakMap<Target, Map<string, Map<string, string | null>>>();

/** The key under which pressure files are kept (no v1 controller is called so). */
const PSI = '(psi)';

/** The container's known paths of one controller's files (or of its pressure files). */
function knownPaths(target: Target, controller: string): Map<string, string | null> {
  let byController = PATHS.get(target);
  if (byController === undefined) PATHS.set(target, (byController = new Map()));
  let byFile = byController.get(controller);
  if (byFile === undefined) byController.set(controller, (byFile = new Map()));
  return byFile;
}

/** A controller file of the container: the v1 controller mount, or the v2 directory. */
export function controllerFile(scrape: Scrape, target: Target, controller: string, file: string): string | null {
  const known = knownPaths(target, controller);
  let path = known.get(file);
  if (path === undefined)
    known.set(file, (path = cgroupFile(scrape.env.hierarchy, target.cgroup.path, controller, file)));
  return path;
}

/** A pressure file of the container, from the v2 hierarchy (pure v2, or a hybrid host's unified mount). */
export function pressureFile(scrape: Scrape, target: Target, file: string): string | null {
  const known = knownPaths(target, PSI);
  let path = known.get(file);
  if (path === undefined) known.set(file, (path = psiFile(scrape.env.hierarchy, target.cgroup.path, file)));
  return path;
}

/**
 * A flat-keyed file ("key value" lines) as a map of the `wanted` keys (every key without), counting malformed
 * lines; undefined when unreadable.
 */
export function readFlatKeyed<K extends string = string>(
  reader: FileReader,
  path: string | null,
  wanted?: FlatKeys<K>,
  opts: { optional?: boolean } = {}
): Map<K, number> | undefined {
  const text = reader.read(path, opts);
  if (text === undefined) return undefined;
  const { values, malformed } = parseFlatKeyed(text, wanted);
  reader.malformed(path!, malformed);
  return values;
}

/** A key of a flat-keyed file that must be there; its absence is a lost value and counts an error. */
export function requireKey<K extends string>(
  reader: FileReader,
  path: string | null,
  values: Map<K, number>,
  key: K
): number | undefined {
  const v = values.get(key);
  if (v === undefined && path) reader.missing(path, key);
  return v;
}
