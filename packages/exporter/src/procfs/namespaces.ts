import { join } from 'node:path';
import { NAMESPACE_TYPES, type NamespaceType } from '@isoscope/shared';
import { parseNamespaceLink } from '../parsers/nsLink';
import type { FileReader } from '../files/reader';

/**
 * A process's namespaces: `readlink <procfs>/<pid>/ns/<type>` gives "type:[inode]", and two processes are
 * in the same namespace exactly when the inodes are equal (namespaces(7)). The time namespace exists only
 * since Linux 5.6, so its absence is not an error.
 */
export function readNamespaces(reader: FileReader, nsDir: string): Map<NamespaceType, number> {
  const inodes = new Map<NamespaceType, number>();
  for (const type of NAMESPACE_TYPES) {
    const path = join(nsDir, type);
    const link = reader.readlink(path, { optional: type === 'time' });
    const inode = link === undefined ? undefined : reader.interpret(path, link, (l) => parseNamespaceLink(l).inode);
    if (inode !== undefined) inodes.set(type, inode);
  }
  return inodes;
}
