#!/usr/bin/env -S -u NODE_EXTRA_CA_CERTS MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=16384 node --max-semi-space-size=1 --max-old-space-size=256
// Resident memory, tuned where every launcher (npm start, the bin link, the image, the tests) gets it:
// - V8's young generation is capped at 1 MiB semi-spaces (its default grows to 16) in both threads (the
//   flag also overrides the read-ahead thread's own limit): a scrape's garbage dies young anyway;
// - the old generation is capped at 256 MiB (the live heap is ~10 MiB at 200 containers and grows by
//   ~20 KiB per container): with a cap of 256 MiB or less V8 uses its smallest heap growing factor (1.3×
//   the live size, at least 8 MiB, before the next full GC) instead of up to 4×, which let RSS swing by
//   10–20 MiB between GCs;
// - glibc's malloc gets two arenas instead of one per thread, and maps every block of 16 KiB or more
//   instead of carving it from an arena: V8's optimising compiler works in 8–32 KiB blocks that it frees
//   when a compilation ends, and in an arena they left ~2 MiB of freed but resident holes. Other C
//   libraries ignore both variables;
// - NODE_EXTRA_CA_CERTS is dropped: the exporter makes no TLS connection, and with it set Node parses the
//   whole CA bundle at start (~1 MiB resident).
// Measured in docs/benchmarks.md.
import { helpText, parseArgs, UsageError } from './flags';
import { createLogger } from './log/logger';
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
