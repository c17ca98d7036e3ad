import {
  FieldType,
  getLinksSupplier,
  type DataFrame,
  type DataLink,
  type DataLinkPostProcessor,
  type Field,
  type InterpolateFunction,
  type Labels,
  type LinkModel,
} from '@grafana/data';
import type { TimeZone } from '@grafana/schema';

import type { ContainerView } from '../../data/types';

/** The container's labels as the exporter sets them, so links can say `${__field.labels.pod}`. */
export function containerLabels(c: ContainerView): Labels {
  const labels: Labels = { instance: c.instance, id: c.id, name: c.name };
  for (const key of ['image', 'namespace', 'pod', 'container'] as const) {
    const v = c[key];
    if (v) {
      labels[key] = v;
    }
  }
  return labels;
}

/**
 * Data links per container through Grafana's own link machinery (getLinksSupplier, as applyFieldOverrides
 * attaches to every field): the links of the panel's field config, interpolated against a one-row field
 * that carries the container's labels. A container is built from many series, so no single field of the
 * query results stands for it; this field does, with exactly the labels they share.
 *
 * Returns undefined when no links are configured, so rows render no menu at all.
 */
export function containerLinksSupplier(
  links: DataLink[] | undefined,
  replaceVariables: InterpolateFunction,
  timeZone?: TimeZone,
  postProcessor?: DataLinkPostProcessor
): ((c: ContainerView) => LinkModel[]) | undefined {
  if (!links || links.length === 0) {
    return undefined;
  }
  return (c: ContainerView) => {
    const field: Field = {
      name: c.name,
      type: FieldType.string,
      config: { links, displayNameFromDS: c.name },
      values: [c.name],
      labels: containerLabels(c),
    };
    const frame: DataFrame = { name: c.name, fields: [field], length: 1 };
    const scopedVars = { __dataContext: { value: { data: [frame], frame, field, frameIndex: 0, rowIndex: 0 } } };
    field.state = { scopedVars };
    return getLinksSupplier(frame, field, scopedVars, replaceVariables, timeZone, postProcessor)({ valueRowIndex: 0 });
  };
}
