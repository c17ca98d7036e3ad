#!/usr/bin/env -S -u NODE_EXTRA_CA_CERTS MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=16384 node --max-semi-space-size=1 --max-old-space-size=256 --memory-saver-mode --expose-gc
// The shebang sets resident memory where every launcher (npm start, the bin link, the image, the tests) gets
// it: a small young generation in both threads (a scrape's garbage dies young anyway); an old-generation cap
// low enough that V8 picks its smallest heap growing factor, so RSS does not swing between full GCs; V8's
// memory saver mode, whose old generation grows by 2 MB steps past its live size rather than 8; two
// malloc arenas, with the optimising compiler's short-lived blocks mapped rather than left as holes in an
// arena; V8's gc function, for the bound on old-generation garbage between scrapes (heapBound.ts); and no
// NODE_EXTRA_CA_CERTS, since the exporter makes no TLS connection and Node would parse the whole bundle.
// The figures behind each: docs/benchmarks.md, "Why the code is shaped this way".
import { helpText, parseArgs, UsageError } from './flags';
import { createLogger } from './log/logger';
import { runExporter } from './app';
import { WebConfigError } from './http/webConfigError';
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
    if (err instanceof WebConfigError) {
      // A wrong --web.config.file is a usage error, like a wrong flag.
      process.stderr.write(`${PROGRAM}: ${err.message}\n`);
      process.exit(2);
    }
    log.error('cannot start', { err: (err as Error).message });
    process.exit(1);
  }
}

main(process.argv.slice(2)).catch((err) => {
  process.stderr.write(`${PROGRAM}: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
