import type { ContainerCgroup } from '../cgroup/discovery';
import { KnownPaths } from '../cgroup/discovery';
import type { ContainerMetadata } from '../runtime/metadata';
import { KnownTargets, NO_METADATA, parseProcs } from './target';

const ID_A = 'a'.repeat(64);
const ID_B = 'b'.repeat(64);

function cgroup(id: string): ContainerCgroup {
  return { runtime: 'docker', containerId: id, path: `/docker/${id}` };
}

const procsFileOf = (path: string) => `/sys/fs/cgroup/pids${path}/cgroup.procs`;

describe('KnownTargets', () => {
  it("keeps a container's target while its cgroup and metadata are the same objects", () => {
    const known = new KnownTargets();
    const a = cgroup(ID_A);
    const meta: ContainerMetadata = { name: 'web', image: 'busybox' };
    const [first] = known.update([a], () => meta, procsFileOf);
    first.vanished = true;
    first.pids = [42];
    const [second] = known.update([a], () => meta, procsFileOf);
    expect(second).toBe(first);
    // A new scrape starts it afresh: it is there again.
    expect(second.vanished).toBe(false);
    expect(second.labels).toEqual({ id: `/docker/${ID_A}`, name: 'web', image: 'busybox' });
  });

  it('makes a new target, with new labels, when the runtime renamed the container', () => {
    const known = new KnownTargets();
    const a = cgroup(ID_A);
    const [before] = known.update([a], () => ({ name: 'web' }), procsFileOf);
    const [after] = known.update([a], () => ({ name: 'web-2' }), procsFileOf);
    expect(after).not.toBe(before);
    expect(after.labels.name).toBe('web-2');
    // Without metadata (the runtime did not answer) the target keeps the one empty object.
    const [bare] = known.update([a], () => NO_METADATA, procsFileOf);
    const [bareAgain] = known.update([a], () => NO_METADATA, procsFileOf);
    expect(bareAgain).toBe(bare);
    expect(bare.labels).toEqual({ id: `/docker/${ID_A}` });
  });

  it('forgets containers that are gone, and gives a container that comes back a new target', () => {
    const known = new KnownTargets();
    const a = cgroup(ID_A);
    const b = cgroup(ID_B);
    const [firstA] = known.update([a, b], () => NO_METADATA, procsFileOf);
    expect(known.update([b], () => NO_METADATA, procsFileOf).map((t) => t.cgroup.path)).toEqual([b.path]);
    const [againA] = known.update([a], () => NO_METADATA, procsFileOf);
    expect(againA).not.toBe(firstA);
  });
});

describe('KnownPaths', () => {
  it('gives the same container object for the same directory, and forgets directories not seen', () => {
    const known = new KnownPaths();
    const path = `/docker/${ID_A}`;
    const first = known.identify(path);
    expect(first).toEqual({ runtime: 'docker', containerId: ID_A, path });
    expect(known.identify('/system.slice')).toBeNull();
    known.forgetUnseen();
    expect(known.identify(`/docker/${ID_A}`)).toBe(first);
    known.forgetUnseen();
    known.forgetUnseen(); // a walk that did not see it
    const again = known.identify(path);
    expect(again).toEqual(first);
    expect(again).not.toBe(first);
  });
});

describe('parseProcs', () => {
  it('lists the pids of cgroup.procs', () => {
    expect(parseProcs('12\n345\n')).toEqual([12, 345]);
    expect(parseProcs('')).toEqual([]);
    expect(parseProcs('0\n7\n')).toEqual([7]);
  });

  it("gives back the last scrape's list when the file says the same, a new one otherwise", () => {
    const last = parseProcs('12\n345\n');
    expect(parseProcs('12\n345\n', last)).toBe(last);
    for (const changed of ['12\n', '12\n345\n6\n', '345\n12\n', '12\n346\n', '', '12\n345', ' 12\n345\n']) {
      const got = parseProcs(changed, last);
      expect(got).not.toBe(last);
      expect(got).toEqual(parseProcs(changed));
    }
    const none = parseProcs('');
    expect(parseProcs('', none)).toBe(none);
  });
});
