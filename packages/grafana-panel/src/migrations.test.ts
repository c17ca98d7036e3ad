import { migrateOptions, migrateRefIdRoles } from './migrations';
import { DEFAULT_OPTIONS } from './types';

describe('migrateOptions', () => {
  it('fills every missing option with its default', () => {
    expect(migrateOptions({ options: {} })).toEqual(DEFAULT_OPTIONS);
    expect(migrateOptions({ options: undefined })).toEqual(DEFAULT_OPTIONS);
    expect(migrateOptions({ options: { compact: true } })).toEqual({ ...DEFAULT_OPTIONS, compact: true });
  });

  it('keeps every valid stored option', () => {
    const stored = {
      viewMode: 'flat',
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
      options: { viewMode: 'tree', sortBy: 'colour', compact: 'yes', filter: 3, legacyThing: 1, sortDesc: true },
    });
    expect(out).toEqual({ ...DEFAULT_OPTIONS, sortDesc: true });
    expect(out).not.toHaveProperty('legacyThing');
  });

  it('is idempotent', () => {
    const once = migrateOptions({ options: { viewMode: 'flat', text: 'x' } });
    expect(migrateOptions({ options: once })).toEqual(once);
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
