/**
 * Grafana core fills two registries of @grafana/data at boot (public/app/core/components/OptionsUI/registry.tsx,
 * `standardEditorsRegistry.setInit(getAllOptionEditors)` and
 * `standardFieldConfigEditorRegistry.setInit(getAllStandardFieldConfigs)`); without them a plugin's options
 * builder throws ('"text" not found') and its field config has no standard options. This is the same list
 * (ids, paths, processors, defaults, shouldApply) with inert editor components: the editors only render in
 * the panel editor, which this host does not show.
 */
import {
  dataLinksOverrideProcessor,
  displayNameOverrideProcessor,
  FieldType,
  identityOverrideProcessor,
  numberOverrideProcessor,
  standardEditorsRegistry,
  standardFieldConfigEditorRegistry,
  stringOverrideProcessor,
  thresholdsOverrideProcessor,
  ThresholdsMode,
  valueMappingsOverrideProcessor,
  booleanOverrideProcessor,
  type FieldConfigPropertyItem,
  type StandardEditorsRegistryItem,
} from '@grafana/data';

const inert = () => null;

const EDITOR_IDS: Array<[string, string]> = [
  ['text', 'Text'],
  ['number', 'Number'],
  ['slider', 'Slider'],
  ['boolean', 'Boolean'],
  ['radio', 'Radio'],
  ['select', 'Select'],
  ['unit', 'Unit'],
  ['links', 'Links'],
  ['actions', 'Actions'],
  ['stats-picker', 'Stats Picker'],
  ['strings', 'String array'],
  ['timezone', 'Time zone'],
  ['fieldColor', 'Field Color'],
  ['color', 'Color'],
  ['multi-select', 'Multi select'],
  ['field-name', 'Field name'],
  ['dashboard-uid', 'Dashboard'],
  ['mappings', 'Mappings'],
  ['thresholds', 'Thresholds'],
];

export function initGrafanaRegistries(): void {
  standardEditorsRegistry.setInit(() =>
    EDITOR_IDS.map(([id, name]): StandardEditorsRegistryItem => ({ id, name, description: '', editor: inert }))
  );
  const category = ['Standard options'];
  const editor = inert;
  const item = (
    p: Omit<FieldConfigPropertyItem, 'editor' | 'override' | 'name'> & { name?: string }
  ): FieldConfigPropertyItem => ({ name: p.id, editor, override: editor, ...p }) as FieldConfigPropertyItem;
  const isNumber = (f: { type: FieldType }) => f.type === FieldType.number;
  standardFieldConfigEditorRegistry.setInit(() => [
    item({
      id: 'unit',
      path: 'unit',
      process: stringOverrideProcessor,
      settings: { placeholder: 'none' },
      shouldApply: () => true,
      category,
    }),
    item({
      id: 'min',
      path: 'min',
      process: numberOverrideProcessor,
      settings: { placeholder: 'auto' },
      shouldApply: isNumber,
      category,
    }),
    item({
      id: 'max',
      path: 'max',
      process: numberOverrideProcessor,
      settings: { placeholder: 'auto' },
      shouldApply: isNumber,
      category,
    }),
    item({
      id: 'fieldMinMax',
      path: 'fieldMinMax',
      process: booleanOverrideProcessor,
      settings: {},
      shouldApply: isNumber,
      category,
    }),
    item({
      id: 'decimals',
      path: 'decimals',
      process: numberOverrideProcessor,
      settings: { placeholder: 'auto', min: 0, max: 15, integer: true },
      shouldApply: isNumber,
      category,
    }),
    item({
      id: 'displayName',
      path: 'displayName',
      process: displayNameOverrideProcessor,
      settings: { placeholder: 'none', expandTemplateVars: true },
      shouldApply: () => true,
      category,
    }),
    item({
      id: 'color',
      path: 'color',
      process: identityOverrideProcessor,
      settings: { byValueSupport: true, preferThresholdsMode: true },
      shouldApply: () => true,
      category,
    }),
    item({
      id: 'noValue',
      path: 'noValue',
      process: stringOverrideProcessor,
      settings: { placeholder: '-' },
      shouldApply: () => true,
      category,
    }),
    item({
      id: 'links',
      path: 'links',
      process: dataLinksOverrideProcessor,
      settings: { placeholder: '-' },
      shouldApply: () => true,
      category: ['Data links'],
    }),
    item({
      id: 'actions',
      path: 'actions',
      process: identityOverrideProcessor,
      settings: {},
      shouldApply: () => true,
      category: ['Actions'],
    }),
    item({
      id: 'mappings',
      path: 'mappings',
      process: valueMappingsOverrideProcessor,
      settings: {},
      defaultValue: [],
      shouldApply: (f) => f.type !== FieldType.time,
      category: ['Value mappings'],
    }),
    item({
      id: 'thresholds',
      path: 'thresholds',
      process: thresholdsOverrideProcessor,
      settings: {},
      defaultValue: {
        mode: ThresholdsMode.Absolute,
        steps: [
          { value: -Infinity, color: 'green' },
          { value: 80, color: 'red' },
        ],
      },
      shouldApply: () => true,
      category: ['Thresholds'],
    }),
    item({
      id: 'filterable',
      path: 'filterable',
      process: booleanOverrideProcessor,
      settings: {},
      hideFromDefaults: true,
      shouldApply: () => true,
      category,
    }),
  ]);
}
