import { contradictsSpec, namespaceScope, type Member } from './namespaceJudgement';

const HOST = 4026531840;
const member = (inode: number, pod?: string, sandbox = false): Member => ({ inode, pod, sandbox });

describe('namespaceScope', () => {
  it("tells the host's, a private, a pod's and a cross-pod namespace apart", () => {
    expect(namespaceScope(HOST, HOST, 2, false)).toBe('host');
    expect(namespaceScope(7, HOST, 1, true)).toBe('private');
    expect(namespaceScope(7, HOST, 3, true)).toBe('pod');
    // Two pods, or two plain containers (`--network container:x`), have no one pod to share within.
    expect(namespaceScope(7, HOST, 2, false)).toBe('shared');
    // Without a host reference for the type, the host's namespace is just a shared one.
    expect(namespaceScope(HOST, undefined, 2, true)).toBe('pod');
    expect(namespaceScope(HOST, undefined, 2, false)).toBe('shared');
  });
});

describe('contradictsSpec', () => {
  it("node: every container in the host's namespace", () => {
    expect(contradictsSpec('node', [member(HOST, 'p', true), member(HOST, 'p')], HOST)).toBe(false);
    expect(contradictsSpec('node', [member(HOST, 'p', true), member(9, 'p')], HOST)).toBe(true);
  });

  it("pod: one namespace for the pod, not the host's", () => {
    expect(contradictsSpec('pod', [member(7, 'p', true), member(7, 'p'), member(7, 'p')], HOST)).toBe(false);
    // hostNetwork not asked for, the node's network seen.
    expect(contradictsSpec('pod', [member(HOST, 'p', true), member(HOST, 'p')], HOST)).toBe(true);
    expect(contradictsSpec('pod', [member(7, 'p', true), member(8, 'p')], HOST)).toBe(true);
  });

  it('container: no two workload containers in one pid namespace', () => {
    expect(contradictsSpec('container', [member(5, 'p', true), member(6, 'p'), member(7, 'p')], HOST)).toBe(false);
    expect(contradictsSpec('container', [member(5, 'p', true), member(6, 'p'), member(6, 'p')], HOST)).toBe(true);
    expect(contradictsSpec('container', [member(5, 'p', true), member(HOST, 'p')], HOST)).toBe(true);
  });

  it("target: only never the host's", () => {
    expect(contradictsSpec('target', [member(6, 'p'), member(6, 'p')], HOST)).toBe(false);
    expect(contradictsSpec('target', [member(HOST, 'p')], HOST)).toBe(true);
  });

  it('judges nothing without members or a host reference', () => {
    expect(contradictsSpec('node', [], HOST)).toBeUndefined();
    expect(contradictsSpec('pod', [member(7, 'p')], undefined)).toBeUndefined();
  });
});
