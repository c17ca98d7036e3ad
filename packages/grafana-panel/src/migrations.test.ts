import { migrateOptions, migrateRefIdRoles, viewModeToGroupBy } from './migrations';
import { DEFAULT_OPTIONS } from './types';

describe('migrateOptions', () => {
  it('fills every missing option with its default', () => {
    expect(migrateOptions({ options: {} })).toEqual(DEFAULT_OPTIONS);
    expect(migrateOptions({ options: undefined })).toEqual(DEFAULT_OPTIONS);
    expect(migrateOptions({ options: { compact: true } })).toEqual({ ...DEFAULT_OPTIONS, compact: true });
  });

  it('keeps every valid stored option', () => {
    const stored = {
      groupBy: 'pod',
      sortScope: 'within',
      showSummary: false,
      compact: true,
      showLegend: false,
      showSecurity: false,
      showResources: true,
      showPressure: false,
      showNetworkIo: true,
      cpuAgainstCpuset: true,
      sortBy: 'memory',
      sortDesc: true,
      filter: 'shop',
      queryRoles: { cpuUsage: ['A'], throttled: ['B', 'C'] },
      resourcesLink: false,
    };
    expect(migrateOptions({ options: stored })).toEqual(stored);
  });

  it('accepts the scaffold’s SimpleOptions and drops them: none has a meaning here', () => {
    const scaffold = { text: 'Default value of text input option', showSeriesCount: true, seriesCountSize: 'md' };
    expect(migrateOptions({ options: scaffold })).toEqual(DEFAULT_OPTIONS);
  });

  it('drops unknown keys and replaces values of the wrong type or outside the enums', () => {
    const out = migrateOptions({
      options: {
        groupBy: 'tree',
        sortScope: 'up',
        sortBy: 'colour',
        compact: 'yes',
        filter: 3,
        legacyThing: 1,
        sortDesc: true,
      },
    });
    expect(out).toEqual({ ...DEFAULT_OPTIONS, sortDesc: true });
    expect(out).not.toHaveProperty('legacyThing');
  });

  it('is idempotent', () => {
    const once = migrateOptions({ options: { viewMode: 'flat', text: 'x' } });
    expect(migrateOptions({ options: once })).toEqual(once);
  });
});

describe('viewModeToGroupBy (viewMode → groupBy)', () => {
  it('turns the grouped view into grouping by host and the flat one into none, dropping viewMode', () => {
    expect(migrateOptions({ options: { viewMode: 'grouped', compact: true } })).toEqual({
      ...DEFAULT_OPTIONS,
      groupBy: 'host',
      compact: true,
    });
    const flat = migrateOptions({ options: { viewMode: 'flat', sortBy: 'cpu' } });
    expect(flat).toEqual({ ...DEFAULT_OPTIONS, groupBy: 'none', sortBy: 'cpu' });
    expect(flat).not.toHaveProperty('viewMode');
  });

  it('gives panels saved before the summary existed the summary and the sort across groups', () => {
    const out = migrateOptions({ options: { viewMode: 'grouped', sortBy: 'memory', sortDesc: true } });
    expect(out).toMatchObject({ showSummary: true, sortScope: 'across', sortBy: 'memory', sortDesc: true });
  });

  it('keeps a stored groupBy over an old viewMode, and a bad viewMode falls back to the default', () => {
    expect(migrateOptions({ options: { viewMode: 'flat', groupBy: 'pod' } }).groupBy).toBe('pod');
    expect(migrateOptions({ options: { viewMode: 'tree' } }).groupBy).toBe(DEFAULT_OPTIONS.groupBy);
  });

  it('leaves options without viewMode as they are, and does not change its input', () => {
    const stored = { groupBy: 'none', compact: true };
    expect(viewModeToGroupBy(stored)).toBe(stored);
    const old = { viewMode: 'flat' };
    expect(viewModeToGroupBy(old)).toEqual({ groupBy: 'none' });
    expect(old).toEqual({ viewMode: 'flat' });
  });
});

describe('migrateRefIdRoles: the text form of the query roles', () => {
  it('becomes one list of refIds per role', () => {
    expect(migrateOptions({ options: { refIdRoles: 'A=cpuUsage, B=throttled; C=cpuUsage' } }).queryRoles).toEqual({
      cpuUsage: ['A', 'C'],
      throttled: ['B'],
    });
  });

  it('drops the entries it cannot read, and the text option itself', () => {
    const out = migrateOptions({ options: { refIdRoles: 'A=nonsense, B=THROTTLED, C' } });
    expect(out.queryRoles).toEqual({ throttled: ['B'] });
    expect(out).not.toHaveProperty('refIdRoles');
  });

  it('leaves roles already chosen in the editor alone, but not the empty default Grafana fills in', () => {
    expect(migrateRefIdRoles({ refIdRoles: 'A=memory', queryRoles: { cpuUsage: ['X'] } })).toEqual({
      queryRoles: { cpuUsage: ['X'] },
    });
    expect(migrateRefIdRoles({ refIdRoles: 'A=memory', queryRoles: {} })).toEqual({ queryRoles: { memory: ['A'] } });
  });

  it('drops stored roles of the wrong shape', () => {
    expect(migrateOptions({ options: { queryRoles: { cpuUsage: 'A' } } }).queryRoles).toEqual({});
    expect(migrateOptions({ options: { queryRoles: { nonsense: ['A'] } } }).queryRoles).toEqual({});
  });
});
