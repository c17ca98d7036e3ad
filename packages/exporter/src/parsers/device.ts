/** "MAJ:MIN" as used by io.stat, blkio.* and /sys/dev/block; undefined when it is anything else. */
export function parseDevice(field: string): { major: number; minor: number } | undefined {
  const match = /^(\d+):(\d+)$/.exec(field);
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]) };
}
