import { isRoleKey, parseRefIdRoles } from './refIdRoles';

describe('parseRefIdRoles', () => {
  it('reads comma- and newline-separated refId=role pairs', () => {
    expect(parseRefIdRoles('A=cpuUsage, B=throttled\nC = memory;D=pids')).toEqual({
      mapping: { A: 'cpuUsage', B: 'throttled', C: 'memory', D: 'pids' },
      errors: [],
    });
  });

  it('ignores blanks and empty text', () => {
    expect(parseRefIdRoles('')).toEqual({ mapping: {}, errors: [] });
    expect(parseRefIdRoles(' ,\n\n , ')).toEqual({ mapping: {}, errors: [] });
  });

  it('matches role names case-insensitively and returns them as spelled in ROLES', () => {
    expect(parseRefIdRoles('A=CPUUSAGE').mapping).toEqual({ A: 'cpuUsage' });
  });

  it('names the valid roles when a role is unknown, and keeps the good entries', () => {
    const { mapping, errors } = parseRefIdRoles('A=cpu, B=throttled');
    expect(mapping).toEqual({ B: 'throttled' });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('unknown role "cpu" for refId A');
    expect(errors[0]).toContain('cpuUsage');
    expect(errors[0]).toContain('nsInode');
  });

  it('explains entries without "=", without refId or without role', () => {
    const { mapping, errors } = parseRefIdRoles('cpuUsage, =memory, A=');
    expect(mapping).toEqual({});
    expect(errors).toEqual([
      expect.stringContaining('"cpuUsage" is not "refId=role"'),
      expect.stringContaining('no refId'),
      expect.stringContaining('refId A has no role'),
    ]);
  });

  it('keeps the last role of a refId given twice and says so', () => {
    const { mapping, errors } = parseRefIdRoles('A=memory, A=pids');
    expect(mapping).toEqual({ A: 'pids' });
    expect(errors[0]).toContain('mapped twice');
  });

  it('is safe with refIds that are Object.prototype names', () => {
    expect(parseRefIdRoles('constructor=memory')).toEqual({ mapping: { constructor: 'memory' }, errors: [] });
  });
});

describe('isRoleKey', () => {
  it('accepts role keys exactly as spelled', () => {
    expect(isRoleKey('cpuUsage')).toBe(true);
    expect(isRoleKey('cpuusage')).toBe(false);
    expect(isRoleKey('raw')).toBe(false);
    expect(isRoleKey('toString')).toBe(false);
  });
});
