import {
  FieldType,
  getLinksSupplier,
  type DataFrame,
  type DataLink,
  type DataLinkPostProcessor,
  type Field,
  type FieldConfigSource,
  type InterpolateFunction,
  type Labels,
  type LinkModel,
} from '@grafana/data';
import type { TimeZone } from '@grafana/schema';

import type { ContainerView } from '../../data/types';

/** The container's labels as the exporter sets them, so links can say `${__field.labels.pod}`. */
export function containerLabels(c: ContainerView): Labels {
  // the name label itself (a container id on Kubernetes' CRI), which dashboards select series by
  const labels: Labels = { instance: c.instance, id: c.id, name: c.nameLabel ?? c.name };
  for (const key of ['image', 'namespace', 'pod', 'container'] as const) {
    const v = c[key];
    if (v) {
      labels[key] = v;
    }
  }
  return labels;
}

/** The resources dashboard (provisioning/grafana/dashboards/isoscope-resources.json). */
export const RESOURCES_DASHBOARD = { uid: 'isoscope-resources', slug: 'isoscope-container-resources' } as const;

/**
 * A data link to the container on the resources dashboard, with that dashboard's variables: its host and
 * name, and for Kubernetes containers their namespace, pod and container; the panel's time range along.
 */
export function resourcesLink(c: ContainerView): DataLink {
  const vars = ['instance', 'name', ...(c.namespace || c.pod ? (['namespace', 'pod', 'container'] as const) : [])];
  const query = vars.map((v) => `var-${v}=\${__field.labels.${v}}`).join('&');
  return {
    title: 'Container resources',
    url: `/d/${RESOURCES_DASHBOARD.uid}/${RESOURCES_DASHBOARD.slug}?${query}&\${__url_time_range}`,
  };
}

/**
 * The links of one container: the panel's own (fieldConfig.defaults.links), those of the fields its
 * values came from (Grafana applied the field overrides to them, so a link added for "fields returned by
 * query B" reaches the containers query B returned), and the resources dashboard's when asked for. Each
 * once, in that order.
 */
export function containerLinkConfigs(
  c: ContainerView,
  defaults: DataLink[] | undefined,
  withResources: boolean
): DataLink[] {
  const out: DataLink[] = [];
  const seen = new Set<string>();
  const add = (l: DataLink) => {
    const key = `${l.title}\u0000${l.url}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(l);
    }
  };
  (defaults ?? []).forEach(add);
  for (const config of Object.values(c.config)) {
    config?.links?.forEach(add);
  }
  if (withResources) {
    add(resourcesLink(c));
  }
  return out;
}

/**
 * Data links per container through Grafana's own link machinery (getLinksSupplier, as applyFieldOverrides
 * attaches to every field): `linksOf(container)` interpolated against a one-row field that carries the
 * container's labels. A container is built from many series, so no single field of the query results
 * stands for it; this field does, with exactly the labels they share.
 */
export function containerLinksSupplier(
  linksOf: (c: ContainerView) => DataLink[],
  replaceVariables: InterpolateFunction,
  timeZone?: TimeZone,
  postProcessor?: DataLinkPostProcessor
): (c: ContainerView) => LinkModel[] {
  // Grafana's link menu asks for a row's links whenever the row renders (to draw one link or a menu), and
  // rows render again each time they scroll into the window: keep each container's, for this supplier
  // (a new one comes with new options; new data brings new containers).
  const cache = new WeakMap<ContainerView, LinkModel[]>();
  return (c: ContainerView) => {
    const hit = cache.get(c);
    if (hit) {
      return hit;
    }
    const models = linkModelsOf(c, linksOf(c), replaceVariables, timeZone, postProcessor);
    cache.set(c, models);
    return models;
  };
}

function linkModelsOf(
  c: ContainerView,
  links: DataLink[],
  replaceVariables: InterpolateFunction,
  timeZone?: TimeZone,
  postProcessor?: DataLinkPostProcessor
): LinkModel[] {
  if (links.length === 0) {
    return [];
  }
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
}

/** Whether any container can have a link: the panel's, an override's, or the resources dashboard's. */
export function anyLinks(fieldConfig: FieldConfigSource, withResources: boolean): boolean {
  return (
    withResources ||
    (fieldConfig.defaults.links?.length ?? 0) > 0 ||
    fieldConfig.overrides.some((o) =>
      o.properties.some((p) => p.id === 'links' && Array.isArray(p.value) && p.value.length > 0)
    )
  );
}
