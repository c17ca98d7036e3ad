/**
 * The bench's flags. They come from BENCH_FLAGS and then the command line (`npm run bench -- --profile`
 * loses the flag: the root script re-runs npm, which takes --profile as its own config).
 */

export interface BenchOptions {
  /** Container counts, ascending. */
  sizes: number[];
  /** N up to this runs on real Docker containers; above it on the bench's own kernel cgroups. */
  dockerMax: number;
  /** Measured scrapes per N on a Docker fleet. */
  scrapes: number;
  /** Measured scrapes at the long-run N (RSS sampled every tenth of them). */
  rssScrapes: number;
  /** Measured scrapes per N on the synthetic cgroup fleet. */
  cgroupScrapes: number;
  warmup: number;
  /** Parallel `docker run`s. */
  concurrency: number;
  profile: boolean;
  build: boolean;
  docs: boolean;
  /** Where the results block goes (default docs/benchmarks.md). */
  docsFile?: string;
  strace: boolean;
  /** The RSS breakdown's bare node and idle exporter. */
  breakdown: boolean;
  /** The node binary that runs the exporter (and the bare-node reading). */
  node: string;
  /** Extra node flags for the exporter, after the shebang's. */
  nodeFlags: string[];
  /** Extra exporter flags for every measured run. */
  exporterFlags: string[];
  compare: boolean;
  cri: boolean;
  criPods: number;
  /** The load phase at the long-run N: concurrent scrapers (0: none) and for how long. */
  loadScrapers: number;
  loadSeconds: number;
  /** The flags as given, for the report. */
  given: string[];
}

export const USAGE = `usage: npm run bench  (flags also from BENCH_FLAGS='…')
  --sizes=50,200,1000      container counts
  --docker-max=200         N up to this on real Docker containers, above it on the bench's own kernel cgroups
  --scrapes=300            measured scrapes per N (Docker fleet)
  --rss-scrapes=1000       measured scrapes at the long-run N (the largest Docker N), RSS every tenth
  --cgroup-scrapes=100     measured scrapes per N on the kernel-cgroup fleet
  --warmup=20  --concurrency=8 (parallel docker runs)
  --node=PATH              node binary for the exporter (default: the one running the bench)
  --node-flags=--a,--b     node flags for the exporter after its shebang's   --exporter-flags=--a=1,--b
  --profile  --no-build  --no-docs  --no-strace  --no-compare  --no-cri  --cri-pods=100  --no-breakdown
  --load-scrapers=50 --load-seconds=30  the load phase at the long-run N (--no-load skips it)
  --docs-file=PATH         write the results block into PATH instead of docs/benchmarks.md (to look at it)
  --quick                  a check of the bench itself: --sizes=5,20 --docker-max=5 --scrapes=20
                           --rss-scrapes=20 --cgroup-scrapes=20 --warmup=5 --load-seconds=5 --no-cri --no-docs
                           (later flags win)`;

function numberList(v: string): number[] {
  return v
    .split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0)
    .sort((a, b) => a - b);
}

function listAfterEquals(arg: string): string[] {
  return arg
    .slice(arg.indexOf('=') + 1)
    .split(',')
    .filter(Boolean);
}

export function parseFlags(argv: string[], defaultNode: string): BenchOptions {
  const opts: BenchOptions = {
    sizes: [50, 200, 1000],
    dockerMax: 200,
    scrapes: 300,
    rssScrapes: 1000,
    cgroupScrapes: 100,
    warmup: 20,
    concurrency: 8,
    profile: false,
    build: true,
    docs: true,
    strace: true,
    breakdown: true,
    node: defaultNode,
    nodeFlags: [],
    exporterFlags: [],
    compare: true,
    cri: true,
    criPods: 100,
    loadScrapers: 50,
    loadSeconds: 30,
    given: argv,
  };
  for (const arg of argv) {
    const eq = arg.indexOf('=');
    const k = (eq >= 0 ? arg.slice(0, eq) : arg).replace(/^--/, '');
    const v = eq >= 0 ? arg.slice(eq + 1) : '';
    switch (k) {
      case 'quick':
        Object.assign(opts, {
          sizes: [5, 20],
          dockerMax: 5,
          scrapes: 20,
          rssScrapes: 20,
          cgroupScrapes: 20,
          warmup: 5,
          loadSeconds: 5,
          cri: false,
          docs: false,
        });
        break;
      case 'sizes':
        opts.sizes = numberList(v);
        break;
      case 'docker-max':
        opts.dockerMax = Number(v);
        break;
      case 'scrapes':
        opts.scrapes = Number(v);
        break;
      case 'rss-scrapes':
        opts.rssScrapes = Number(v);
        break;
      case 'cgroup-scrapes':
        opts.cgroupScrapes = Number(v);
        break;
      case 'warmup':
        opts.warmup = Number(v);
        break;
      case 'concurrency':
        opts.concurrency = Number(v);
        break;
      case 'node':
        opts.node = v;
        break;
      case 'profile':
        opts.profile = true;
        break;
      case 'no-build':
        opts.build = false;
        break;
      case 'no-docs':
        opts.docs = false;
        break;
      case 'docs-file':
        opts.docs = true;
        opts.docsFile = v;
        break;
      case 'no-strace':
        opts.strace = false;
        break;
      case 'no-breakdown':
        opts.breakdown = false;
        break;
      case 'node-flags':
        opts.nodeFlags = listAfterEquals(arg);
        break;
      case 'exporter-flags':
        opts.exporterFlags = listAfterEquals(arg);
        break;
      case 'no-compare':
        opts.compare = false;
        break;
      case 'no-cri':
        opts.cri = false;
        break;
      case 'cri-pods':
        opts.criPods = Number(v);
        break;
      case 'load-scrapers':
        opts.loadScrapers = Number(v);
        break;
      case 'load-seconds':
        opts.loadSeconds = Number(v);
        break;
      case 'no-load':
        opts.loadScrapers = 0;
        break;
      case 'help':
        throw new Error(USAGE);
      default:
        throw new Error(`unknown flag ${arg}\n${USAGE}`);
    }
  }
  // Fewer than 100 scrapes is for checking the bench itself (e.g. --quick), not for numbers.
  const atLeast10 = (n: number) => Number.isFinite(n) && n >= 10;
  if (opts.sizes.length === 0 || ![opts.scrapes, opts.rssScrapes, opts.cgroupScrapes].every(atLeast10))
    throw new Error('need --sizes, and --scrapes, --rss-scrapes and --cgroup-scrapes of at least 10');
  if (!(opts.warmup >= 1) || !(opts.concurrency >= 1) || !(opts.criPods >= 1) || !(opts.dockerMax >= 0))
    throw new Error('need --warmup, --concurrency and --cri-pods of at least 1 and --docker-max of at least 0');
  if (!(opts.loadScrapers >= 0) || !(opts.loadSeconds >= 1))
    throw new Error('need --load-scrapers of at least 0 and --load-seconds of at least 1');
  if (!opts.node) throw new Error('--node needs a path');
  return opts;
}

/** Which fleet an N runs on. */
export function fleetOf(opts: BenchOptions, n: number): 'docker' | 'cgroups' {
  return n <= opts.dockerMax ? 'docker' : 'cgroups';
}

/**
 * The N of the long run (RSS over --rss-scrapes scrapes), the read-ahead comparison and --profile: the
 * largest Docker N (the 200 the targets name), or the largest N when none runs on Docker.
 */
export function longRunSize(opts: BenchOptions): number {
  const docker = opts.sizes.filter((n) => fleetOf(opts, n) === 'docker');
  return (docker.length ? docker : opts.sizes)[(docker.length ? docker : opts.sizes).length - 1];
}
