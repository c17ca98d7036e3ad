import { migrateOptions } from './migrations';
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
      refIdRoles: 'A=cpuUsage',
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
