import { queryRolesFromText, rolesByRefId, withQueryRole } from './queryRoles';

describe('rolesByRefId', () => {
  it('turns role → refIds into the refId → role map the model reads', () => {
    expect(rolesByRefId({ cpuUsage: ['A', 'C'], throttled: ['B'] })).toEqual({
      mapping: { A: 'cpuUsage', C: 'cpuUsage', B: 'throttled' },
      errors: [],
    });
    expect(rolesByRefId(undefined)).toEqual({ mapping: {}, errors: [] });
  });

  it('keeps the first role in ROLES order for a refId chosen twice, and says so', () => {
    const { mapping, errors } = rolesByRefId({ throttled: ['A'], cpuUsage: ['A'] });
    expect(mapping).toEqual({ A: 'cpuUsage' });
    expect(errors).toEqual(['query A is chosen for cpuUsage and throttled; using cpuUsage']);
  });
});

describe('withQueryRole', () => {
  it('sets a role’s refIds once each, and removes the role when none is left', () => {
    expect(withQueryRole({ memory: ['R'] }, 'cpuUsage', ['A', 'A', ''])).toEqual({ memory: ['R'], cpuUsage: ['A'] });
    expect(withQueryRole({ cpuUsage: ['A'] }, 'cpuUsage', [])).toEqual({});
  });
});

describe('queryRolesFromText', () => {
  it('reads the old text option', () => {
    expect(queryRolesFromText('A=cpuUsage\nB = pressureIo')).toEqual({ cpuUsage: ['A'], pressureIo: ['B'] });
  });
});
