import { NAMESPACE_TYPES } from '@isoscope/shared';

import { HOST_RISK, HOST_RISK_WEIGHT, HOST_RISKS, hostRisk, typesOfRisk } from './namespaceRisk';

describe('HOST_RISK', () => {
  it('rates every namespace type, and only those', () => {
    expect(Object.keys(HOST_RISK).sort()).toEqual([...NAMESPACE_TYPES].sort());
  });

  it('alarms for pid, net, ipc and mnt; user and uts are a caveat; cgroup and time are expected', () => {
    expect(typesOfRisk('high')).toEqual(['mnt', 'pid', 'net', 'ipc']);
    expect(typesOfRisk('moderate')).toEqual(['uts', 'user']);
    expect(typesOfRisk('low')).toEqual(['cgroup', 'time']);
    expect(hostRisk('net')).toBe('high');
  });

  it('says what each host namespace lets the container do', () => {
    expect(HOST_RISK.pid.consequence).toBe('processes of the host are visible and signalable');
    for (const type of NAMESPACE_TYPES) {
      expect(HOST_RISK[type].consequence.length).toBeGreaterThan(20);
    }
    expect(HOST_RISK.time.consequence).toMatch(/^expected/);
    expect(HOST_RISK.cgroup.consequence).toMatch(/^expected/);
  });

  it('weighs one high-risk host namespace above every moderate and low one together', () => {
    const moderateAndLow = NAMESPACE_TYPES.filter((t) => hostRisk(t) !== 'high')
      .map((t) => HOST_RISK_WEIGHT[hostRisk(t)])
      .reduce((a, b) => a + b, 0);
    expect(HOST_RISK_WEIGHT.high).toBeGreaterThan(moderateAndLow);
    expect(HOST_RISK_WEIGHT.moderate).toBeGreaterThan(HOST_RISK_WEIGHT.low * typesOfRisk('low').length);
    expect(HOST_RISKS).toEqual(['high', 'moderate', 'low']);
  });
});
