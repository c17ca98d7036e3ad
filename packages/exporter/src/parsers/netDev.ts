import { tryParseUint } from './values';

export interface NetDevCounters {
  name: string;
  rxBytes: number;
  rxPackets: number;
  rxErrors: number;
  rxDropped: number;
  txBytes: number;
  txPackets: number;
  txErrors: number;
  txDropped: number;
}

export interface NetDev {
  interfaces: NetDevCounters[];
  malformed: number;
}

const FIELDS = 16;

/**
 * /proc/<pid>/net/dev: two header lines (recognised by their '|' column separators) then
 * "name: 8 receive counters 8 transmit counters". Interface names cannot contain ':' (dev_valid_name
 * rejects it), so the first colon ends the name even when a wide counter leaves no space after it.
 */
export function parseNetDev(text: string): NetDev {
  const interfaces: NetDevCounters[] = [];
  let malformed = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.includes('|')) continue;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    const counters = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(tryParseUint);
    if (name === '' || counters.length !== FIELDS || counters.some((c) => c === undefined)) {
      malformed++;
      continue;
    }
    const c = counters as number[];
    interfaces.push({
      name,
      rxBytes: c[0],
      rxPackets: c[1],
      rxErrors: c[2],
      rxDropped: c[3],
      txBytes: c[8],
      txPackets: c[9],
      txErrors: c[10],
      txDropped: c[11],
    });
  }
  return { interfaces, malformed };
}
