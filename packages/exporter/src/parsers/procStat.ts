import { ParseError } from './parseError';

/** Field 22 of /proc/<pid>/stat, counted from 1 with pid as field 1 and comm as field 2. */
const START_TIME_FIELD = 22;
const FIRST_FIELD_AFTER_COMM = 3;

/**
 * /proc/<pid>/stat. comm is printed raw between parentheses and may hold spaces, '(' and ')' (a binary
 * named "x) (y z" reads "(x) (y z)"), so fields are counted from the last ')'.
 */
export function parseProcPidStat(text: string): { startTimeTicks: number } {
  const close = text.lastIndexOf(')');
  if (close < 0 || text.indexOf('(') < 0 || text.indexOf('(') > close) {
    throw new ParseError('"pid (comm) state …"', text);
  }
  const fields = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const raw = fields[START_TIME_FIELD - FIRST_FIELD_AFTER_COMM];
  if (raw === undefined || !/^\d+$/.test(raw)) {
    throw new ParseError(`a numeric field ${START_TIME_FIELD} (starttime)`, text.slice(close + 1).trim());
  }
  return { startTimeTicks: Number(raw) };
}

/** The "btime" line of /proc/stat: boot time in seconds since the epoch. */
export function parseBootTime(procStatText: string): number {
  const match = /^btime[ \t]+(\d+)[ \t]*$/m.exec(procStatText);
  if (!match) throw new ParseError('a "btime <seconds>" line', procStatText.slice(0, 40));
  return Number(match[1]);
}
