import type { ContainerMetadata } from './metadata';

/**
 * The labels kubelet puts on every pod sandbox and container it asks a runtime for (Docker through
 * cri-dockerd, containerd and CRI-O all hand them back unchanged): the one place names are written down.
 */
export const LABEL_POD_NAMESPACE = 'io.kubernetes.pod.namespace';
export const LABEL_POD_NAME = 'io.kubernetes.pod.name';
export const LABEL_POD_UID = 'io.kubernetes.pod.uid';
export const LABEL_CONTAINER_NAME = 'io.kubernetes.container.name';

/** A label's value; an empty one is the same as none for Prometheus, so it is not carried. */
export function labelValue(labels: unknown, key: string): string | undefined {
  if (labels === null || typeof labels !== 'object') return undefined;
  const v = (labels as Record<string, unknown>)[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** namespace, pod, container and pod UID from kubelet's labels, for the fields the labels have. */
export function kubernetesFromLabels(
  labels: unknown
): Pick<ContainerMetadata, 'namespace' | 'pod' | 'container' | 'podUid'> {
  const md: Pick<ContainerMetadata, 'namespace' | 'pod' | 'container' | 'podUid'> = {};
  const namespace = labelValue(labels, LABEL_POD_NAMESPACE);
  const pod = labelValue(labels, LABEL_POD_NAME);
  const container = labelValue(labels, LABEL_CONTAINER_NAME);
  const podUid = labelValue(labels, LABEL_POD_UID);
  if (namespace !== undefined) md.namespace = namespace;
  if (pod !== undefined) md.pod = pod;
  if (container !== undefined) md.container = container;
  if (podUid !== undefined) md.podUid = podUid;
  return md;
}
