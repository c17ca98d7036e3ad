/** The benchmark's flags: BENCH_FLAGS first, then the command line (later flags win). */

export interface BenchOptions {
  /** Container counts, ascending. */
  sizes: number[];
  /** Fresh mounts, refreshes, sorts and filters per size; the report gives their median. */
  repeat: number;
  /** How long to scroll per size, and by how many px each frame. */
  scrollMs: number;
  scrollPx: number;
  build: boolean;
  docs: boolean;
  /** CPU profiles (CDP) of the first paint and the scroll at the largest size, with their top functions. */
  profile: boolean;
  /** Where the results block goes (default docs/benchmarks.md). */
  docsFile?: string;
  /** Another build of the panel to measure (its dist/ folder), e.g. an earlier commit's, for before/after. */
  dist?: string;
  /** The flags as given, for the report. */
  given: string[];
}

export const USAGE = `usage: npm run bench  (in packages/grafana-panel; flags also from BENCH_FLAGS='…')
  --sizes=20,200,2000   containers (the synthetic fleet, ten hosts)
  --repeat=5            fresh mounts, refreshes, sorts and filters per size (medians reported)
  --scroll-seconds=4    scrolling per size   --scroll-px=120  px per frame
  --no-build            use dist/module.js as it is (default: npm run build first)
  --dist=PATH           measure another build of the panel (its dist/, e.g. an earlier commit's); implies
                        --no-build
  --no-docs             print only; --docs-file=PATH writes the results block into PATH instead
  --profile             CPU profiles of the first paint and the scroll at the largest size ($TMPDIR), top
                        functions by self time printed
  --quick               a check of the bench itself: --sizes=20,200 --repeat=2 --scroll-seconds=1 --no-docs
                        (later flags win)`;

export function parseFlags(argv: string[]): BenchOptions {
  const opts: BenchOptions = {
    sizes: [20, 200, 2000],
    repeat: 5,
    scrollMs: 4000,
    scrollPx: 120,
    build: true,
    docs: true,
    profile: false,
    given: argv,
  };
  for (const arg of argv) {
    const [flag, value = ''] = arg.split(/=(.*)/s);
    const positive = () => {
      const n = Number(value);
      if (!(n > 0)) {
        throw new Error(`${flag} needs a positive number, not "${value}"`);
      }
      return n;
    };
    switch (flag) {
      case '--quick':
        Object.assign(opts, { sizes: [20, 200], repeat: 2, scrollMs: 1000, docs: false });
        break;
      case '--sizes':
        opts.sizes = value
          .split(',')
          .map(Number)
          .filter((n) => Number.isInteger(n) && n > 0)
          .sort((a, b) => a - b);
        break;
      case '--repeat':
        opts.repeat = Math.round(positive());
        break;
      case '--scroll-seconds':
        opts.scrollMs = positive() * 1000;
        break;
      case '--scroll-px':
        opts.scrollPx = positive();
        break;
      case '--no-build':
        opts.build = false;
        break;
      case '--profile':
        opts.profile = true;
        break;
      case '--dist':
        opts.dist = value;
        opts.build = false;
        break;
      case '--no-docs':
        opts.docs = false;
        break;
      case '--docs-file':
        opts.docsFile = value;
        opts.docs = true;
        break;
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown flag ${arg}\n${USAGE}`);
    }
  }
  if (opts.sizes.length === 0) {
    throw new Error(`--sizes gave no size\n${USAGE}`);
  }
  return opts;
}
