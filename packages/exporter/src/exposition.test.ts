import { COLLECTORS, METRICS, type CollectorName } from '@isoscope/shared';
import { Exposition } from './exposition';
import type { Sample } from './scrape/scrape';
import { makeTarget } from './scrape/target';
import { parseExposition, valueOf } from '../test/support/exposition';

const ALL = new Set<CollectorName>(COLLECTORS);

describe('Exposition', () => {
  const target = makeTarget(
    { path: '/docker/abc', runtime: 'docker', containerId: 'abc' },
    { name: 'web "blue"', image: 'registry.example/café\\app:1\nx' },
    '/sys/fs/cgroup/pids/docker/abc/cgroup.procs',
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
      `${METRICS.memoryUsage.name}{id="/docker/abc",name="web \\"blue\\"",image="registry.example/café\\\\app:1\\nx"} 4096\n`,
    );
    const { series } = parseExposition(text);
    expect(valueOf(series, METRICS.namespaceSharers.name, { ns_type: 'net', name: 'web "blue"' })).toBe(2);
    expect(valueOf(series, METRICS.containers.name, { runtime: 'docker' })).toBe(1);
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

  it('keeps a held body intact while later renders run, however large', async () => {
    const exposition = new Exposition(ALL, { processMetrics: false });
    const many: Sample[] = Array.from({ length: 40000 }, (_, i) => ({
      family: METRICS.containers, value: i, labels: { runtime: `r${i}` },
    }));
    const first = exposition.hold(await exposition.render(many));
    const second = await exposition.render([]);
    expect(first.body.length).toBeGreaterThan(1 << 20);
    expect(first.body.toString()).toContain(`${METRICS.containers.name}{runtime="r39999"} 39999\n`);
    expect(second.toString()).not.toContain('r39999');
    first.release();
  });

  it('renders into the same bytes again once nothing holds them', async () => {
    const exposition = new Exposition(ALL, { processMetrics: false });
    const sample = (runtime: string): Sample[] => [{ family: METRICS.containers, value: 1, labels: { runtime } }];
    const held = exposition.hold(await exposition.render(sample('first')));
    const whileHeld = await exposition.render(sample('second'));
    expect(whileHeld.buffer).not.toBe(held.body.buffer);
    expect(held.body.toString()).toContain('runtime="first"');
    held.release();
    held.release(); // a second release is harmless
    // The scrape after a finished response writes where the last one did: no new buffer per scrape.
    const sent = exposition.hold(await exposition.render(sample('third')));
    sent.release();
    const reused = await exposition.render(sample('fourth'));
    expect(reused.buffer).toBe(sent.body.buffer);
    expect(reused.toString()).toContain('runtime="fourth"');
  });

  it('appends the process metrics prom-client provides, without gauges named *_total', async () => {
    const text = (await new Exposition(ALL).render([])).toString();
    expect(text).toContain('process_cpu_user_seconds_total');
    const { types } = parseExposition(text);
    for (const [name, type] of types) if (name.endsWith('_total')) expect({ name, type }).toEqual({ name, type: 'counter' });
  });
});
