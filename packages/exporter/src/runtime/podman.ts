import type { ContainerMetadata } from './metadata';
import { kubernetesFromLabels } from './kubernetes';
import { canonicalName } from './names';
import { NO_RUNTIME_LABELS, type RuntimeLabels } from './labels';

/**
 * What Podman's own (libpod) API adds to the Docker-compatible one: which pod a container belongs to and
 * whether it is the pod's infra container. The compat `GET /containers/json` that Docker's source reads says
 * neither, so on a Podman engine the source lists `GET /v<version>/libpod/containers/json` instead: running
 * containers only (its default), with the same names and images plus `Pod`, `PodName`, `IsInfra` and
 * `StartedAt` (seconds since the epoch).
 */

/** The fields of one libpod list entry that we read. */
export interface LibpodContainerSummary {
  Id: string;
  Names?: string[] | null;
  Image?: string;
  Labels?: Record<string, string> | null;
  Pod?: string;
  PodName?: string;
  IsInfra?: boolean;
  StartedAt?: number;
}

/** The libpod API version Podman 4.0 introduced; older Podman (3.x) has the compat API only. */
const MIN_LIBPOD_VERSION = [4, 0];

/**
 * The libpod API version to ask for, from a `GET /version` body, when the engine is Podman 4 or later
 * (`Components` holds a "Podman Engine" whose `Details.APIVersion` is its libpod version); undefined for
 * Docker and older Podman, whose compat list is all there is. The libpod routes answer 404 unversioned.
 */
export function libpodApiVersion(versionBody: unknown): string | undefined {
  const components = (versionBody as { Components?: unknown } | null)?.Components;
  if (!Array.isArray(components)) return undefined;
  for (const c of components) {
    if ((c as { Name?: unknown } | null)?.Name !== 'Podman Engine') continue;
    const version = (c as { Details?: { APIVersion?: unknown } }).Details?.APIVersion;
    const m = typeof version === 'string' ? /^(\d+)\.(\d+)\.(\d+)$/.exec(version) : null;
    if (!m) return undefined;
    const [major, minor] = [Number(m[1]), Number(m[2])];
    const atLeast =
      major > MIN_LIBPOD_VERSION[0] || (major === MIN_LIBPOD_VERSION[0] && minor >= MIN_LIBPOD_VERSION[1]);
    return atLeast ? m[0] : undefined;
  }
  return undefined;
}

/**
 * One libpod entry as our metadata. A pod's members carry `pod` (the pod's name) and `podId`, so queries can
 * sum by pod and the namespace judgements tell "shared within its pod" from "shared beyond it"; the infra
 * container is the pod's sandbox and is labelled `container="POD"`, as Kubernetes sandboxes are, so the
 * `container!="POD"` filters of cAdvisor-era dashboards keep it out of workload sums.
 */
export function libpodSummaryToMetadata(
  c: LibpodContainerSummary,
  labels: RuntimeLabels = NO_RUNTIME_LABELS
): ContainerMetadata {
  const md: ContainerMetadata = { ...kubernetesFromLabels(c.Labels) };
  const picked = labels.pick(c.Labels);
  if (picked) md.labels = picked;
  const name = canonicalName(c.Names);
  if (name !== undefined) md.name = name;
  if (typeof c.Image === 'string' && c.Image !== '') md.image = c.Image;
  if (typeof c.StartedAt === 'number' && Number.isFinite(c.StartedAt) && c.StartedAt > 0) md.startedAt = c.StartedAt;
  if (typeof c.Pod === 'string' && /^[0-9a-f]{64}$/.test(c.Pod)) {
    md.podId = c.Pod;
    if (md.pod === undefined && typeof c.PodName === 'string' && c.PodName !== '') md.pod = c.PodName;
    if (c.IsInfra === true) {
      md.sandbox = true;
      md.container = 'POD';
    }
  }
  return md;
}

/** A parsed libpod list body by full id; throws if it is not a list, skips malformed entries. */
export function parseLibpodContainerList(
  body: unknown,
  labels: RuntimeLabels = NO_RUNTIME_LABELS
): Map<string, ContainerMetadata> {
  if (!Array.isArray(body)) throw new Error(`expected a JSON array from /libpod/containers/json, got ${typeof body}`);
  const out = new Map<string, ContainerMetadata>();
  for (const entry of body) {
    if (entry === null || typeof entry !== 'object' || typeof (entry as { Id?: unknown }).Id !== 'string') continue;
    out.set((entry as LibpodContainerSummary).Id, libpodSummaryToMetadata(entry as LibpodContainerSummary, labels));
  }
  return out;
}
