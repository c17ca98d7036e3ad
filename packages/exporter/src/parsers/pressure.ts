export interface PressureLine {
  avg10: number;
  avg60: number;
  avg300: number;
  /** Cumulative stall time in microseconds. */
  totalUsec: number;
}

export interface Pressure {
  some?: PressureLine;
  full?: PressureLine;
  malformed: number;
}

const LINE = /^(some|full)\s+avg10=(\d+(?:\.\d+)?)\s+avg60=(\d+(?:\.\d+)?)\s+avg300=(\d+(?:\.\d+)?)\s+total=(\d+)$/;

/**
 * PSI files (cpu.pressure, memory.pressure, io.pressure): a "some" and a "full" line. Kernels before 5.13
 * have no "full" line in cpu.pressure, so a missing line is absent, not malformed.
 */
export function parsePressure(text: string): Pressure {
  const result: Pressure = { malformed: 0 };
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    const match = LINE.exec(trimmed);
    if (!match) {
      result.malformed++;
      continue;
    }
    result[match[1] as 'some' | 'full'] = {
      avg10: Number(match[2]),
      avg60: Number(match[3]),
      avg300: Number(match[4]),
      totalUsec: Number(match[5]),
    };
  }
  return result;
}
