/**
 * The exporter as the DaemonSet runs it, against a real containerd node: the container settings come from
 * the rendered kustomize base (deploy/kubernetes), translated one by one into `docker run` flags — host PID
 * namespace, every capability dropped but SYS_PTRACE, no privilege escalation, a read-only root, root as
 * the user, the manifest's read-only mounts (the CRI socket's host path is the test node's) and the
 * manifest's arguments. Two things differ, and only so the test can run here: the container gets the
 * host's network so the test can reach it (the DaemonSet uses the pod network), and the listen address is
 * a free loopback port appended after the manifest's. The exporter must still see every pod, by name.
 */
import { readlinkSync } from 'node:fs';
import { METRICS } from '@isoscope/shared';
import { startEngine, type Engine, freeLoopbackPort, waitUntil } from '@isoscope/test-support';
import { startCriNode, type CriNode, type RunningPod } from '../support/containerd';
import { exporterCommand, exporterMounts } from '../support/exporterInContainer';
import { parseExposition, select, valueOf, type Series } from '../support/exposition';
import { renderedDaemonSet } from '../support/kustomize';

jest.setTimeout(180_000);

let engine: Engine;
let node: CriNode;
let url: string;
let web: RunningPod;
let agent: RunningPod;

/** `docker run` flags for the DaemonSet's pod and container spec, failing on any setting it cannot map. */
function dockerFlags(criSocket: string): { flags: string[]; args: string[] } {
  const ds = renderedDaemonSet();
  const pod = ds.spec.template.spec;
  const [c] = pod.containers;
  const sc = c.securityContext;
  const flags: string[] = [];
  if (pod.hostPID) flags.push('--pid', 'host');
  if (pod.hostNetwork) throw new Error('the DaemonSet asks for hostNetwork, which this test does not expect');
  flags.push('--user', String(sc.runAsUser));
  for (const cap of sc.capabilities.drop) flags.push('--cap-drop', cap);
  for (const cap of sc.capabilities.add ?? []) flags.push('--cap-add', cap);
  if (sc.allowPrivilegeEscalation === false) flags.push('--security-opt', 'no-new-privileges');
  if (sc.readOnlyRootFilesystem) flags.push('--read-only');
  if (sc.privileged) flags.push('--privileged');
  // seccompProfile RuntimeDefault is Docker's default profile: no flag.
  if (sc.seccompProfile.type !== 'RuntimeDefault')
    throw new Error(`unexpected seccomp profile ${sc.seccompProfile.type}`);
  for (const mount of c.volumeMounts) {
    const volume = pod.volumes.find((v: any) => v.name === mount.name);
    const hostPath = volume.hostPath.type === 'Socket' ? criSocket : volume.hostPath.path;
    flags.push('-v', `${hostPath}:${mount.mountPath}${mount.readOnly ? ':ro' : ''}`);
  }
  for (const e of c.env ?? []) {
    if (e.valueFrom?.fieldRef?.fieldPath === 'spec.nodeName') flags.push('-e', `${e.name}=test-node`);
  }
  return { flags, args: c.args };
}

async function scrape(): Promise<Series[]> {
  const res = await fetch(`${url}/metrics`);
  expect(res.status).toBe(200);
  return parseExposition(await res.text()).series;
}

beforeAll(async () => {
  [engine, node] = await Promise.all([startEngine(), startCriNode()]);
  web = await node.kubelet.runPod({ name: 'web-0', namespace: 'shop' });
  await node.kubelet.runContainer(web, { name: 'app', resources: { memoryLimitBytes: 48 * 1024 * 1024 } });
  agent = await node.kubelet.runPod({
    name: 'agent-0',
    namespace: 'kube-system',
    hostNetwork: true,
    qosClass: 'BestEffort',
  });
  await node.kubelet.runContainer(agent, { name: 'agent' });

  const port = await freeLoopbackPort();
  url = `http://127.0.0.1:${port}`;
  const { flags, args } = dockerFlags(node.socketPath);
  await engine.run(
    'isoscope-daemonset',
    [...flags, '--network', 'host', ...exporterMounts()],
    exporterCommand([...args, `--web.listen-address=127.0.0.1:${port}`])
  );
  await waitUntil(
    'the exporter container to serve',
    async () => ((await fetch(`${url}/healthz`)).ok ? true : undefined),
    {
      timeoutMs: 30_000,
      intervalMs: 200,
    }
  ).catch(async (err: Error) => {
    throw new Error(
      `${err.message}\n${await engine.docker(['logs', 'isoscope-daemonset']).catch((e: Error) => e.message)}`
    );
  });
});

afterAll(async () => {
  await engine?.stop();
  await node?.stop();
});

describe("the exporter with the DaemonSet's settings", () => {
  it("finds the CRI socket under --path.rootfs and names every pod's containers", async () => {
    const series = await scrape();
    expect(valueOf(series, METRICS.metadataSourceUp.name, { source: 'cri' })).toBe(1);
    // --docker.socket= : no Docker source at all on a CRI node.
    expect(select(series, METRICS.metadataSourceUp.name, { source: 'docker' })).toEqual([]);
    for (const pod of [web, agent]) {
      for (const c of pod.containers) {
        expect(select(series, METRICS.memoryUsage.name, { id: c.cgroupPath }).map((s) => s.labels)).toEqual([
          {
            id: c.cgroupPath,
            name: c.id,
            image: node.image,
            namespace: pod.namespace,
            pod: pod.name,
            container: c.name,
          },
        ]);
      }
      const sandbox = `${pod.cgroupParent}/${pod.sandboxId}`;
      expect(select(series, METRICS.memoryUsage.name, { id: sandbox })[0].labels.container).toBe('POD');
    }
    expect(valueOf(series, METRICS.specMemoryLimit.name, { pod: 'web-0', container: 'app' })).toBe(48 * 1024 * 1024);
  });

  it("reads every pod container's namespaces with only SYS_PTRACE", async () => {
    const series = await scrape();
    for (const c of [...web.containers, ...agent.containers]) {
      for (const type of ['net', 'pid', 'ipc', 'mnt']) {
        const inode = Number(/\[(\d+)\]/.exec(readlinkSync(`/proc/${c.pid}/ns/${type}`))![1]);
        expect({
          c: c.name,
          type,
          inode: valueOf(series, METRICS.namespaceInode.name, { id: c.cgroupPath, ns_type: type }),
        }).toEqual({ c: c.name, type, inode });
      }
    }
    expect(select(series, METRICS.podNamespaceMode.name, { pod: 'agent-0', ns_type: 'net' })[0].labels.mode).toBe(
      'node'
    );
    // Nothing failed to read: the dropped capabilities cost no value.
    expect(select(series, METRICS.readErrors.name).filter((s) => s.value !== 0)).toEqual([]);
  });
});
