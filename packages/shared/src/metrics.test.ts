import {
  ALL_METRICS,
  CONTAINER_LABELS,
  COLLECTORS,
  METRICS,
  DEFAULT_RUNTIME_LABELS,
  NAMESPACE_TYPES,
  RUNTIME_LABEL_PREFIX,
  labelsOf,
  metricsOfCollector,
  runtimeLabelName,
} from './index';

// Prometheus' own rules for names: https://prometheus.io/docs/concepts/data_model/
const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

describe('metric contract', () => {
  it('spells every family and label as Prometheus allows, each family once', () => {
    const names = ALL_METRICS.map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
    for (const m of ALL_METRICS) {
      expect(m.name).toMatch(NAME);
      for (const l of labelsOf(m)) expect(l).toMatch(LABEL);
      expect(new Set(labelsOf(m)).size).toBe(labelsOf(m).length);
      expect(m.help.length).toBeGreaterThan(10);
    }
  });

  it('ends counters and only counters in _total', () => {
    for (const m of ALL_METRICS) {
      expect({ name: m.name, counter: m.name.endsWith('_total') }).toEqual({
        name: m.name,
        counter: m.type === 'counter',
      });
    }
  });

  it('names seconds and bytes in base units', () => {
    for (const m of ALL_METRICS) {
      if (m.name.includes('_seconds'))
        expect([m.name, m.unit]).toEqual([m.name, expect.stringMatching(/seconds|timestamp/)]);
      if (m.name.endsWith('_bytes') || m.name.endsWith('_bytes_total'))
        expect([m.name, m.unit]).toEqual([m.name, 'bytes']);
    }
  });

  it('gives every collector at least one family and every container family a collector', () => {
    for (const c of COLLECTORS) expect(metricsOfCollector(c).length).toBeGreaterThan(0);
    for (const m of ALL_METRICS.filter((f) => f.perContainer)) expect(m.collector).toBeDefined();
  });

  it('puts the container labels first on container series', () => {
    expect(labelsOf(METRICS.namespaceSharers)).toEqual([...CONTAINER_LABELS, 'ns_type']);
    expect(labelsOf(METRICS.machineCpuCores)).toEqual([]);
  });

  it('names runtime labels as cAdvisor does: container_label_ and the key with [^a-zA-Z0-9_] as _', () => {
    expect(runtimeLabelName('com.docker.compose.service')).toBe('container_label_com_docker_compose_service');
    expect(runtimeLabelName('app.kubernetes.io/name')).toBe('container_label_app_kubernetes_io_name');
    expect(runtimeLabelName('a.b-c')).toBe('container_label_a_b_c');
    expect(runtimeLabelName('Ünï cödé')).toBe('container_label__n__c_d_');
    expect(runtimeLabelName('x💥')).toBe('container_label_x_');
    for (const key of [...DEFAULT_RUNTIME_LABELS, '0x', '', '💥']) {
      expect(runtimeLabelName(key)).toMatch(LABEL);
      expect(runtimeLabelName(key).startsWith(RUNTIME_LABEL_PREFIX)).toBe(true);
    }
    // None can be taken for a container or family label.
    for (const m of ALL_METRICS) for (const l of labelsOf(m)) expect(l.startsWith(RUNTIME_LABEL_PREFIX)).toBe(false);
  });

  it('lists the eight namespace types', () => {
    expect(NAMESPACE_TYPES).toEqual(['mnt', 'pid', 'net', 'ipc', 'uts', 'user', 'cgroup', 'time']);
  });
});
