import { METRICS } from '@isoscope/shared';
import { ReadErrors } from '../files/reader';
import { silentLogger } from '../log/logger';
import { SampleBuffer, type Sample } from '../scrape/samples';
import type { Environment, Scrape } from '../scrape/scrape';
import type { Target } from '../scrape/target';
import { CollectorHealth, CollectorSteps, type Step } from './collector';

const env = { log: silentLogger } as Environment;
const scrape = {} as Scrape;
const target = {} as Target;

function healthOf(samples: Sample[], collector: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of samples) if (s.labels?.collector === collector) out[s.family.name] = s.value;
  return out;
}

describe('CollectorSteps', () => {
  it('adds up the time of every step of a collector, collect and finish alike', () => {
    const steps = new CollectorSteps(env);
    const step: Step = { name: 'cpu', collect: () => {}, finish: () => {} };
    steps.run(step, scrape, target);
    steps.run(step, scrape, target);
    steps.run(step, scrape, undefined);
    expect(steps.durations.get('cpu')).toBeGreaterThan(0);
    expect(steps.failed.size).toBe(0);
  });

  it('fails the collector whose step throws, and only that one', () => {
    const steps = new CollectorSteps(env);
    const failing: Step = {
      name: 'memory',
      collect: () => {
        throw new Error('boom');
      },
    };
    expect(() => steps.run(failing, scrape, target)).not.toThrow();
    steps.run({ name: 'cpu', collect: () => {} }, scrape, target);
    expect([...steps.failed]).toEqual(['memory']);
    expect(steps.durations.has('memory')).toBe(true);
  });
});

describe('CollectorHealth', () => {
  it('reports duration, success and the read errors so far for every name, in order', () => {
    const health = new CollectorHealth(['discovery', 'cpu', 'memory']);
    for (let scrapes = 0; scrapes < 2; scrapes++) {
      const errors = new ReadErrors(silentLogger);
      errors.add('memory', '/sys/fs/cgroup/x/memory.stat', 'EIO', 2);
      const steps = new CollectorSteps(env);
      steps.failed.add('cpu');
      const samples = new SampleBuffer();
      health.record(steps, errors, samples);
      const all = samples.toSamples();
      expect([...new Set(all.map((s) => s.labels!.collector))]).toEqual(['discovery', 'cpu', 'memory']);
      expect(healthOf(all, 'memory')).toEqual({
        [METRICS.scrapeCollectorDuration.name]: 0,
        [METRICS.scrapeCollectorSuccess.name]: 1,
        [METRICS.readErrors.name]: 2 * (scrapes + 1),
      });
      expect(healthOf(all, 'cpu')[METRICS.scrapeCollectorSuccess.name]).toBe(0);
    }
  });
});
