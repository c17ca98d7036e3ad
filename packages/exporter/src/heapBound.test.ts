import { HeapBound, oldGenerationUsed, type GcFunction } from './heapBound';

const MiB = 1024 * 1024;

/** A bound over a fake old generation whose size the test sets, and a gc that empties it to `live`. */
function setUp(live = 10 * MiB) {
  let used = live;
  let release: (() => void) | undefined;
  const calls: Array<Parameters<GcFunction>[0]> = [];
  const gc: GcFunction = (options) => {
    calls.push(options);
    return new Promise<void>((resolve) => {
      release = () => {
        used = live;
        resolve();
      };
    });
  };
  const bound = new HeapBound(gc, 3 * MiB, () => used);
  return {
    bound,
    calls,
    grow: (bytes: number) => (used += bytes),
    finishGc: async () => {
      release?.();
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

describe('HeapBound', () => {
  it('asks for an asynchronous full GC once the old generation grew past the bound since the last one', async () => {
    const { bound, calls, grow, finishGc } = setUp();
    bound.afterScrape(); // the first scrape sets the baseline
    grow(2 * MiB);
    bound.afterScrape();
    expect(calls).toEqual([]);
    grow(2 * MiB);
    bound.afterScrape();
    expect(calls).toEqual([{ type: 'major', execution: 'async' }]);
    // Scrapes that end while it runs ask for no other.
    grow(4 * MiB);
    bound.afterScrape();
    expect(calls).toHaveLength(1);
    await finishGc();
    // The baseline is the size after that GC: growth is counted from there again.
    grow(3 * MiB);
    bound.afterScrape();
    expect(calls).toHaveLength(1);
    grow(1);
    bound.afterScrape();
    expect(calls).toHaveLength(2);
    expect(bound.collections).toBe(2);
  });

  it("takes a drop (V8's own full GC) as the new baseline", () => {
    const { bound, calls, grow } = setUp();
    bound.afterScrape(); // baseline 10 MiB
    grow(-3 * MiB); // V8 collected by itself: 7 MiB
    bound.afterScrape();
    grow(5.5 * MiB); // 12.5 MiB: 2.5 over the first baseline, 5.5 over the new one
    bound.afterScrape();
    expect(calls).toHaveLength(1);
  });

  it('does nothing without a gc function (node started without --expose-gc)', () => {
    // The old generation grows by a MiB per scrape, past a bound of 0: with a gc, every scrape but the first
    // would ask for one.
    let used = 0;
    const bound = new HeapBound(undefined, 0, () => (used += MiB));
    bound.afterScrape();
    bound.afterScrape();
    bound.afterScrape();
    expect(bound.collections).toBe(0);
  });

  it('survives a gc that throws, and tries again after the next growth', () => {
    let used = 0;
    let calls = 0;
    const bound = new HeapBound(
      () => {
        calls++;
        throw new Error('no gc here');
      },
      MiB,
      () => used
    );
    bound.afterScrape();
    used = 2 * MiB;
    expect(() => bound.afterScrape()).not.toThrow();
    used = 4 * MiB;
    bound.afterScrape();
    expect(calls).toBe(2);
  });

  it("reads this process's old generation", () => {
    const kept = Array.from({ length: 50_000 }, (_, i) => ({ i }));
    expect(oldGenerationUsed()).toBeGreaterThan(0);
    expect(kept).toHaveLength(50_000);
  });
});
