/** The shapes the bench's modules hand each other: measurements, floor lists and runs, results. */
import type { ThreadKind } from './measure';

export interface Stats {
  n: number;
  p50: number;
  p95: number;
  min: number;
  max: number;
  mean: number;
}

/** One reading of /proc/<pid>/status, in bytes. */
export interface MemoryStatus {
  /** VmRSS. */
  rss: number;
  /** VmHWM: the peak since start or since the last reset (clear_refs 5). */
  hwm: number;
  /** RssAnon, RssFile, RssShmem (VmRSS is their sum). */
  anon: number;
  file: number;
  shmem: number;
}

export interface RssSample {
  scrape: number;
  rss: number;
  heapUsed?: number;
  heapTotal?: number;
  external?: number;
}

/** A sequential scraper on one keep-alive connection. */
export interface Scraper {
  once(): Promise<{ ms: number; body: Buffer }>;
  close(): void;
}

/** CPU seconds, user and system, by kind of thread (measure.ts's THREAD_KINDS). */
export type ThreadCpu = Record<ThreadKind, { user: number; sys: number }>;

/** What one measured exporter run found. */
export interface Measurement {
  /** isoscope_containers after the warm-up and at the end. */
  containersSeen: number;
  containersSeenEnd: number;
  latency: Stats;
  cpuPerScrape: number;
  /** CPU seconds per scrape by kind of thread, user and system (measure.ts's threadCpuSeconds). */
  threadCpu: ThreadCpu;
  cpuTotal: number;
  wallS: number;
  /** VmRSS after the warm-up, and the rest of that status reading. */
  rssAfterWarmup: number;
  memWarm: MemoryStatus;
  /** VmRSS after the warm-up and every rssEvery scrapes. */
  rss: RssSample[];
  /** VmHWM over the measured scrapes (reset after the warm-up); undefined where the reset was refused. */
  peakRss?: number;
  bytes: number;
  readErrors: number;
  /** Mean collect time per collector (ms), from every 10th scrape's isoscope_scrape_collector_duration_seconds. */
  stageMs: Record<string, number>;
}

/** One operation of the floor: r(ead), o(ptional read), l(ink), L (optional link), d(irectory). */
export type OpKind = 'r' | 'o' | 'l' | 'L' | 'd';
export interface FloorOp {
  kind: OpKind;
  path: string;
  /** A per-process fact the exporter reads once and caches. */
  once: boolean;
}

export interface FloorLists {
  /** Every op of a first (cold) scrape. */
  ops: FloorOp[];
  /** The ops of a steady-state scrape. */
  steady: FloorOp[];
  /** The once-per-process ops. */
  once: FloorOp[];
  /** The container cgroup paths the exporter's discovery finds, sorted. */
  containers: string[];
  mode: string;
}

export interface FloorRun {
  latency: Stats;
  summary: string;
  unexpected: number;
}

export interface StraceResult {
  error?: string;
  traced?: number;
  listed?: number;
  missingInFloor?: string[];
  notTraced?: string[];
  other?: string[];
  reread?: string[];
}

export type FleetKind = 'docker' | 'cgroups';

/** What the bench found at one N. */
export interface SizeResult {
  n: number;
  fleet: FleetKind;
  mode: string;
  exporter: Measurement;
  readAheadOff?: Measurement;
  strace?: { cold?: StraceResult; steady: StraceResult };
  floor: FloorRun & { ops: number; opsPerContainer: number; containers: number; ownContainers: number; once: number };
  cold: FloorRun & { ops: number; opsPerContainer: number };
}

/** The RSS breakdown: bare node with the shebang's env and flags, and the exporter with no containers. */
export interface Breakdown {
  bareNode: MemoryStatus & { settleMs: number; windowMs: number };
  idle: Measurement;
  /** How the idle exporter found no containers. */
  idleHow: string;
}

export interface StageBreakdown {
  n: number;
  iterations: number;
  samples: number;
  series: number;
  bytes: number;
  /** Bytes the main thread allocated per served scrape (V8's total_allocated_bytes). */
  allocatedPerScrape: number;
  phases: Record<string, Stats>;
  fsFloors: Record<string, Stats>;
}

export interface ProfileSummary {
  n: number;
  scrapes: number;
  totalMs: number;
  top: Array<[string, number]>;
  areas: Array<[string, number]>;
}

export interface CriResult {
  pods: number;
  containers: number;
  refresh: { firstMs: number; steadyMs: number[]; childCpuPerRefresh: number; named: number };
  withCri: Measurement;
  without: Measurement;
  daemonSet: Measurement;
}

/** What each fleet cost the host, to judge what fits (Docker) and to describe it (cgroups). */
export interface FleetCost {
  fleet: FleetKind;
  n: number;
  startS: number;
  /** MemAvailable before minus after starting the fleet, per container (bytes). */
  hostMemPerContainer: number;
  /** PSS of the processes the fleet added, per container: the engine's (Docker), the sleepers (cgroups). */
  processPssPerContainer: number;
  /** Disk used under the engine's data root per container (Docker only). */
  diskPerContainer?: number;
  /** What the fleet's processes are. */
  note: string;
}

export interface Machine {
  containerd: string;
  nproc: number;
  model: string;
  memory: string;
  kernel: string;
  /** The Node running the bench, and the one running the exporter. */
  benchNode: string;
  node: string;
  nodePath: string;
  gcc: string;
  docker: string;
  date: string;
  /** The exporter's command line as the bench starts it (env, node, flags from the shebang). */
  exporterCommand: string;
}

export interface Verdict {
  target: string;
  met: boolean;
  detail: string;
}
