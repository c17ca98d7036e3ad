import { parseDevice } from './device';

export interface IoStatDevice {
  major: number;
  minor: number;
  values: Map<string, number>;
}

export interface IoStat {
  devices: IoStatDevice[];
  malformed: number;
}

/**
 * io.latency's depth and iocost's cost.vrate are not integers ("max", "100.00"), and use_delay is signed;
 * the line is still good, so those are accepted as numbers and "max" is left out of the map.
 */
const VALUE = /^-?\d+(\.\d+)?$/;

/** v2 io.stat: "MAJ:MIN key=value key=value …", one device per line, in no order. */
export function parseIoStat(text: string): IoStat {
  const devices: IoStatDevice[] = [];
  let malformed = 0;
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    const device = parseIoStatLine(trimmed);
    if (device) devices.push(device);
    else malformed++;
  }
  return { devices, malformed };
}

function parseIoStatLine(line: string): IoStatDevice | undefined {
  const [deviceField, ...pairs] = line.split(/\s+/);
  const device = parseDevice(deviceField);
  if (!device) return undefined;
  const values = new Map<string, number>();
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) return undefined;
    const key = pair.slice(0, eq);
    const raw = pair.slice(eq + 1);
    if (raw === 'max') continue;
    if (!VALUE.test(raw)) return undefined;
    values.set(key, Number(raw));
  }
  return { ...device, values };
}
