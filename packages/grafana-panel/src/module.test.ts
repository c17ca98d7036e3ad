import { FieldConfigProperty, PanelOptionsEditorBuilder, ThresholdsMode } from '@grafana/data';

import { migrateOptions } from './migrations';
import { plugin } from './module';
import { initOptionRegistries } from '../test/support/optionsRegistry';
import { DEFAULT_OPTIONS, type IsolationOptions } from './types';

initOptionRegistries();

/** The options editor as Grafana builds it: the plugin's supplier run against a real builder. */
function optionItems() {
  const builder = new PanelOptionsEditorBuilder<IsolationOptions>();
  plugin.getPanelOptionsSupplier()(builder, { data: [] });
  return builder.getItems();
}

describe('module: the panel plugin', () => {
  it('has an editor item for every option, at its path, with the default from DEFAULT_OPTIONS', () => {
    const items = optionItems();
    expect(items.map((i) => i.path).sort()).toEqual(Object.keys(DEFAULT_OPTIONS).sort());
    for (const item of items) {
      expect(item.defaultValue).toEqual(DEFAULT_OPTIONS[item.path as keyof IsolationOptions]);
      expect(item.category?.length).toBeGreaterThan(0);
      expect(item.name).not.toBe('');
    }
  });

  it('shows the pressure and network options only with the resource columns', () => {
    const byPath = new Map(optionItems().map((i) => [i.path, i]));
    for (const path of ['showPressure', 'showNetworkIo']) {
      const showIf = byPath.get(path)!.showIf!;
      expect(showIf({ ...DEFAULT_OPTIONS, showResources: true })).toBe(true);
      expect(showIf({ ...DEFAULT_OPTIONS, showResources: false })).toBe(false);
    }
    expect(byPath.get('showResources')!.showIf).toBeUndefined();
  });

  it('offers every sort key and view mode', () => {
    const byPath = new Map(optionItems().map((i) => [i.path, i]));
    const values = (path: string) => byPath.get(path)!.settings.options.map((o: { value: string }) => o.value);
    expect(values('sortBy')).toEqual(
      expect.arrayContaining([
        'name',
        'isolation',
        'security',
        'cpu',
        'throttled',
        'memory',
        'pids',
        'pressure',
        'network',
        'io',
      ])
    );
    expect(values('groupBy')).toEqual(['host', 'pod', 'none']);
    expect(values('sortScope')).toEqual(['across', 'within']);
  });

  it('uses thresholds green / orange 70 / red 90 percent of the limit by default', () => {
    const thresholds = plugin.fieldConfigDefaults.defaults.thresholds!;
    expect(thresholds.mode).toBe(ThresholdsMode.Percentage);
    expect(thresholds.steps.map((s) => [s.value, s.color])).toEqual([
      [-Infinity, 'green'],
      [70, 'orange'],
      [90, 'red'],
    ]);
  });

  it('keeps thresholds, decimals, unit (for overrides per query) and data links, and drops min and max', () => {
    const ids = plugin.fieldConfigRegistry.list().map((i) => i.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        FieldConfigProperty.Thresholds,
        FieldConfigProperty.Decimals,
        FieldConfigProperty.Unit,
        FieldConfigProperty.Links,
      ])
    );
    for (const gone of [FieldConfigProperty.Min, FieldConfigProperty.Max, FieldConfigProperty.Mappings]) {
      expect(ids).not.toContain(gone);
    }
  });

  it('migrates saved options with migrateOptions', () => {
    expect(plugin.onPanelMigration).toBe(migrateOptions);
  });
});
