#!/usr/bin/env -S MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072 node --max-semi-space-size=2
// Resident memory, tuned where every launcher (npm start, the bin link, the image, the tests) gets it:
// - V8's young generation is capped at 2 MiB semi-spaces (its default grows to 16): a scrape's garbage
//   dies young, and the cap saves ~25 MiB at 200 containers for ~2 % more scrape time;
// - glibc's malloc gets a fixed mmap threshold, so the exposition buffer of each scrape (2 MB at 200
//   containers) is mapped and unmapped instead of left in the heap once its dynamic threshold rises, and
//   two arenas instead of one per thread. Other C libraries ignore both variables.
// Measured in docs/benchmarks.md.
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
