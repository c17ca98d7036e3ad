import { identifyContainerPath, PATH_PATTERN_NAMES } from './paths';

const ID = '4ae13a691b07b46c4604003ee0430800d57a9ee16d134eebc7be335ab61c1e65';
const ID2 = 'ec59af93e2ca7959ee00370b7b0d743e2af760cf44ef13d6eafd1791a522b7dd';
const UID = '3797bdbd-9e3b-466d-a484-e719d4b5f864';
const UID_ = UID.replace(/-/g, '_');
// Static pods' UID is the 32-hex hash of their manifest.
const STATIC_UID = 'b3a5c2e8f1d04c7a9e6b2d1f0a3c5e7b';

describe('identifyContainerPath', () => {
  it('has one table entry per runtime naming scheme', () => {
    expect(PATH_PATTERN_NAMES.length).toBeGreaterThanOrEqual(8);
  });

  describe('Docker', () => {
    it('cgroupfs driver: /docker/<id>', () => {
      expect(identifyContainerPath(`/docker/${ID}`)).toEqual({ runtime: 'docker', containerId: ID });
    });
    it('systemd driver: /system.slice/docker-<id>.scope', () => {
      expect(identifyContainerPath(`/system.slice/docker-${ID}.scope`)).toEqual({ runtime: 'docker', containerId: ID });
    });
    it('systemd driver under a --cgroup-parent slice and rootless under the user manager', () => {
      expect(identifyContainerPath(`/batch.slice/docker-${ID}.scope`)).toEqual({ runtime: 'docker', containerId: ID });
      expect(
        identifyContainerPath(`/user.slice/user-1000.slice/user@1000.service/docker.service/docker-${ID}.scope`)
      ).toEqual({ runtime: 'docker', containerId: ID });
    });
  });

  describe('Podman', () => {
    it('rootful systemd: /machine.slice/libpod-<id>.scope', () => {
      expect(identifyContainerPath(`/machine.slice/libpod-${ID}.scope`)).toEqual({
        runtime: 'podman',
        containerId: ID,
      });
    });
    it('a container of a Podman pod: /machine.slice/machine-libpod_pod_<pod>.slice/libpod-<id>.scope', () => {
      expect(identifyContainerPath(`/machine.slice/machine-libpod_pod_${ID2}.slice/libpod-${ID}.scope`)).toEqual({
        runtime: 'podman',
        containerId: ID,
        podId: ID2,
      });
    });
    it("a rootless pod's member under the user manager", () => {
      expect(
        identifyContainerPath(
          `/user.slice/user-1000.slice/user@1000.service/user.slice/user-libpod_pod_${ID2}.slice/libpod-${ID}.scope`
        )
      ).toEqual({ runtime: 'podman', containerId: ID, podId: ID2 });
    });
    it('rootless, nested under the user manager', () => {
      expect(
        identifyContainerPath(`/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-${ID}.scope`)
      ).toEqual({ runtime: 'podman', containerId: ID });
    });
    it('cgroupfs manager: /libpod_parent/libpod-<id>', () => {
      expect(identifyContainerPath(`/libpod_parent/libpod-${ID}`)).toEqual({ runtime: 'podman', containerId: ID });
    });
    it("cgroupfs manager, a pod's member: /libpod_parent/<pod>/libpod-<id>", () => {
      expect(identifyContainerPath(`/libpod_parent/${ID2}/libpod-${ID}`)).toEqual({
        runtime: 'podman',
        containerId: ID,
        podId: ID2,
      });
    });
    it("the pod's own cgroup and its conmon are not containers (nor a containerd namespace's)", () => {
      expect(identifyContainerPath(`/libpod_parent/${ID2}`)).toBeNull();
      expect(identifyContainerPath(`/libpod_parent/${ID2}/conmon`)).toBeNull();
      expect(identifyContainerPath(`/libpod_parent/conmon`)).toBeNull();
    });
    it('skips the conmon monitor scope', () => {
      expect(identifyContainerPath(`/machine.slice/libpod-conmon-${ID}.scope`)).toBeNull();
      expect(
        identifyContainerPath(`/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-conmon-${ID}.scope`)
      ).toBeNull();
    });
  });

  describe('containerd / nerdctl', () => {
    it('namespace parent: /default/<id> and /k8s.io/<id> outside kubepods', () => {
      expect(identifyContainerPath(`/default/${ID}`)).toEqual({ runtime: 'containerd', containerId: ID });
      expect(identifyContainerPath(`/k8s.io/${ID}`)).toEqual({ runtime: 'containerd', containerId: ID });
      expect(identifyContainerPath(`/buildkit/${ID}`)).toEqual({ runtime: 'containerd', containerId: ID });
    });
    it('nerdctl systemd manager: /system.slice/nerdctl-<id>.scope', () => {
      expect(identifyContainerPath(`/system.slice/nerdctl-${ID}.scope`)).toEqual({
        runtime: 'containerd',
        containerId: ID,
      });
    });
  });

  describe('Kubernetes, cgroupfs driver', () => {
    it('burstable and besteffort: /kubepods/<qos>/pod<uid>/<id>', () => {
      expect(identifyContainerPath(`/kubepods/burstable/pod${UID}/${ID}`)).toEqual({
        runtime: 'containerd',
        containerId: ID,
        podUid: UID,
        qos: 'burstable',
      });
      expect(identifyContainerPath(`/kubepods/besteffort/pod${UID}/${ID}`)).toMatchObject({
        qos: 'besteffort',
        podUid: UID,
      });
    });
    it('guaranteed: /kubepods/pod<uid>/<id>', () => {
      expect(identifyContainerPath(`/kubepods/pod${UID}/${ID}`)).toEqual({
        runtime: 'containerd',
        containerId: ID,
        podUid: UID,
        qos: 'guaranteed',
      });
    });
    it('CRI-O in cgroupfs mode prefixes the leaf with crio-, and its conmon is skipped', () => {
      expect(identifyContainerPath(`/kubepods/burstable/pod${UID}/crio-${ID}`)).toEqual({
        runtime: 'cri-o',
        containerId: ID,
        podUid: UID,
        qos: 'burstable',
      });
      expect(identifyContainerPath(`/kubepods/burstable/pod${UID}/crio-conmon-${ID}`)).toBeNull();
    });
    it('static pod with a hash UID', () => {
      expect(identifyContainerPath(`/kubepods/burstable/pod${STATIC_UID}/${ID}`)).toMatchObject({ podUid: STATIC_UID });
    });
    it('pod and QoS directories are not containers', () => {
      expect(identifyContainerPath('/kubepods')).toBeNull();
      expect(identifyContainerPath('/kubepods/burstable')).toBeNull();
      expect(identifyContainerPath(`/kubepods/burstable/pod${UID}`)).toBeNull();
      expect(identifyContainerPath(`/kubepods/pod${UID}`)).toBeNull();
    });
    it('an unknown QoS level is not a container (and not a containerd namespace either)', () => {
      expect(identifyContainerPath(`/kubepods/${ID}`)).toBeNull();
      expect(identifyContainerPath(`/kubepods/other/pod${UID}/${ID}`)).toBeNull();
    });
  });

  describe('Kubernetes, systemd driver', () => {
    const burst = `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID_}.slice`;
    it('containerd: cri-containerd-<id>.scope, pod UID with dashes restored', () => {
      expect(identifyContainerPath(`${burst}/cri-containerd-${ID}.scope`)).toEqual({
        runtime: 'containerd',
        containerId: ID,
        podUid: UID,
        qos: 'burstable',
      });
    });
    it('CRI-O: crio-<id>.scope; its crio-conmon-<id>.scope is skipped', () => {
      expect(identifyContainerPath(`${burst}/crio-${ID}.scope`)).toMatchObject({ runtime: 'cri-o', containerId: ID });
      expect(identifyContainerPath(`${burst}/crio-conmon-${ID}.scope`)).toBeNull();
    });
    it('cri-dockerd: docker-<id>.scope', () => {
      expect(identifyContainerPath(`${burst}/docker-${ID}.scope`)).toMatchObject({
        runtime: 'docker',
        containerId: ID,
        podUid: UID,
      });
    });
    it('besteffort', () => {
      expect(
        identifyContainerPath(
          `/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${UID_}.slice/cri-containerd-${ID}.scope`
        )
      ).toEqual({ runtime: 'containerd', containerId: ID, podUid: UID, qos: 'besteffort' });
    });
    it('guaranteed: /kubepods.slice/kubepods-pod<uid>.slice/...', () => {
      expect(identifyContainerPath(`/kubepods.slice/kubepods-pod${UID_}.slice/cri-containerd-${ID}.scope`)).toEqual({
        runtime: 'containerd',
        containerId: ID,
        podUid: UID,
        qos: 'guaranteed',
      });
    });
    it('a pod slice whose QoS disagrees with its parent is not trusted', () => {
      expect(
        identifyContainerPath(
          `/kubepods.slice/kubepods-burstable.slice/kubepods-besteffort-pod${UID_}.slice/cri-containerd-${ID}.scope`
        )
      ).toBeNull();
    });
    it('slices themselves are not containers, and never fall through to the Docker pattern', () => {
      expect(identifyContainerPath('/kubepods.slice')).toBeNull();
      expect(identifyContainerPath('/kubepods.slice/kubepods-burstable.slice')).toBeNull();
      expect(identifyContainerPath(burst)).toBeNull();
      expect(identifyContainerPath(`/kubepods.slice/docker-${ID}.scope`)).toBeNull();
    });
  });

  describe('not containers', () => {
    it.each([
      ['root', '/'],
      ['systemd init', '/init.scope'],
      ['a login session', '/user.slice/user-1000.slice/session-1.scope'],
      ['the user manager', '/user.slice/user-1000.slice/user@1000.service/init.scope'],
      ['a daemon', '/system.slice/docker.service'],
      ['the docker parent', '/docker'],
      ['a child of a container scope', `/system.slice/docker-${ID}.scope/init`],
      ['a child of a cgroupfs container', `/docker/${ID}/sub`],
      ['a container nested in a container (not descended into)', `/docker/${ID}/docker/${ID2}`],
      ['a short id', '/docker/4ae13a691b07'],
      ['a short id in a scope', '/system.slice/docker-4ae13a691b07.scope'],
      ['uppercase hex', `/docker/${ID.toUpperCase()}`],
      ['65 hex digits', `/docker/${ID}a`],
      ['a mount unit naming an id', `/system.slice/run-docker-netns-${ID}.mount`],
      ['a mount unit shaped like a scope', `/system.slice/docker-${ID}.mount`],
      [
        'a containerd mount unit',
        `/system.slice/run-containerd-io.containerd.runtime.v2.task-k8s.io-${ID}-rootfs.mount`,
      ],
      ['an id under a systemd unit', `/system.slice/${ID}`],
      ['an id under a service', `/system.slice/containerd.service/${ID}`],
      ['relative path', `docker/${ID}`],
    ])('%s: %s', (_name, path) => {
      expect(identifyContainerPath(path)).toBeNull();
    });
  });
});
