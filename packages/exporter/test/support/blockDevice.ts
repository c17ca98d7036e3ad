/**
 * The whole disk a directory's filesystem lives on, as `docker run --device-read-bps` wants it (`/dev/vda`).
 * On cgroup v1, `blkio.throttle.*` counts only the IO of cgroups with a throttle rule on the device (checked on
 * this project's machines: direct reads in a cgroup without one leave `Total 0`), so a container whose IO the
 * exporter must see is given a rule far above what it does.
 */
import { readFileSync, realpathSync, existsSync } from 'node:fs';
import path from 'node:path';

/** The `major:minor` of the mount holding `dir` (the longest mount point that is a prefix of it). */
function mountDevice(dir: string): string {
  let best = { point: '', device: '' };
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const fields = line.split(' ');
    if (fields.length < 5) continue;
    const point = fields[4].replace(/\\040/g, ' ');
    const inside = dir === point || dir.startsWith(point.endsWith('/') ? point : `${point}/`);
    if (inside && point.length >= best.point.length) best = { point, device: fields[2] };
  }
  return best.device;
}

/** `/dev/<disk>` for `dir`, or throws saying why there is none (a filesystem on no block device). */
export function diskOf(dir: string): string {
  const device = mountDevice(realpathSync(dir));
  const sysfs = `/sys/dev/block/${device}`;
  if (!device || !existsSync(sysfs)) throw new Error(`${dir} is on ${device || 'no device'}, not a block device`);
  const node = realpathSync(sysfs);
  // A partition's sysfs dir sits in its disk's; a throttle rule must name the disk.
  const disk = existsSync(path.join(node, 'partition')) ? path.dirname(node) : node;
  return `/dev/${path.basename(disk)}`;
}
