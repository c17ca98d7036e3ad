import { COLLECTORS, METRICS, type CollectorName } from '@isoscope/shared';
import { AHEAD_BLOCKS, BLOCK_BYTES, BlockPool, FamilyLines } from './ahead';
import { Exposition } from './exposition';
import type { ExpositionSink } from './sink';
import { SampleBuffer, type Sample } from '../scrape/samples';
import { makeTarget } from '../scrape/target';
import { parseExposition, valueOf } from '../../test/support/exposition';

const ALL = new Set<CollectorName>(COLLECTORS);

describe('Exposition', () => {
  const target = makeTarget(
    { path: '/docker/abc', runtime: 'docker', containerId: 'abc' },
    { name: 'web "blue"', image: 'registry.example/café\\app:1\nx' },
    '/sys/fs/cgroup/pids/docker/abc/cgroup.procs'
  );

  it('writes each family once with HELP and TYPE, and escapes label values as the format asks', async () => {
    const samples: Sample[] = [
      { family: METRICS.memoryUsage, value: 4096, target },
      { family: METRICS.namespaceSharers, value: 2, target, extra: { ns_type: 'net' } },
      { family: METRICS.namespaceSharers, value: 1, target, extra: { ns_type: 'pid' } },
      { family: METRICS.containers, value: 1, labels: { runtime: 'docker' } },
    ];
    const text = (await new Exposition(ALL, { processMetrics: false }).render(samples)).toString('utf8');
    expect(text).toContain(`# TYPE ${METRICS.memoryUsage.name} gauge\n`);
    expect(text.match(new RegExp(`# TYPE ${METRICS.namespaceSharers.name} `, 'g'))).toHaveLength(1);
    expect(text).toContain(
      `${METRICS.memoryUsage.name}{id="/docker/abc",name="web \\"blue\\"",image="registry.example/café\\\\app:1\\nx"} 4096\n`
    );
    const { series } = parseExposition(text);
    expect(valueOf(series, METRICS.namespaceSharers.name, { ns_type: 'net', name: 'web "blue"' })).toBe(2);
    expect(valueOf(series, METRICS.containers.name, { runtime: 'docker' })).toBe(1);
  });

  it("puts a container's runtime labels on every series of it, after its own labels and before the family's", async () => {
    const composed = makeTarget(
      { path: '/docker/def', runtime: 'docker', containerId: 'def' },
      {
        name: 'demo-web-1',
        image: 'nginx',
        labels: {
          container_label_com_docker_compose_project: 'demo',
          container_label_com_docker_compose_service: 'web',
        },
      },
      '/sys/fs/cgroup/pids/docker/def/cgroup.procs'
    );
    const samples: Sample[] = [
      { family: METRICS.memoryUsage, value: 1, target: composed },
      { family: METRICS.namespaceSharers, value: 1, target: composed, extra: { ns_type: 'net' } },
      { family: METRICS.memoryUsage, value: 2, target },
    ];
    const text = (await new Exposition(ALL, { processMetrics: false }).render(samples)).toString('utf8');
    const own =
      'id="/docker/def",name="demo-web-1",image="nginx",' +
      'container_label_com_docker_compose_project="demo",container_label_com_docker_compose_service="web"';
    expect(text).toContain(`${METRICS.memoryUsage.name}{${own}} 1\n`);
    expect(text).toContain(`${METRICS.namespaceSharers.name}{${own},ns_type="net"} 1\n`);
    // A container without them has none, not empty ones.
    expect(text).not.toMatch(/id="\/docker\/abc"[^}]*container_label_/);
  });

  it('writes non-finite values as Prometheus spells them', async () => {
    const samples: Sample[] = [
      { family: METRICS.containers, value: Infinity, labels: { runtime: 'docker' } },
      { family: METRICS.containers, value: NaN, labels: { runtime: 'podman' } },
    ];
    const text = (await new Exposition(ALL, { processMetrics: false }).render(samples)).toString();
    expect(text).toContain(`${METRICS.containers.name}{runtime="docker"} +Inf\n`);
    expect(text).toContain(`${METRICS.containers.name}{runtime="podman"} NaN\n`);
  });

  it('keeps static facts across renders and refuses undeclared labels', async () => {
    const exposition = new Exposition(ALL, { processMetrics: false });
    exposition.setStatic(METRICS.buildInfo, 1, { version: '1.2.3', nodeversion: 'v20' });
    expect(() => exposition.setStatic(METRICS.buildInfo, 1, { colour: 'red' })).toThrow(/colour is not declared/);
    for (let i = 0; i < 2; i++) {
      const text = (await exposition.render([])).toString();
      expect(text).toContain(`${METRICS.buildInfo.name}{version="1.2.3",nodeversion="v20"} 1\n`);
    }
  });

  it('streams a large exposition in chunks, never overwriting a chunk a sink still holds', async () => {
    const exposition = new Exposition(ALL, { processMetrics: false });
    const many: Sample[] = Array.from({ length: 40000 }, (_, i) => ({
      family: METRICS.containers,
      value: i,
      labels: { runtime: `r${i}` },
    }));
    const whole = (await exposition.render(many)).toString();
    expect(whole.length).toBeGreaterThan(1 << 20);
    expect(whole).toContain(`${METRICS.containers.name}{runtime="r39999"} 39999\n`);

    // A fast sink (done at once) and a slow one (done only at the very end) share one stream.
    const fast: Buffer[] = [];
    const slow: Array<{ chunk: Buffer; copy: Buffer; done: () => void }> = [];
    const fastSink: ExpositionSink = { write: (chunk, done) => (fast.push(Buffer.from(chunk)), done()) };
    const slowSink: ExpositionSink = { write: (chunk, done) => slow.push({ chunk, copy: Buffer.from(chunk), done }) };
    await exposition.stream(many, [fastSink, slowSink]);
    expect(Buffer.concat(fast).toString()).toBe(whole);
    expect(slow.length).toBeGreaterThan(10);
    // What the slow sink still holds is what it was given: the writer took fresh chunks meanwhile.
    for (const { chunk, copy } of slow) expect(chunk.equals(copy)).toBe(true);
    expect(new Set(slow.map((s) => s.chunk.buffer)).size).toBe(slow.length);
    for (const { done } of slow) done();
  });

  it('writes container lines whole across chunk boundaries, and a label value longer than a chunk', async () => {
    const exposition = new Exposition(ALL, { processMetrics: false });
    const huge = 'é'.repeat(100_000);
    const many: Sample[] = Array.from({ length: 30000 }, (_, i) => ({
      family: METRICS.namespaceInode,
      value: i + 0.5,
      target,
      extra: { ns_type: i === 12345 ? huge : `t${i}` },
    }));
    const chunks: Buffer[] = [];
    await exposition.stream(many, [{ write: (chunk, done) => (chunks.push(Buffer.from(chunk)), done()) }]);
    expect(chunks.length).toBeGreaterThan(20);
    const lines = Buffer.concat(chunks).toString('utf8').split('\n');
    const prefix = `${METRICS.namespaceInode.name}{id="/docker/abc",name="web \\"blue\\"",image="registry.example/café\\\\app:1\\nx",ns_type=`;
    const series = lines.filter((l) => l.startsWith(METRICS.namespaceInode.name));
    expect(series).toHaveLength(30000);
    expect(series[7]).toBe(`${prefix}"t7"} 7.5`);
    expect(series[12345]).toBe(`${prefix}"${huge}"} 12345.5`);
    expect(series[29999]).toBe(`${prefix}"t29999"} 29999.5`);
  });

  it('reuses the chunks sinks are done with: memory does not grow with the exposition', async () => {
    const exposition = new Exposition(ALL, { processMetrics: false });
    const many: Sample[] = Array.from({ length: 40000 }, (_, i) => ({
      family: METRICS.containers,
      value: i,
      labels: { runtime: `r${i}` },
    }));
    const used = new Set<ArrayBufferLike>();
    let chunks = 0;
    await exposition.stream(many, [{ write: (chunk, done) => (used.add(chunk.buffer), chunks++, done()) }]);
    expect(chunks).toBeGreaterThan(10);
    expect(used.size).toBeLessThanOrEqual(2);
  });

  it('appends the process metrics prom-client provides, without gauges named *_total', async () => {
    const text = (await new Exposition(ALL).render([])).toString();
    expect(text).toContain('process_cpu_user_seconds_total');
    const { types } = parseExposition(text);
    for (const name of [
      'process_resident_memory_bytes',
      'process_open_fds',
      'nodejs_heap_size_used_bytes',
      'nodejs_heap_space_size_used_bytes',
      'nodejs_external_memory_bytes',
      'nodejs_gc_duration_seconds',
      'nodejs_version_info',
    ])
      expect(types.has(name)).toBe(true);
    // Left out: computing them was half of the process metrics' cost per scrape.
    expect([...types.keys()].filter((name) => name.startsWith('nodejs_eventloop_lag'))).toEqual([]);
    for (const [name, type] of types)
      if (name.endsWith('_total')) expect({ name, type }).toEqual({ name, type: 'counter' });
  });
});

describe('Exposition, lines made while the scrape collects', () => {
  const container = (id: string, name: string) =>
    makeTarget(
      { path: `/docker/${id}`, runtime: 'docker', containerId: id },
      { name, image: 'busybox' },
      `/sys/fs/cgroup/pids/docker/${id}/cgroup.procs`
    );

  /** One scrape's samples as the Exporter adds them: a container at a time, then what spans containers. */
  function scrape(targets: ReturnType<typeof container>[]): { perContainer: Sample[][]; after: Sample[] } {
    const perContainer = targets.map((t, i) => [
      { family: METRICS.memoryUsage, value: 4096 * (i + 1), target: t },
      { family: METRICS.cpuUsageSeconds, value: 1.25 + i, target: t, extra: { cpu: 'total' } },
      {
        family: METRICS.podNamespaceMode,
        value: 1,
        labels: { namespace: 'ns', pod: `p${i}`, ns_type: 'net', mode: 'pod' },
      },
      { family: METRICS.memoryUsage, value: 7, target: t }, // a family met again further on
    ]);
    const after = targets.map((t, i) => ({
      family: METRICS.namespaceSharers,
      value: i + 1,
      target: t,
      extra: { ns_type: 'net' },
    }));
    return {
      perContainer,
      after: [...after, { family: METRICS.containers, value: targets.length, labels: { runtime: 'docker' } }],
    };
  }

  /** The exposition of `parts`, its lines made ahead as the Exporter makes them when `ahead`. */
  async function expose(exposition: Exposition, parts: ReturnType<typeof scrape>, ahead: boolean): Promise<string> {
    const samples = new SampleBuffer();
    if (ahead) exposition.beginAhead(samples);
    for (const part of parts.perContainer) {
      for (const s of part) samples.push(s.family, s.value, s.target, s.extra, s.labels);
      if (ahead) exposition.formatAhead(samples);
    }
    for (const s of parts.after) samples.push(s.family, s.value, s.target, s.extra, s.labels);
    const bytes: Buffer[] = [];
    await exposition.stream(samples, [{ write: (chunk, done) => (bytes.push(Buffer.from(chunk)), done()) }]);
    return Buffer.concat(bytes).toString('utf8');
  }

  const targets = Array.from({ length: 300 }, (_, i) => container(`c${i}`, `web-${i}`));

  it('writes byte for byte what formatting at the end writes, across many blocks', async () => {
    const exposition = new Exposition(ALL, { processMetrics: false });
    exposition.setStatic(METRICS.buildInfo, 1, { version: '1.2.3', nodeversion: 'v26' });
    const parts = scrape(targets);
    const atTheEnd = await expose(exposition, parts, false);
    expect(atTheEnd.length).toBeGreaterThan(64 * 1024); // more than one block per family, more than a chunk
    expect(await expose(exposition, parts, true)).toBe(atTheEnd);
    // And again, on the blocks the first scrape left, with fewer containers.
    const fewer = scrape(targets.slice(0, 3));
    expect(await expose(exposition, fewer, true)).toBe(await expose(exposition, fewer, false));
  });

  it('makes at most AHEAD_BLOCKS blocks of lines ahead, and formats the rest at the end, in order', async () => {
    const exposition = new Exposition(ALL, { processMetrics: false });
    const fleet = scrape(Array.from({ length: 5000 }, (_, i) => container(`f${i}`, `fleet-${i}`)));
    const atTheEnd = await expose(exposition, fleet, false);
    const taken = jest.spyOn(BlockPool.prototype, 'take');
    const made = jest.spyOn(FamilyLines.prototype, 'series');
    const ahead = await expose(exposition, fleet, true);
    expect(made.mock.results.some((r) => r.value === false)).toBe(true); // the bound was reached
    expect(taken.mock.calls.length).toBeLessThanOrEqual(AHEAD_BLOCKS);
    taken.mockRestore();
    made.mockRestore();
    expect(atTheEnd.length).toBeGreaterThan(AHEAD_BLOCKS * BLOCK_BYTES);
    expect(ahead).toBe(atTheEnd);
  });

  it('leaves out a container that vanished after its lines were made', async () => {
    const exposition = new Exposition(ALL, { processMetrics: false });
    const parts = scrape(targets.slice(0, 3));
    const samples = new SampleBuffer();
    exposition.beginAhead(samples);
    for (const part of parts.perContainer) {
      for (const s of part) samples.push(s.family, s.value, s.target, s.extra, s.labels);
      exposition.formatAhead(samples);
    }
    targets[1].vanished = true; // its cgroup went away while a step across containers read its files
    const text = (await exposition.render(samples)).toString();
    targets[1].vanished = false;
    expect(text).toContain('name="web-0"');
    expect(text).not.toContain('name="web-1"');
    expect(text).toContain('name="web-2"');
  });

  it('writes a line longer than a block, and what follows it', async () => {
    const exposition = new Exposition(ALL, { processMetrics: false });
    const huge = container('huge', 'x'.repeat(20_000));
    const parts = scrape([targets[0], huge, targets[2]]);
    const text = await expose(exposition, parts, true);
    expect(text).toBe(await expose(exposition, parts, false));
    expect(text).toContain(
      `${METRICS.memoryUsage.name}{id="/docker/huge",name="${'x'.repeat(20_000)}",image="busybox"} 8192\n`
    );
  });

  it('takes the process metrics when the scrape begins', async () => {
    const exposition = new Exposition(ALL);
    const text = await expose(exposition, scrape(targets.slice(0, 2)), true);
    const { types } = parseExposition(text);
    expect(types.has('process_resident_memory_bytes')).toBe(true);
    expect(types.has(METRICS.memoryUsage.name)).toBe(true);
  });
});
