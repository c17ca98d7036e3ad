import { join } from 'node:path';
import { METRICS, type MetricFamily } from '@isoscope/shared';
import { FlatKeys } from '../parsers/flatKeyed';
import { parseMeminfo } from '../parsers/meminfo';
import { parseUint } from '../parsers/values';
import type { FileReader } from '../files/reader';
import type { Scrape } from '../scrape/scrape';
import type { Collector } from './collector';
import type { Target } from '../scrape/target';
import { controllerFile, isV1, readFlatKeyed, requireKey } from './cgroupFiles';

/** Where each version keeps the figures both report: the usage file and the memory.stat keys. */
interface MemoryLayout {
  usage: string;
  inactiveFile: StatKey;
  rss: StatKey;
  cache: StatKey;
  mappedFile: StatKey;
}

/** The memory.stat keys read, of either version (what a kernel adds over time is skipped, not cut out). */
type StatKey =
  | 'inactive_file'
  | 'anon'
  | 'file'
  | 'file_mapped'
  | 'total_inactive_file'
  | 'total_rss'
  | 'total_cache'
  | 'total_mapped_file'
  | 'total_swap'
  | 'pgfault'
  | 'pgmajfault'
  | 'total_pgfault'
  | 'total_pgmajfault';

const V2: MemoryLayout = {
  usage: 'memory.current',
  inactiveFile: 'inactive_file',
  rss: 'anon',
  cache: 'file',
  mappedFile: 'file_mapped',
};
// v1's total_* keys include sub-cgroups, which is what v2's (always hierarchical) keys mean too.
const V1: MemoryLayout = {
  usage: 'memory.usage_in_bytes',
  inactiveFile: 'total_inactive_file',
  rss: 'total_rss',
  cache: 'total_cache',
  mappedFile: 'total_mapped_file',
};

const FAULTS: StatKey[] = ['pgfault', 'pgmajfault'];
const V2_STAT = new FlatKeys<StatKey>([V2.inactiveFile, V2.rss, V2.cache, V2.mappedFile, ...FAULTS]);
const V1_STAT = new FlatKeys<StatKey>([
  V1.inactiveFile,
  V1.rss,
  V1.cache,
  V1.mappedFile,
  'total_swap',
  ...FAULTS,
  'total_pgfault',
  'total_pgmajfault',
]);
const OOM_CONTROL = new FlatKeys(['oom_kill']);

/**
 * Memory use with cAdvisor's meanings: working set = usage − inactive file cache (floored at 0), the
 * figure the kubelet evicts on; rss/cache/mapped_file from memory.stat; OOM kills from the kernel's own
 * counter (v2 memory.events, v1 memory.oom_control) rather than /dev/kmsg, which is why cAdvisor's often
 * reads 0.
 */
export const memoryCollector: Collector = {
  name: 'memory',
  collect,
  /**
   * The machine's: on v1 the root memory cgroup has every file a container's has. v2's root has no
   * memory.current, memory.swap.current, memory.peak nor memory.events, so usage is memory.stat's anon + file
   * (what v1's root usage_in_bytes counts) and swap the host's from /proc/meminfo (SwapTotal − SwapFree), as
   * cAdvisor's library (opencontainers/cgroups, fs2 memory) gives them; no max usage and no OOM events.
   */
  machine(scrape, t) {
    if (isV1(scrape, 'memory')) collect(scrape, t);
    else machineV2(scrape, t);
  },
};

function collect(scrape: Scrape, t: Target): void {
  const v1 = isV1(scrape, 'memory');
  const reader = scrape.reader('memory', t);
  const file = (name: string) => controllerFile(scrape, t, 'memory', name);
  const stat = collectUsage(scrape, t, reader, file, v1 ? V1 : V2);
  if (v1) collectV1(scrape, t, reader, file, stat);
  else collectV2(scrape, t, reader, file, stat);
}

function machineV2(scrape: Scrape, t: Target): void {
  const reader = scrape.reader('memory', t);
  const statPath = controllerFile(scrape, t, 'memory', 'memory.stat');
  // Kernels before the root had a memory.stat (cgroup-v2.rst said "exists on non-root cgroups") give no usage.
  const stat = readFlatKeyed(reader, statPath, V2_STAT, { optional: true });
  if (stat) {
    const key = (k: StatKey) => requireKey(reader, statPath, stat, k);
    const anon = key(V2.rss);
    const cache = key(V2.cache);
    const inactiveFile = key(V2.inactiveFile);
    const mappedFile = key(V2.mappedFile);
    if (anon !== undefined && cache !== undefined) {
      scrape.emit(METRICS.memoryUsage, t, anon + cache);
      if (inactiveFile !== undefined) scrape.emit(METRICS.memoryWorkingSet, t, workingSet(anon + cache, inactiveFile));
    }
    if (anon !== undefined) scrape.emit(METRICS.memoryRss, t, anon);
    if (cache !== undefined) scrape.emit(METRICS.memoryCache, t, cache);
    if (mappedFile !== undefined) scrape.emit(METRICS.memoryMappedFile, t, mappedFile);
    emitFailures(scrape, t, stat.get('pgfault'), stat.get('pgmajfault'), stat.get('pgfault'), stat.get('pgmajfault'));
  }
  scrape.emit(METRICS.memoryFailcnt, t, 0);
  const meminfoPath = join(scrape.env.procfs, 'meminfo');
  const text = reader.read(meminfoPath);
  if (text === undefined) return;
  const { values, malformed } = parseMeminfo(text);
  reader.malformed(meminfoPath, malformed);
  const total = requireKey(reader, meminfoPath, values, 'SwapTotal');
  const free = requireKey(reader, meminfoPath, values, 'SwapFree');
  if (total !== undefined && free !== undefined) scrape.emit(METRICS.memorySwap, t, Math.max(0, total - free));
}

type FileOf = (name: string) => string | null;

/** Usage, working set and the memory.stat breakdown; returns memory.stat for the version-specific rest. */
function collectUsage(
  scrape: Scrape,
  t: Target,
  reader: FileReader,
  file: FileOf,
  layout: MemoryLayout
): Map<StatKey, number> | undefined {
  const usage = reader.parse(file(layout.usage), parseUint);
  if (usage !== undefined) scrape.emit(METRICS.memoryUsage, t, usage);
  const statPath = file('memory.stat');
  const stat = readFlatKeyed(reader, statPath, layout === V1 ? V1_STAT : V2_STAT);
  if (!stat) return undefined;
  const key = (k: StatKey) => requireKey(reader, statPath, stat, k);
  const inactiveFile = key(layout.inactiveFile);
  if (usage !== undefined && inactiveFile !== undefined)
    scrape.emit(METRICS.memoryWorkingSet, t, workingSet(usage, inactiveFile));
  const breakdown: Array<[MetricFamily, StatKey]> = [
    [METRICS.memoryRss, layout.rss],
    [METRICS.memoryCache, layout.cache],
    [METRICS.memoryMappedFile, layout.mappedFile],
  ];
  for (const [family, k] of breakdown) {
    const v = key(k);
    if (v !== undefined) scrape.emit(family, t, v);
  }
  return stat;
}

function collectV2(
  scrape: Scrape,
  t: Target,
  reader: FileReader,
  file: FileOf,
  stat: Map<StatKey, number> | undefined
): void {
  // v2 statistics are hierarchical already: both scopes read the same counters, as in cAdvisor.
  if (stat)
    emitFailures(scrape, t, stat.get('pgfault'), stat.get('pgmajfault'), stat.get('pgfault'), stat.get('pgmajfault'));
  // memory.swap.current is absent without swap accounting, memory.peak before Linux 5.19.
  const swap = reader.parse(file('memory.swap.current'), parseUint, { optional: true });
  if (swap !== undefined) scrape.emit(METRICS.memorySwap, t, swap);
  const peak = reader.parse(file('memory.peak'), parseUint, { optional: true });
  if (peak !== undefined) scrape.emit(METRICS.memoryMaxUsage, t, peak);
  scrape.emit(METRICS.memoryFailcnt, t, 0);

  const events = readFlatKeyed(reader, file('memory.events'));
  if (events) {
    for (const [event, count] of events) scrape.emit(METRICS.memoryEvents, t, count, eventLabels(event));
    const oomKill = events.get('oom_kill');
    if (oomKill !== undefined) scrape.emit(METRICS.oomEvents, t, oomKill);
  }
}

function collectV1(
  scrape: Scrape,
  t: Target,
  reader: FileReader,
  file: FileOf,
  stat: Map<StatKey, number> | undefined
): void {
  if (stat) {
    // total_swap is there only with swap accounting (memsw) enabled.
    const swap = stat.get('total_swap');
    if (swap !== undefined) scrape.emit(METRICS.memorySwap, t, swap);
    emitFailures(
      scrape,
      t,
      stat.get('pgfault'),
      stat.get('pgmajfault'),
      stat.get('total_pgfault'),
      stat.get('total_pgmajfault')
    );
  }
  const maxUsage = reader.parse(file('memory.max_usage_in_bytes'), parseUint);
  if (maxUsage !== undefined) scrape.emit(METRICS.memoryMaxUsage, t, maxUsage);
  const failcnt = reader.parse(file('memory.failcnt'), parseUint);
  if (failcnt !== undefined) scrape.emit(METRICS.memoryFailcnt, t, failcnt);
  // oom_kill appeared in memory.oom_control with Linux 4.13.
  const oomKill = readFlatKeyed(reader, file('memory.oom_control'), OOM_CONTROL)?.get('oom_kill');
  if (oomKill !== undefined) scrape.emit(METRICS.oomEvents, t, oomKill);
}

export function workingSet(usage: number, inactiveFile: number): number {
  return Math.max(0, usage - inactiveFile);
}

const FAILURE_LABELS = [
  { failure_type: 'pgfault', scope: 'container' },
  { failure_type: 'pgmajfault', scope: 'container' },
  { failure_type: 'pgfault', scope: 'hierarchy' },
  { failure_type: 'pgmajfault', scope: 'hierarchy' },
] as const;

/** memory.events keys seen so far → their label object, so each scrape does not build them again. */
const EVENT_LABELS = new Map<string, { event: string }>();
function eventLabels(event: string): { event: string } {
  let labels = EVENT_LABELS.get(event);
  // The kernel has six memory.events keys; the bound only guards against a garbage file.
  if (!labels) {
    labels = { event };
    if (EVENT_LABELS.size < 64) EVENT_LABELS.set(event, labels);
  }
  return labels;
}

function emitFailures(
  scrape: Scrape,
  t: Target,
  pgfault: number | undefined,
  pgmajfault: number | undefined,
  totalPgfault: number | undefined,
  totalPgmajfault: number | undefined
): void {
  const values = [pgfault, pgmajfault, totalPgfault, totalPgmajfault];
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== undefined) scrape.emit(METRICS.memoryFailures, t, values[i]!, FAILURE_LABELS[i]);
  }
}
