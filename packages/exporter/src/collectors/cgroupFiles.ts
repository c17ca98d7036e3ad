import { cgroupFile, psiFile } from '../cgroup/hierarchy';
import { parseFlatKeyed, type FlatKeys } from '../parsers/flatKeyed';
import type { FileReader } from '../files/reader';
import type { Scrape } from '../scrape/scrape';
import type { Target } from '../scrape/target';

/** Whether the host keeps this controller in a cgroup v1 hierarchy (v1 and hybrid hosts) rather than v2. */
export function isV1(scrape: Scrape, controller: string): boolean {
  return scrape.env.hierarchy.v1.has(controller);
}

/** A controller file of the container: the v1 controller mount, or the v2 directory. */
export function controllerFile(scrape: Scrape, target: Target, controller: string, file: string): string | null {
  return cgroupFile(scrape.env.hierarchy, target.cgroup.path, controller, file);
}

/** A pressure file of the container, from the v2 hierarchy (pure v2, or a hybrid host's unified mount). */
export function pressureFile(scrape: Scrape, target: Target, file: string): string | null {
  return psiFile(scrape.env.hierarchy, target.cgroup.path, file);
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
