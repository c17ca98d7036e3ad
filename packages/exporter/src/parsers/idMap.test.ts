import { mapsRootToHostRoot, parseIdMap } from './idMap';

describe('parseIdMap', () => {
  it('reads the initial namespace map (this host, /proc/self/uid_map)', () => {
    const { ranges, malformed } = parseIdMap('         0          0 4294967295\n');
    expect(malformed).toBe(0);
    expect(ranges).toEqual([{ inside: 0, outside: 0, length: 4294967295 }]);
    expect(mapsRootToHostRoot(ranges)).toBe(true);
  });

  it('reads a rootless map: root inside is uid 1000 outside (unshare --map-root-user as uid 1000)', () => {
    const { ranges } = parseIdMap('         0       1000          1\n');
    expect(ranges).toEqual([{ inside: 0, outside: 1000, length: 1 }]);
    expect(mapsRootToHostRoot(ranges)).toBe(false);
  });

  it('reads a multi-range remapped namespace (written to a child userns on this host)', () => {
    const { ranges, malformed } = parseIdMap('         0     100000      65536\n     65536       1000          1\n');
    expect(malformed).toBe(0);
    expect(ranges).toEqual([
      { inside: 0, outside: 100000, length: 65536 },
      { inside: 65536, outside: 1000, length: 1 },
    ]);
    expect(mapsRootToHostRoot(ranges)).toBe(false);
  });

  it('counts root mapped to root even in a one-id namespace (unshare --map-root-user as root)', () => {
    expect(mapsRootToHostRoot(parseIdMap('         0          0          1\n').ranges)).toBe(true);
  });

  it('is false when uid 0 is not mapped at all', () => {
    expect(mapsRootToHostRoot(parseIdMap('1000 1000 1\n').ranges)).toBe(false);
    expect(mapsRootToHostRoot([])).toBe(false);
  });

  it('returns no ranges for an empty map (a namespace whose map was never written)', () => {
    expect(parseIdMap('')).toEqual({ ranges: [], malformed: 0 });
  });

  it('skips and counts bad lines', () => {
    const { ranges, malformed } = parseIdMap('0 0\n0 0 x\n-1 0 1\n0 0 4294967296\n0 0 0\n5 6 7 8\n1 100000 10\n');
    expect(malformed).toBe(6);
    expect(ranges).toEqual([{ inside: 1, outside: 100000, length: 10 }]);
  });
});
