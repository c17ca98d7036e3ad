import {
  FieldConfigProperty,
  identityOverrideProcessor,
  standardEditorsRegistry,
  standardFieldConfigEditorRegistry,
  type FieldConfigPropertyItem,
  type StandardEditorsRegistryItem,
} from '@grafana/data';

const NoEditor = () => null;

/**
 * Grafana fills its option-editor registries at start-up (app code, not a package): outside Grafana they
 * are empty and builders throw '"radio" not found'. Register placeholders under the same ids, so a
 * plugin's options and field config can be built and inspected as Grafana would build them. Call once
 * per test file, before anything reads the registries.
 */
export function initOptionRegistries() {
  const editors = ['radio', 'boolean', 'select', 'text', 'number', 'color', 'unit', 'slider', 'strings'];
  standardEditorsRegistry.setInit(() =>
    editors.map((id): StandardEditorsRegistryItem => ({ id, name: id, editor: NoEditor }))
  );
  standardFieldConfigEditorRegistry.setInit(() =>
    Object.values(FieldConfigProperty).map((id): FieldConfigPropertyItem => ({
      id,
      path: id,
      name: id,
      editor: NoEditor,
      override: NoEditor,
      process: identityOverrideProcessor,
      shouldApply: () => true,
    }))
  );
}
