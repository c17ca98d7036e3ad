/**
 * The exporter against real containers: a private Docker engine runs busybox containers with different
 * isolation and limits, the built CLI scrapes this host's real /proc and /sys, and every value is checked
 * against what the kernel (procfs, cgroupfs) and Docker say.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { METRICS, NAMESPACE_TYPES } from '@isoscope/shared';
import { startEngine, TEST_IMAGE, type Engine, startExporter, type ExporterProcess } from '@isoscope/test-support';
import { allHostCapabilities } from '../support/capabilities';
import { linkNamespaces } from '../support/netns';
import { parseExposition, select, valueOf, type Series } from '../support/exposition';

jest.setTimeout(180_000);

const M = METRICS;
let engine: Engine;
let exporter: ExporterProcess;
/** Container name → { id, pid } from docker inspect. */
const containers = new Map<string, { id: string; pid: number }>();

async function run(name: string, args: string[], cmd: string[] = ['sleep', '600']): Promise<void> {
  const id = await engine.run(name, args, cmd);
  const info = await engine.inspect(id);
  containers.set(name, { id, pid: info.State.Pid });
}

function pidOf(name: string): number {
  return containers.get(name)!.pid;
}

async function scrape(): Promise<Series[]> {
  return parseExposition(await exporter.scrape()).series;
}

function inode(pid: number | 'self', type: string): number {
  return Number(/\[(\d+)\]/.exec(readlinkSync(`/proc/${pid}/ns/${type}`))![1]);
}

function statusField(pid: number | 'self', field: string): string {
  return new RegExp(`^${field}:\\s*(.*)$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1];
}

function bits(hex: string): number {
  return [...BigInt(`0x${hex}`).toString(2)].filter((b) => b === '1').length;
}

/** Poll a scrape until `ok` holds, at most `ms`. */
async function eventually(ok: (series: Series[]) => boolean, ms = 20_000): Promise<Series[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const series = await scrape();
    if (ok(series) || Date.now() > deadline) return series;
    await new Promise((r) => setTimeout(r, 500));
  }
}

beforeAll(async () => {
  engine = await startEngine();
  await run('limited', ['--memory', '64m', '--cpus', '0.5', '--pids-limit', '50', '--cpuset-cpus', '0']);
  await run('peer', ['--network', 'container:limited']);
  await run('hostns', ['--network', 'host', '--pid', 'host']);
  await run('hostipc', ['--ipc', 'host', '--uts', 'host']);
  await run('spinner', ['--cpus', '0.1'], ['sh', '-c', 'while :; do :; done']);
  // dd allocates its 64 MiB block at once; under a 16 MiB limit without swap the OOM killer takes it,
  // and the shell lives on so the container (and its cgroup) stays to be scraped.
  await run(
    'oom',
    ['--memory', '16m', '--memory-swap', '16m'],
    ['sh', '-c', 'dd if=/dev/zero of=/dev/null bs=64M count=1; sleep 600']
  );
  await run('unconfined', ['--security-opt', 'seccomp=unconfined', ...allHostCapabilities()]);
  await run('nonewprivs', ['--security-opt', 'no-new-privileges']);
  // What `docker compose up` labels a service's container with, and a label of no allow-list.
  await run('composed', [
    ...['--label', 'com.docker.compose.project=demo', '--label', 'com.docker.compose.service=web'],
    ...['--label', 'com.docker.compose.container-number=1', '--label', 'org.example.team=payments'],
  ]);
  exporter = await startExporter([`--docker.socket=${engine.socketPath}`]);
});

afterAll(async () => {
  await exporter?.stop();
  await engine?.stop();
});

describe('the exporter on real containers', () => {
  it('finds every container with its Docker name, image and cgroup path', async () => {
    const series = await scrape();
    for (const [name, { id }] of containers) {
      const found = select(series, M.memoryUsage.name, { name });
      const compose =
        name === 'composed'
          ? { container_label_com_docker_compose_project: 'demo', container_label_com_docker_compose_service: 'web' }
          : {};
      expect(found.map((s) => s.labels)).toEqual([{ id: `/docker/${id}`, name, image: TEST_IMAGE, ...compose }]);
    }
    // Other engines on this host may run containers too: ours are among those counted.
    expect(valueOf(series, M.containers.name, { runtime: 'docker' })).toBeGreaterThanOrEqual(containers.size);
  });

  it("carries Compose's project and service on every series of the container, and no other label", async () => {
    const series = await scrape();
    const mine = series.filter((s) => s.labels.name === 'composed');
    expect(mine.length).toBeGreaterThan(20);
    for (const s of mine) {
      expect(s.labels).toMatchObject({
        container_label_com_docker_compose_project: 'demo',
        container_label_com_docker_compose_service: 'web',
      });
      expect(
        Object.keys(s.labels)
          .filter((l) => l.startsWith('container_label_'))
          .sort()
      ).toEqual(['container_label_com_docker_compose_project', 'container_label_com_docker_compose_service']);
    }
    // As a dashboard finds a Compose service.
    expect(
      valueOf(series, M.memoryUsage.name, {
        container_label_com_docker_compose_project: 'demo',
        container_label_com_docker_compose_service: 'web',
      })
    ).toBeGreaterThan(0);
    expect(
      series.some((s) => s.labels.name !== 'composed' && 'container_label_com_docker_compose_service' in s.labels)
    ).toBe(false);
  });

  it('reports the machine as cAdvisor\'s root cgroup: id="/" only, its CPU, memory, IO and network', async () => {
    const before = Number(readFileSync('/sys/fs/cgroup/cpuacct/cpuacct.usage', 'utf8')) / 1e9;
    const series = await scrape();
    const after = Number(readFileSync('/sys/fs/cgroup/cpuacct/cpuacct.usage', 'utf8')) / 1e9;
    const machine = series.filter((s) => s.labels.id === '/');
    // No name, image or Kubernetes label: `name!=""` and `image!=""` leave the machine out, as on cAdvisor.
    for (const s of machine)
      expect(
        Object.keys(s.labels).filter(
          (l) => !['cpu', 'interface', 'device', 'major', 'minor', 'operation', 'failure_type', 'scope'].includes(l)
        )
      ).toEqual(['id']);
    expect(
      series.filter((s) => s.name === M.memoryUsage.name && s.labels.name !== undefined && s.labels.id === '/')
    ).toEqual([]);
    const cpu = valueOf(series, M.cpuUsageSeconds.name, { id: '/', cpu: 'total' })!;
    expect(cpu).toBeGreaterThanOrEqual(before);
    expect(cpu).toBeLessThanOrEqual(after);
    // The whole machine uses more than every container of it together.
    const containersCpu = series
      .filter((s) => s.name === M.cpuUsageSeconds.name && s.labels.id.startsWith('/docker/'))
      .reduce((n, s) => n + s.value, 0);
    expect(cpu).toBeGreaterThan(containersCpu);
    const usage = valueOf(series, M.memoryUsage.name, { id: '/' })!;
    const kernelUsage = Number(readFileSync('/sys/fs/cgroup/memory/memory.usage_in_bytes', 'utf8'));
    expect(Math.abs(usage - kernelUsage)).toBeLessThan(0.1 * kernelUsage);
    expect(valueOf(series, M.memoryWorkingSet.name, { id: '/' })).toBeLessThanOrEqual(usage);
    // The host's own interfaces (pid 1's network namespace), less those cAdvisor leaves out.
    const hostIfaces = readFileSync('/proc/1/net/dev', 'utf8')
      .split('\n')
      .slice(2)
      .map((l) => l.split(':')[0].trim())
      .filter((n) => n !== '' && !['lo', 'veth', 'docker', 'nerdctl'].some((p) => n.startsWith(p)));
    expect(
      select(series, M.networkReceiveBytes.name, { id: '/' })
        .map((s) => s.labels.interface)
        .sort()
    ).toEqual(hostIfaces.sort());
    // Only the families a machine has.
    for (const family of [
      M.specMemoryLimit,
      M.threads,
      M.startTime,
      M.namespaceInode,
      M.securityPrivileged,
      M.pressureCpuWaiting,
    ])
      expect(select(series, family.name, { id: '/' })).toEqual([]);
  });

  it('reports the limits Docker set, exactly as the kernel holds them', async () => {
    const series = await scrape();
    const { id } = containers.get('limited')!;
    const info = await engine.inspect(id);
    const name = 'limited';
    expect(valueOf(series, M.specMemoryLimit.name, { name })).toBe(info.HostConfig.Memory);
    expect(valueOf(series, M.specMemoryLimit.name, { name })).toBe(
      Number(readFileSync(`/sys/fs/cgroup/memory/docker/${id}/memory.limit_in_bytes`, 'utf8'))
    );
    expect(valueOf(series, M.specCpuPeriod.name, { name })).toBe(100_000);
    expect(valueOf(series, M.specCpuQuota.name, { name })).toBe((info.HostConfig.NanoCpus / 1e9) * 100_000);
    expect(valueOf(series, M.threadsMax.name, { name })).toBe(info.HostConfig.PidsLimit);
    expect(valueOf(series, M.specCpusetCpus.name, { name })).toBe(1);
    // No limits: cAdvisor's conventions (0 for memory and pids, no quota series).
    expect(valueOf(series, M.specMemoryLimit.name, { name: 'peer' })).toBe(0);
    expect(valueOf(series, M.threadsMax.name, { name: 'peer' })).toBe(0);
    expect(select(series, M.specCpuQuota.name, { name: 'peer' })).toEqual([]);
  });

  it('reports each namespace as the kernel has it: inode, host sharing and sharers', async () => {
    const series = await scrape();
    const source = select(series, M.namespaceReferenceInfo.name)[0].labels.source;
    const hostPid = source === 'pid1' ? 1 : 'self';
    for (const [name, { pid }] of containers) {
      for (const type of NAMESPACE_TYPES) {
        const labels = { name, ns_type: type };
        const expected = inode(pid, type);
        expect({ name, type, inode: valueOf(series, M.namespaceInode.name, labels) }).toEqual({
          name,
          type,
          inode: expected,
        });
        expect({ name, type, host: valueOf(series, M.namespaceSharedWithHost.name, labels) }).toEqual({
          name,
          type,
          host: expected === inode(hostPid, type) ? 1 : 0,
        });
        // Every container on the host counts, including any other engine's: count them off the inode series.
        const sharers = select(series, M.namespaceInode.name, { ns_type: type }).filter(
          (s) => s.value === expected
        ).length;
        expect({ name, type, sharers: valueOf(series, M.namespaceSharers.name, labels) }).toEqual({
          name,
          type,
          sharers,
        });
      }
    }
    // The isolation each docker flag asked for, as a user reads it off the metrics.
    const host = (name: string, ns_type: string) => valueOf(series, M.namespaceSharedWithHost.name, { name, ns_type });
    const sharers = (name: string, ns_type: string) => valueOf(series, M.namespaceSharers.name, { name, ns_type });
    expect([host('hostns', 'net'), host('hostns', 'pid'), host('hostns', 'ipc')]).toEqual([1, 1, 0]);
    expect([host('hostipc', 'ipc'), host('hostipc', 'uts'), host('hostipc', 'net')]).toEqual([1, 1, 0]);
    expect([host('limited', 'net'), host('limited', 'pid'), host('limited', 'mnt')]).toEqual([0, 0, 0]);
    expect([sharers('limited', 'net'), sharers('peer', 'net'), sharers('limited', 'pid')]).toEqual([2, 2, 1]);
  });

  it('reports the security context of each container process', async () => {
    const series = await scrape();
    // The classic capabilities (bits 0–37) of the host's bounding set: see isPrivilegedLike.
    const classic = BigInt(`0x${statusField('self', 'CapBnd')}`) & ((1n << 38n) - 1n);
    for (const [name, { pid }] of containers) {
      const capEff = statusField(pid, 'CapEff');
      expect({ name, seccomp: valueOf(series, M.securitySeccompMode.name, { name }) }).toEqual({
        name,
        seccomp: Number(statusField(pid, 'Seccomp')),
      });
      expect({ name, caps: valueOf(series, M.securityCapabilitiesEffective.name, { name }) }).toEqual({
        name,
        caps: bits(capEff),
      });
      expect({ name, nnp: valueOf(series, M.securityNoNewPrivs.name, { name }) }).toEqual({
        name,
        nnp: Number(statusField(pid, 'NoNewPrivs')),
      });
      expect({ name, privileged: valueOf(series, M.securityPrivileged.name, { name }) }).toEqual({
        name,
        privileged: (BigInt(`0x${capEff}`) & classic) === classic ? 1 : 0,
      });
      expect({ name, root: valueOf(series, M.securityRootMappedToHost.name, { name }) }).toEqual({ name, root: 1 });
    }
    expect(valueOf(series, M.securitySeccompMode.name, { name: 'limited' })).toBe(2);
    expect(valueOf(series, M.securitySeccompMode.name, { name: 'unconfined' })).toBe(0);
    expect(valueOf(series, M.securityNoNewPrivs.name, { name: 'nonewprivs' })).toBe(1);
    expect(valueOf(series, M.securityPrivileged.name, { name: 'unconfined' })).toBe(1);
    expect(valueOf(series, M.securityPrivileged.name, { name: 'limited' })).toBe(0);
  });

  it('sees a busy loop under a CPU quota use CPU and get throttled more and more', async () => {
    const name = 'spinner';
    const first = await eventually((s) => (valueOf(s, M.cpuCfsThrottledPeriods.name, { name }) ?? 0) > 0);
    await new Promise((r) => setTimeout(r, 1500));
    const second = await scrape();
    for (const family of [M.cpuCfsThrottledPeriods, M.cpuCfsThrottledSeconds, M.cpuCfsPeriods]) {
      const [a, b] = [valueOf(first, family.name, { name }), valueOf(second, family.name, { name })];
      expect({ family: family.name, grew: b! > a! }).toEqual({ family: family.name, grew: true });
    }
    const usage = (s: Series[]) => valueOf(s, M.cpuUsageSeconds.name, { name, cpu: 'total' })!;
    expect(usage(second)).toBeGreaterThan(usage(first));
  });

  it('counts the OOM kill of a memory hog', async () => {
    const series = await eventually((s) => (valueOf(s, M.oomEvents.name, { name: 'oom' }) ?? 0) >= 1);
    expect(valueOf(series, M.oomEvents.name, { name: 'oom' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(series, M.oomEvents.name, { name: 'limited' })).toBe(0);
    expect(valueOf(series, M.specMemoryLimit.name, { name: 'oom' })).toBe(16 * 1024 * 1024);
  });

  it('reads memory and tasks from the container cgroup', async () => {
    const series = await scrape();
    const { id } = containers.get('limited')!;
    const name = 'limited';
    const usage = valueOf(series, M.memoryUsage.name, { name })!;
    expect(usage).toBeGreaterThan(0);
    expect(usage).toBeLessThanOrEqual(64 * 1024 * 1024);
    expect(valueOf(series, M.memoryWorkingSet.name, { name })).toBeLessThanOrEqual(usage);
    expect(valueOf(series, M.processes.name, { name })).toBe(1);
    expect(valueOf(series, M.threads.name, { name })).toBe(
      Number(readFileSync(`/sys/fs/cgroup/pids/docker/${id}/pids.current`, 'utf8'))
    );
    // This host is hybrid: PSI comes from the unified hierarchy.
    expect(valueOf(series, M.pressureCpuWaiting.name, { name })).toBeGreaterThanOrEqual(0);
  });

  it("counts interface traffic once per network namespace and never the host's", async () => {
    // Link the `limited` namespace (shared with `peer`) to the `unconfined` one with a veth pair — both
    // namespaces made by this test's engine — and send three pings across.
    const [a, b] = [pidOf('limited'), pidOf('unconfined')];
    linkNamespaces(a, b, '169.254.77');
    await engine.docker(['exec', 'limited', 'busybox', 'ping', '-c', '3', '-W', '2', '169.254.77.2']);

    const series = await scrape();
    const tx = valueOf(series, M.networkTransmitPackets.name, { name: 'limited', interface: 'eth1' })!;
    const rx = valueOf(series, M.networkReceivePackets.name, { name: 'unconfined', interface: 'eth1' })!;
    expect(tx).toBeGreaterThanOrEqual(3);
    expect(rx).toBeGreaterThanOrEqual(3);
    const kernelTx = Number(
      readFileSync(`/proc/${a}/net/dev`, 'utf8')
        .split('\n')
        .find((l) => l.trim().startsWith('eth1:'))!
        .split(':')[1]
        .trim()
        .split(/\s+/)[9]
    );
    expect(tx).toBeLessThanOrEqual(kernelTx);
    // `peer` shares `limited`'s namespace: the series are on the container that started first, once.
    expect(select(series, M.networkTransmitPackets.name, { name: 'peer' })).toEqual([]);
    // Loopback is left out, and a host-network container gets no interface series at all.
    expect(select(series, M.networkTransmitPackets.name, { interface: 'lo' })).toEqual([]);
    expect(select(series, M.networkTransmitBytes.name, { name: 'hostns' })).toEqual([]);
  });

  it('drops a removed container from the next scrape and counts no read error for it', async () => {
    const before = await scrape();
    const errors = (s: Series[]) => select(s, M.readErrors.name).reduce((sum, x) => sum + x.value, 0);
    await engine.docker(['rm', '-f', 'nonewprivs']);
    const after = await scrape();
    expect(select(after, M.memoryUsage.name, { name: 'nonewprivs' })).toEqual([]);
    expect(select(before, M.memoryUsage.name, { name: 'nonewprivs' })).toHaveLength(1);
    expect(errors(after)).toBe(errors(before));
    for (const s of select(after, M.scrapeCollectorSuccess.name)) expect(s).toMatchObject({ value: 1 });
  });

  it('answers /healthz and the landing page while serving', async () => {
    const [health, landing] = await Promise.all([fetch(`${exporter.url}/healthz`), fetch(`${exporter.url}/`)]);
    expect(health.status).toBe(200);
    expect(await landing.text()).toContain('href="/metrics"');
  });
});
