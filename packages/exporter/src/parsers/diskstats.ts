export interface Diskstats {
  /** "major:minor" → kernel device name ("vda", "sda1", "dm-0"). */
  devices: Map<string, string>;
  malformed: number;
}

/** /proc/diskstats, for naming the devices io.stat and blkio.* key by "major:minor". */
export function parseDiskstatsWithErrors(text: string): Diskstats {
  const devices = new Map<string, string>();
  let malformed = 0;
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    const [major, minor, name] = trimmed.split(/\s+/);
    if (!/^\d+$/.test(major) || !/^\d+$/.test(minor ?? '') || !name) {
      malformed++;
      continue;
    }
    devices.set(`${Number(major)}:${Number(minor)}`, name);
  }
  return { devices, malformed };
}

/** Same as parseDiskstatsWithErrors, for callers that only want the names. */
export function parseDiskstats(text: string): Map<string, string> {
  return parseDiskstatsWithErrors(text).devices;
}
