/**
 * Parser for /proc/<pid>/mountinfo (proc(5)):
 *
 *   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
 *   (1)(2)(3)   (4)   (5)      (6)      (7)   (8) (9)   (10)         (11)
 *
 * Field 7 is zero or more optional "tag[:value]" fields, so the fixed tail is located by the lone
 * "-" separator rather than by position.
 */

export interface MountInfoEntry {
  /** Field 5, unescaped: where the filesystem is mounted, relative to the reader's root. */
  mountPoint: string;
  /** Field 4, unescaped: the directory of the filesystem that forms the mount's root ("/" unless a bind mount or a cgroup namespace view). */
  root: string;
  /** Field 9, e.g. "cgroup", "cgroup2", "ext4". */
  fsType: string;
  /** Field 10, unescaped. */
  source: string;
  /** Field 11 split on ",": per-superblock options; for cgroup v1 these name the controllers. */
  superOptions: string[];
}

/** Fields before the separator: id, parent id, major:minor, root, mount point, mount options. */
const FIXED_HEAD_FIELDS = 6;

/**
 * The kernel escapes space, tab, newline and backslash in paths as 3-digit octal (\040, \011,
 * \012, \134) so that fields stay space-separated; undo that.
 */
function unescapeOctal(field: string): string {
  if (!field.includes('\\')) return field;
  return field.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** Parse one line; null when it does not have mountinfo's shape (truncated read, garbage). */
function parseLine(line: string): MountInfoEntry | null {
  const fields = line.split(' ');
  const sep = fields.indexOf('-', FIXED_HEAD_FIELDS);
  // After the separator come fstype, source and super options; the last is absent on no kernel
  // we know of, but tolerate it rather than dropping a mount.
  if (sep < 0 || fields.length < sep + 3) return null;
  const [id, parent, devno, root, mountPoint] = fields;
  if (!/^\d+$/.test(id) || !/^\d+$/.test(parent) || !/^\d+:\d+$/.test(devno)) return null;
  if (!root.startsWith('/') && !root.includes(':')) {
    // root is a path, except for nsfs entries such as "net:[4026531840]".
    return null;
  }
  const fsType = fields[sep + 1];
  if (fsType === '') return null;
  const superOptions = sep + 3 < fields.length ? fields[sep + 3].split(',').filter((o) => o !== '') : [];
  return {
    mountPoint: unescapeOctal(mountPoint),
    root: unescapeOctal(root),
    fsType,
    source: unescapeOctal(fields[sep + 2]),
    superOptions,
  };
}

/** Parse a whole mountinfo file, skipping malformed lines. */
export function parseMountinfo(text: string): MountInfoEntry[] {
  const entries: MountInfoEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const entry = parseLine(line);
    if (entry) entries.push(entry);
  }
  return entries;
}
