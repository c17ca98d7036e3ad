/**
 * The bench's Kubernetes phase: what the CRI metadata source costs on a node of `pods` pods with one
 * container each (so 2 × pods container cgroups, the sandboxes included), on a real containerd with its
 * CRI plugin (test/support/containerd.ts), pods made as kubelet makes them.
 *
 * - refresh: one CriMetadataSource refresh, timed in this process: the first (Version, both lists, one
 *   PodSandboxStatus per sandbox, ListImages) and then steady ones (both lists and ListImages; sandbox
 *   specs are kept), forced by asking for an id the runtime does not know with no refresh interval.
 * - memory and scrape time: the built exporter with the CRI source against the same exporter with none
 *   (`--cri.socket=`, ids only), on the same cgroups, measured by bench/measure.ts's measureExporter.
 * Nothing here is part of the exporter.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { CriMetadataSource, startCriNode, type CriNode, type RunningPod } from './exporterModules';

export interface CriNodeUnderTest {
  node: CriNode;
  pods: RunningPod[];
  /** Container cgroups the exporter will find: every pod's sandbox and container. */
  containers: number;
}

/** A containerd node with `pods` Burstable pods of one limited `sleep` container each. */
export async function startCriFleet(pods: number, concurrency = 4): Promise<CriNodeUnderTest> {
  const node = await startCriNode();
  const running: RunningPod[] = [];
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < pods) {
          const i = next++;
          const pod = await node.kubelet.runPod({ name: `bench-${i}`, namespace: 'bench', labels: { app: 'bench' } });
          await node.kubelet.runContainer(pod, {
            name: 'app',
            command: ['sleep', '3600'],
            resources: { cpuPeriod: 100_000, cpuQuota: 20_000, cpuShares: 204, memoryLimitBytes: 32 * 1024 * 1024 },
          });
          running.push(pod);
        }
      })
    );
  } catch (err) {
    await node.stop().catch(() => undefined);
    throw err;
  }
  return { node, pods: running, containers: running.length * 2 };
}

export interface RefreshCost {
  /** The first refresh, in ms. */
  firstMs: number;
  /** Steady refreshes, in ms, sorted. */
  steadyMs: number[];
  /** CPU seconds of the refresh child processes, per steady refresh (utime + stime, from cutime/cstime). */
  childCpuPerRefresh: number;
  /** Containers the source named (sandboxes included). */
  named: number;
}

/** CPU seconds this process's waited-for children used: /proc/self/stat cutime + cstime, in clock ticks. */
function childrenCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields after the command: state is index 0, so cutime (field 16 of stat(5)) is index 13 here.
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

/** `refreshes` steady refreshes after the first, each forced by an id the runtime does not know. */
export async function measureRefresh(fleet: CriNodeUnderTest, refreshes: number): Promise<RefreshCost> {
  const source = new CriMetadataSource({
    socketPath: fleet.node.socketPath,
    log: () => {},
    minRefreshIntervalMs: 0,
    timeoutMs: 10_000,
  });
  const ids = fleet.pods.flatMap((p) => [p.sandboxId, ...p.containers.map((c) => c.id)]);
  const unknown = 'f'.repeat(64);
  const t0 = performance.now();
  const named = (await source.lookup(ids)).size;
  const firstMs = performance.now() - t0;
  if (source.up() !== true) throw new Error('the CRI source did not reach the bench node');
  const steadyMs: number[] = [];
  const cpu0 = childrenCpuSeconds();
  for (let i = 0; i < refreshes; i++) {
    const t = performance.now();
    await source.lookup([unknown]);
    steadyMs.push(performance.now() - t);
  }
  const childCpuPerRefresh = (childrenCpuSeconds() - cpu0) / refreshes;
  return { firstMs, steadyMs: steadyMs.sort((a, b) => a - b), childCpuPerRefresh, named };
}
