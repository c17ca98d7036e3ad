import { parseDevice } from './device';
import { tryParseUint } from './values';

export interface BlkioEntry {
  major: number;
  minor: number;
  op: string;
  value: number;
}

export interface Blkio {
  entries: BlkioEntry[];
  malformed: number;
}

const OPS = new Set(['Read', 'Write', 'Sync', 'Async', 'Discard', 'Total']);

/**
 * v1 blkio.throttle.io_service_bytes(_recursive) and io_serviced(_recursive): "MAJ:MIN Op value" lines
 * and a last "Total N" summing every device, which callers must not count twice, so it is dropped.
 */
export function parseBlkio(text: string): Blkio {
  const entries: BlkioEntry[] = [];
  let malformed = 0;
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields[0] === '') continue;
    if (fields.length === 2 && fields[0] === 'Total' && tryParseUint(fields[1]) !== undefined) continue;
    const device = fields.length === 3 ? parseDevice(fields[0]) : undefined;
    const value = fields.length === 3 ? tryParseUint(fields[2]) : undefined;
    if (!device || !OPS.has(fields[1]) || value === undefined) {
      malformed++;
      continue;
    }
    entries.push({ ...device, op: fields[1], value });
  }
  return { entries, malformed };
}
