import { ParseError } from './parseError';

export interface NamespaceLink {
  type: string;
  inode: number;
}

/** readlink of /proc/<pid>/ns/<type>: "net:[4026531833]". Two processes share a namespace iff inodes match. */
export function parseNamespaceLink(target: string): NamespaceLink {
  const match = /^([a-z_]+):\[(\d+)\]$/.exec(target.trim());
  if (!match) throw new ParseError('a namespace link like "net:[4026531833]"', target);
  return { type: match[1], inode: Number(match[2]) };
}
