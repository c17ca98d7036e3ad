import { cgroupFile, psiFile, type CgroupHierarchy } from '../cgroup/hierarchy';
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

/**
 * The container's path of `file` under `key` (a controller, or PSI), made by `make` the first time it is asked
 * for. `make` takes everything it needs as arguments, so no call allocates a closure.
 */
function knownPath(
  scrape: Scrape,
  target: Target,
  key: string,
  file: string,
  make: (hierarchy: CgroupHierarchy, cgroupPath: string, key: string, file: string) => string | null
): string | null {
  let byKey = PATHS.get(target);
  if (byKey === undefined) PATHS.set(target, (byKey = new Map()));
  let byFile = byKey.get(key);
  if (byFile === undefined) byKey.set(key, (byFile = new Map()));
  let path = byFile.get(file);
  if (path === undefined) byFile.set(file, (path = make(scrape.env.hierarchy, target.cgroup.path, key, file)));
  return path;
}

/** A controller file of the container: the v1 controller mount, or the v2 directory. */
export function controllerFile(scrape: Scrape, target: Target, controller: string, file: string): string | null {
  return knownPath(scrape, target, controller, file, cgroupFile);
}

const makePsiFile = (hierarchy: CgroupHierarchy, cgroupPath: string, _key: string, file: string) =>
  psiFile(hierarchy, cgroupPath, file);

/** A pressure file of the container, from the v2 hierarchy (pure v2, or a hybrid host's unified mount). */
export function pressureFile(scrape: Scrape, target: Target, file: string): string | null {
  return knownPath(scrape, target, PSI, file, makePsiFile);
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
