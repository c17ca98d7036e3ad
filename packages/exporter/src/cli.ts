#!/usr/bin/env -S node --max-semi-space-size=2
// The young generation is capped at 2 MiB semi-spaces (V8's default grows to 16): a scrape's garbage dies
// young, and the cap cuts resident memory by ~25 MiB at 200 containers for ~2 % more scrape time
// (docs/benchmarks.md). Every launcher runs this file directly, so the flag lives here only.
import { helpText, parseArgs, UsageError } from './flags';
import { createLogger } from './log';
import { runExporter } from './app';
import { VERSION } from './version';

const PROGRAM = 'isoscope-exporter';

async function main(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${PROGRAM}: ${err.message}\nRun '${PROGRAM} --help' for the list of flags.\n`);
    process.exit(2);
  }
  if (parsed.kind === 'help') {
    process.stdout.write(helpText(PROGRAM) + '\n');
    return;
  }
  if (parsed.kind === 'version') {
    process.stdout.write(`${PROGRAM} ${VERSION} (node ${process.version})\n`);
    return;
  }
  const { options } = parsed;
  const log = createLogger({ level: options.logLevel, format: options.logFormat });
  log.info('starting isoscope exporter', { version: VERSION, collectors: [...options.collectors].join(',') });
  try {
    const running = await runExporter(options, log);
    const stop = (signal: string) => {
      log.info('shutting down', { signal });
      running.close().then(() => process.exit(0));
      setTimeout(() => process.exit(0), 2000).unref();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  } catch (err) {
    log.error('cannot start', { err: (err as Error).message });
    process.exit(1);
  }
}

main(process.argv.slice(2)).catch((err) => {
  process.stderr.write(`${PROGRAM}: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
