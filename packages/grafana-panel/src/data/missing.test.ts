import { describeMissing } from './missing';
import { RAW_METRICS_QUERY, ROLE_KEYS, type RoleKey } from './roles';
import { containerView as v } from '../../test/fixtures/testFrames';
import type { PanelModel } from './types';

const model = (present: RoleKey[], containers = [v({ name: 'a' })], unrecognised: string[] = []): PanelModel => ({
  containers,
  present: new Set(present),
  unrecognised,
});

describe('describeMissing', () => {
  it('is silent when every role is present', () => {
    expect(describeMissing(model(ROLE_KEYS))).toEqual({ notes: [] });
  });

  it('notes absent groups so a partial set still renders', () => {
    const { fatal, notes } = describeMissing(
      model(ROLE_KEYS.filter((k) => !['seccomp', 'noNewPrivs', 'capabilities', 'privileged', 'rootMapped'].includes(k)))
    );
    expect(fatal).toBeUndefined();
    expect(notes).toEqual([
      expect.stringMatching(/^no security metrics: badges hidden \(expected container_security_seccomp_mode, /),
    ]);
  });

  it('notes single missing roles, by metric name or refId', () => {
    const { notes } = describeMissing(
      model(ROLE_KEYS.filter((k) => k !== 'cpuQuota' && k !== 'cpuPeriod' && k !== 'throttled'))
    );
    expect(notes).toEqual([
      'no CPU quota, CPU period, throttled share of CFS periods (container_spec_cpu_quota, container_spec_cpu_period, refId throttled)',
    ]);
  });

  it('is fatal without containers, naming the raw query, the derived refIds and what it could not read', () => {
    const { fatal, notes } = describeMissing(model([], [], ['query "C" (refId C): no metric name and no role mapped']));
    expect(fatal).toContain(RAW_METRICS_QUERY);
    expect(fatal).toContain('refId "raw"');
    expect(fatal).toContain('cpuUsage = rate(container_cpu_usage_seconds_total{cpu="total"}[$__rate_interval])');
    expect(fatal).toContain('throttled = ');
    expect(fatal).toContain('Could not read: query "C" (refId C)');
    expect(notes.length).toBe(8);
  });
});

describe('describeMissing for the columns shown', () => {
  it('says nothing about groups whose columns are switched off', () => {
    const none = model([]);
    const all = describeMissing(none).notes.join(' | ');
    const some = describeMissing(none, new Set(['namespaces', 'cpu'])).notes.join(' | ');
    expect(all).toContain('network');
    expect(some).not.toContain('network');
    expect(some).not.toContain('security');
    expect(some).toContain('CPU');
  });
});
