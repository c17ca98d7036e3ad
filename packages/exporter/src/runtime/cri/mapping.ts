import { POD_SANDBOX_CONTAINER, type PodNamespaceMode, type PodNamespaceType } from '@isoscope/shared';
import type { ContainerMetadata, PodSpec } from '../metadata';
import { kubernetesFromLabels } from '../kubernetes';
import { NO_RUNTIME_LABELS, type RuntimeLabels } from '../labels';
import type {
  CriContainer,
  CriImage,
  CriNamespaceMode,
  CriNamespaceOption,
  CriPodSandbox,
  CriPodSandboxMetadata,
  CriPodSandboxStatus,
} from './messages';

/**
 * CRI answers → per-container metadata, as kubelet's cAdvisor labels them on containerd: `namespace`, `pod`
 * and `container` from the io.kubernetes.* labels kubelet sets (falling back to the CRI metadata), `image`
 * as an image name, and `name` the container id (cAdvisor's containerd handler names a container by its id).
 * A pod sandbox is labelled container="POD", as dockershim's pause containers were: being its pod's first
 * process, it carries the pod's network series (a CRI-O pod without an infra container has them on its
 * first-started container), and kubernetes-mixin's `container!="POD"` filters keep it out of workload sums.
 * The allow-listed runtime labels of a container are its pod's (kubelet gives a pod's labels to its sandbox
 * only) with its own over them.
 */
export interface CriSnapshot {
  sandboxes: readonly CriPodSandbox[];
  containers: readonly CriContainer[];
  /** Image id → image, for containers whose image the runtime gives only as an id. */
  images: ReadonlyMap<string, CriImage>;
  /** Sandbox id → what its pod asked for (from PodSandboxStatus). */
  specs: ReadonlyMap<string, PodSpec>;
  /** The runtime labels to keep (`--runtime.labels`); default none. */
  labels?: RuntimeLabels;
}

/** sha256:<64 hex> or a bare 64-hex id: an image id rather than a name a person would read. */
const IMAGE_ID = /^(?:sha256:)?[0-9a-f]{64}$/;

export function criMetadata(snapshot: CriSnapshot): Map<string, ContainerMetadata> {
  const out = new Map<string, ContainerMetadata>();
  const sandboxes = new Map<string, ContainerMetadata>();
  const labels = snapshot.labels ?? NO_RUNTIME_LABELS;
  for (const s of snapshot.sandboxes) {
    const md = sandboxMetadata(s, snapshot.specs.get(s.id), labels);
    sandboxes.set(s.id, md);
    out.set(s.id, md);
  }
  for (const c of snapshot.containers) {
    const pod = sandboxes.get(c.pod_sandbox_id);
    const k = kubernetesFromLabels(c.labels);
    const md: ContainerMetadata = defined({
      name: c.id,
      image: imageName(c, snapshot.images),
      namespace: k.namespace ?? pod?.namespace,
      pod: k.pod ?? pod?.pod,
      container: k.container ?? nonEmpty(c.metadata?.name),
      podUid: k.podUid ?? pod?.podUid,
      podSpec: pod?.podSpec,
      labels: labels.merge(pod?.labels, labels.pick(c.labels)),
    });
    out.set(c.id, md);
  }
  return out;
}

function sandboxMetadata(s: CriPodSandbox, spec: PodSpec | undefined, labels: RuntimeLabels): ContainerMetadata {
  return defined({
    name: s.id,
    container: POD_SANDBOX_CONTAINER,
    sandbox: true,
    ...podIdentity(s.labels, s.metadata),
    podSpec: spec,
    labels: labels.pick(s.labels),
  });
}

/** The pod a sandbox (or its status) names: kubelet's labels, else the CRI metadata. */
function podIdentity(
  labels: unknown,
  metadata: CriPodSandboxMetadata | null
): Pick<ContainerMetadata, 'namespace' | 'pod' | 'podUid'> {
  const k = kubernetesFromLabels(labels);
  return {
    namespace: k.namespace ?? nonEmpty(metadata?.namespace),
    pod: k.pod ?? nonEmpty(metadata?.name),
    podUid: k.podUid ?? nonEmpty(metadata?.uid),
  };
}

/** The object without its undefined fields: an unknown label is absent, never "". */
function defined<T extends object>(o: T): T {
  for (const key of Object.keys(o) as Array<keyof T>) if (o[key] === undefined) delete o[key];
  return o;
}

/**
 * The name of a container's image. kubelet sends the image it resolved (an id, `sha256:…`) and, since
 * CRI 1.29, the name the user wrote (`user_specified_image`); CRI-O answers with a name. An id is looked up
 * in the runtime's image list for its first tag, else its first digest; an image the list does not know
 * keeps its id rather than no label.
 */
export function imageName(c: CriContainer, images: ReadonlyMap<string, CriImage>): string | undefined {
  const userSpecified = nonEmpty(c.image?.user_specified_image);
  if (userSpecified !== undefined) return userSpecified;
  const image = nonEmpty(c.image?.image);
  if (image !== undefined && !IMAGE_ID.test(image)) return image;
  for (const id of [image, nonEmpty(c.image_ref)]) {
    const known = id === undefined ? undefined : images.get(id);
    const name = known?.repo_tags[0] ?? known?.repo_digests[0];
    if (name) return name;
  }
  return image ?? nonEmpty(c.image_ref);
}

const MODES: Record<CriNamespaceMode, PodNamespaceMode> = {
  POD: 'pod',
  CONTAINER: 'container',
  NODE: 'node',
  TARGET: 'target',
};

/** What a pod asked for, from PodSandboxStatus; namespace modes only where the runtime reported them. */
export function podSpecOf(status: CriPodSandboxStatus): PodSpec {
  const { namespace, pod, podUid } = podIdentity(status.labels, status.metadata);
  return defined({
    namespace,
    pod,
    uid: podUid,
    namespaceModes: namespaceModes(status.linux?.namespaces?.options ?? null),
  });
}

function namespaceModes(options: CriNamespaceOption | null): PodSpec['namespaceModes'] {
  const modes: Partial<Record<PodNamespaceType, PodNamespaceMode>> = {};
  // No options at all: the runtime did not say (an absent message), which is not the same as "all POD".
  if (options === null) return modes;
  const set = (type: PodNamespaceType, mode: CriNamespaceMode | undefined) => {
    const ours = mode === undefined ? undefined : MODES[mode];
    if (ours !== undefined) modes[type] = ours;
  };
  set('net', options.network);
  set('pid', options.pid);
  set('ipc', options.ipc);
  // Runtimes before user-namespace support (containerd < 2.0, CRI-O < 1.25) leave userns_options out.
  if (options.userns_options) set('user', options.userns_options.mode);
  return modes;
}

function nonEmpty(s: string | undefined | null): string | undefined {
  return typeof s === 'string' && s !== '' ? s : undefined;
}
