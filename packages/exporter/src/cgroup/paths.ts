import type { QosClass, Runtime } from '@isoscope/shared';

/** What a container's cgroup path says about it. */
export interface PathIdentity {
  runtime: Runtime;
  /** The runtime's container id (64 hex digits for Docker, Podman, containerd, CRI-O). */
  containerId: string;
  /** Kubernetes pod UID (with dashes), when the path is under kubepods. */
  podUid?: string;
  /** Kubernetes QoS class, when the path is under kubepods. */
  qos?: QosClass;
  /** Podman pod id (64 hex digits), when the container is a pod's member and the path names its pod. */
  podId?: string;
}

/**
 * Which cgroup paths are containers, and what they say about them. Like cAdvisor's per-runtime
 * factories, each runtime's naming scheme is one entry; the first entry whose pattern matches the
 * whole path wins, so the more specific (kubepods) entries come first.
 */

/** Runtime container ids: 64 lowercase hex digits (Docker, Podman, containerd, CRI-O). */
const ID = '([0-9a-f]{64})';

/**
 * Pod UIDs are UUIDs; static and mirror pods use a 32-hex config hash instead. The systemd driver
 * writes dashes as underscores because "-" separates levels in slice names.
 */
const POD_UID_DASH = '([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32})';
const POD_UID_UNDERSCORE = '([0-9a-f]{8}_[0-9a-f]{4}_[0-9a-f]{4}_[0-9a-f]{4}_[0-9a-f]{12}|[0-9a-f]{32})';

/** Paths under the kubelet's hierarchy never fall through to the plain-runtime entries. */
const NOT_KUBEPODS = '(?!/kubepods(?:/|\\.slice(?:/|$)|$))';

/** CRI runtimes' systemd scope prefixes, as kubelet's systemd driver lays them out. */
const SCOPE_RUNTIME: Record<string, Runtime> = {
  'cri-containerd': 'containerd',
  crio: 'cri-o',
  docker: 'docker',
};

interface PathPattern {
  /** What the entry models, for test names and debugging. */
  name: string;
  re: RegExp;
  identify(m: RegExpExecArray): PathIdentity;
}

function qosOf(segment: string | undefined): QosClass {
  // No QoS level in the path means Guaranteed: kubelet puts those pods directly under kubepods.
  return segment === 'burstable' || segment === 'besteffort' ? segment : 'guaranteed';
}

/** The slice systemd makes for a Podman pod: machine-libpod_pod_<pod>.slice, user-libpod_pod_<pod>.slice. */
const POD_SLICE = new RegExp('/[a-z]+-libpod_pod_' + ID + '\\.slice$');

/** A Podman container's identity, with its pod when the path names one. */
function withPodmanPod(identity: PathIdentity, pod: string | undefined): PathIdentity {
  return pod !== undefined && /^[0-9a-f]{64}$/.test(pod) ? { ...identity, podId: pod } : identity;
}

const PATTERNS: PathPattern[] = [
  {
    name: 'kubernetes systemd driver',
    // /kubepods.slice[/kubepods-<qos>.slice]/kubepods[-<qos>]-pod<uid>.slice/<runtime>-<id>.scope;
    // the back-reference keeps the pod slice's QoS consistent with its parent's.
    re: new RegExp(
      '^/kubepods\\.slice/(?:kubepods-(burstable|besteffort)\\.slice/kubepods-\\1-|kubepods-)pod' +
        POD_UID_UNDERSCORE +
        '\\.slice/(cri-containerd|crio|docker)-' +
        ID +
        '\\.scope$'
    ),
    identify: (m) => ({
      runtime: SCOPE_RUNTIME[m[3]],
      containerId: m[4],
      podUid: m[2].replace(/_/g, '-'),
      qos: qosOf(m[1]),
    }),
  },
  {
    name: 'kubernetes cgroupfs driver',
    // /kubepods[/<qos>]/pod<uid>/<id>; CRI-O's cgroupfs mode prefixes the leaf with "crio-".
    // A bare id is containerd's (dockershim, which also used bare ids, is gone since 1.24).
    re: new RegExp('^/kubepods(?:/(burstable|besteffort))?/pod' + POD_UID_DASH + '/(crio-)?' + ID + '$'),
    identify: (m) => ({
      runtime: m[3] ? 'cri-o' : 'containerd',
      containerId: m[4],
      podUid: m[2],
      qos: qosOf(m[1]),
    }),
  },
  {
    name: 'docker cgroupfs driver',
    re: new RegExp('^/docker/' + ID + '$'),
    identify: (m) => ({ runtime: 'docker', containerId: m[1] }),
  },
  {
    name: 'docker systemd driver',
    // /system.slice/docker-<id>.scope; a --cgroup-parent slice or rootless Docker's user manager
    // moves the scope elsewhere, so accept any parent.
    re: new RegExp('^' + NOT_KUBEPODS + '(?:/[^/]+)*/docker-' + ID + '\\.scope$'),
    identify: (m) => ({ runtime: 'docker', containerId: m[1] }),
  },
  {
    name: 'podman systemd driver',
    // /machine.slice[/machine-libpod_pod_<pod>.slice]/libpod-<id>.scope (rootful) or
    // /user.slice/user-<uid>.slice/user@<uid>.service/.../[user-libpod_pod_<pod>.slice/]libpod-<id>.scope
    // (rootless). "libpod-conmon-<id>.scope" holds the monitor process, not the container: the id pattern
    // cannot match "conmon-…", which is what skips it.
    re: new RegExp('^/(?:machine\\.slice|user\\.slice)((?:/[^/]+)*)/libpod-' + ID + '\\.scope$'),
    identify: (m) => withPodmanPod({ runtime: 'podman', containerId: m[2] }, POD_SLICE.exec(m[1])?.[1]),
  },
  {
    name: 'podman cgroupfs driver',
    // /libpod_parent/libpod-<id>, and a pod's members under the pod's own cgroup,
    // /libpod_parent/<pod>/libpod-<id> (its conmon in /libpod_parent/<pod>/conmon).
    re: new RegExp('^/libpod_parent(?:/([^/]+))?/libpod-' + ID + '$'),
    identify: (m) => withPodmanPod({ runtime: 'podman', containerId: m[2] }, m[1]),
  },
  {
    name: 'nerdctl systemd driver',
    re: new RegExp('^' + NOT_KUBEPODS + '(?:/[^/]+)*/nerdctl-' + ID + '\\.scope$'),
    identify: (m) => ({ runtime: 'containerd', containerId: m[1] }),
  },
  {
    name: 'containerd namespace (cgroupfs)',
    // /<namespace>/<id>: containerd (and nerdctl's cgroupfs mode) uses the namespace as parent,
    // e.g. /default/<id> or /k8s.io/<id>. Namespace names follow containerd's identifier rule;
    // systemd units (x.slice, x.service, x.scope) are never namespaces.
    // Podman's cgroupfs parent is no namespace: /libpod_parent/<pod id> is a pod's cgroup, its members inside.
    re: new RegExp(
      '^' +
        NOT_KUBEPODS +
        '/(?!libpod_parent/)(?![^/]*\\.(?:slice|service|scope|mount)/)[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*/' +
        ID +
        '$'
    ),
    identify: (m) => ({ runtime: 'containerd', containerId: m[1] }),
  },
];

/** Names of the pattern table's entries, in match order (for documentation and tests). */
export const PATH_PATTERN_NAMES: readonly string[] = PATTERNS.map((p) => p.name);

/**
 * What a cgroup path (relative to the hierarchy root, starting with "/") says about the container
 * in it, or null when it is not a container: system units, *.mount units, pod-level and QoS-level
 * slices, conmon monitors, and anything nested inside a container.
 */
export function identifyContainerPath(path: string): PathIdentity | null {
  // systemd creates a *.mount unit per mount (including each container's overlay and shm), and
  // its name can embed a container id: never a container.
  if (path.endsWith('.mount')) return null;
  for (const p of PATTERNS) {
    const m = p.re.exec(path);
    if (m) return p.identify(m);
  }
  return null;
}
