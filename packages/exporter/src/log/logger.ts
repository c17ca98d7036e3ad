/**
 * A small structured logger in node_exporter's style: `--log.level` filters, `--log.format` picks logfmt
 * (human-readable, the default) or json (for log pipelines). Writes to stderr so stdout stays free.
 */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['logfmt', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export type LogFields = Record<string, unknown>;
export type Logger = Record<LogLevel, (msg: string, fields?: LogFields) => void>;

export function createLogger(
  opts: { level: LogLevel; format: LogFormat },
  write: (line: string) => void = (line) => process.stderr.write(line + '\n'),
  now: () => Date = () => new Date()
): Logger {
  const threshold = LOG_LEVELS.indexOf(opts.level);
  const emit = (level: LogLevel, msg: string, fields: LogFields = {}) => {
    if (LOG_LEVELS.indexOf(level) < threshold) return;
    const record: LogFields = { ts: now().toISOString(), level, msg, ...fields };
    write(opts.format === 'json' ? JSON.stringify(record) : toLogfmt(record));
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}

/** A logger that drops everything, for library use and tests that do not look at logs. */
export const silentLogger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

function toLogfmt(record: LogFields): string {
  return Object.entries(record)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${logfmtValue(v)}`)
    .join(' ');
}

function logfmtValue(v: unknown): string {
  const s = v instanceof Error ? v.message : typeof v === 'string' ? v : JSON.stringify(v);
  return /^[^\s"=]+$/.test(s) ? s : JSON.stringify(s);
}
