import { join } from 'node:path';
import { METRICS } from '@isoscope/shared';
import { parseBlkio } from '../parsers/blkio';
import { parseDiskstats } from '../parsers/diskstats';
import { parseIoStat } from '../parsers/ioStat';
import type { Scrape } from '../scrape/scrape';
import type { Collector } from './collector';
import type { Target } from '../scrape/target';
import { controllerFile, isV1 } from './cgroupFiles';

interface DeviceIo {
  major: number;
  minor: number;
  readBytes?: number;
  writeBytes?: number;
  reads?: number;
  writes?: number;
}

/**
 * Block IO per device. v2: io.stat (rbytes/wbytes/rios/wios). v1: the blkio throttle files, which count
 * every IO whatever the scheduler (the CFQ/BFQ files stay empty under most schedulers); the _recursive
 * variants include sub-cgroups. Devices are named as cAdvisor names them, /dev/<name> from diskstats.
 */
export const ioCollector: Collector = {
  name: 'io',
  collect,
  // The machine's: the root cgroup's io.stat (v2) or blkio files (v1), every device's IO, as cAdvisor's.
  machine: collect,
};

function collect(scrape: Scrape, t: Target): void {
  const devices = isV1(scrape, 'blkio') ? readV1(scrape, t) : readV2(scrape, t);
  if (devices.length === 0) return;
  const names = scrape.memo('diskstats', () => deviceNames(scrape));
  for (const d of devices) {
    const key = `${d.major}:${d.minor}`;
    const device = names.has(key) ? `/dev/${names.get(key)}` : key;
    const labels = { device };
    if (d.readBytes !== undefined) scrape.emit(METRICS.fsReadsBytes, t, d.readBytes, labels);
    if (d.writeBytes !== undefined) scrape.emit(METRICS.fsWritesBytes, t, d.writeBytes, labels);
    if (d.reads !== undefined) scrape.emit(METRICS.fsReads, t, d.reads, labels);
    if (d.writes !== undefined) scrape.emit(METRICS.fsWrites, t, d.writes, labels);
    const usage = { device, major: String(d.major), minor: String(d.minor) };
    if (d.readBytes !== undefined)
      scrape.emit(METRICS.blkioDeviceUsage, t, d.readBytes, { ...usage, operation: 'Read' });
    if (d.writeBytes !== undefined)
      scrape.emit(METRICS.blkioDeviceUsage, t, d.writeBytes, { ...usage, operation: 'Write' });
  }
}

function readV2(scrape: Scrape, t: Target): DeviceIo[] {
  const reader = scrape.reader('io', t);
  const path = controllerFile(scrape, t, 'io', 'io.stat');
  // io.stat exists only where the io controller is enabled for the cgroup.
  const text = reader.read(path, { optional: true });
  if (text === undefined) return [];
  const { devices, malformed } = parseIoStat(text);
  reader.malformed(path!, malformed);
  return devices.map(({ major, minor, values }) => ({
    major,
    minor,
    readBytes: values.get('rbytes'),
    writeBytes: values.get('wbytes'),
    reads: values.get('rios'),
    writes: values.get('wios'),
  }));
}

function readV1(scrape: Scrape, t: Target): DeviceIo[] {
  const reader = scrape.reader('io', t);
  const byDevice = new Map<string, DeviceIo>();
  const device = (major: number, minor: number) => {
    const key = `${major}:${minor}`;
    let d = byDevice.get(key);
    if (!d) byDevice.set(key, (d = { major, minor }));
    return d;
  };
  const read = (file: string, assign: (d: DeviceIo, op: string, value: number) => void) => {
    const path = controllerFile(scrape, t, 'blkio', file);
    const text = reader.read(path);
    if (text === undefined) return;
    const { entries, malformed } = parseBlkio(text);
    reader.malformed(path!, malformed);
    for (const e of entries) assign(device(e.major, e.minor), e.op, e.value);
  };
  read('blkio.throttle.io_service_bytes_recursive', (d, op, v) => {
    if (op === 'Read') d.readBytes = v;
    else if (op === 'Write') d.writeBytes = v;
  });
  read('blkio.throttle.io_serviced_recursive', (d, op, v) => {
    if (op === 'Read') d.reads = v;
    else if (op === 'Write') d.writes = v;
  });
  return [...byDevice.values()];
}

function deviceNames(scrape: Scrape): Map<string, string> {
  const reader = scrape.reader('io');
  const text = reader.read(join(scrape.env.procfs, 'diskstats'), { optional: true });
  return text === undefined ? new Map() : parseDiskstats(text);
}
