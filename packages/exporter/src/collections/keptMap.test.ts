import { KeptMap } from './keptMap';

describe('KeptMap', () => {
  it('keeps what a round saw and drops the rest at its sweep', () => {
    const map = new KeptMap<string, number>();
    map.set('a', 1);
    map.set('b', 2);
    map.sweep();
    expect(map.get('a')).toBe(1); // seen in the second round
    map.sweep();
    expect(map.get('a')).toBe(1);
    expect(map.get('b')).toBeUndefined();
    expect(map.size).toBe(1);
  });

  it('keeps an entry set again, with its new value, and does not mark a missed get', () => {
    const map = new KeptMap<string, object | null>();
    const first = {};
    map.set('dir', first);
    map.set('other', null);
    map.sweep();
    const second = {};
    map.set('dir', second);
    expect(map.get('missing')).toBeUndefined();
    map.sweep();
    expect(map.get('dir')).toBe(second);
    expect(map.get('other')).toBeUndefined();
    expect(map.size).toBe(1);
  });

  it('keeps the same value object across rounds, so state per container is not made again', () => {
    const map = new KeptMap<number, { n: number }>();
    const value = { n: 0 };
    map.set(7, value);
    for (let round = 0; round < 3; round++) {
      map.sweep();
      map.get(7)!.n++;
    }
    expect(map.get(7)).toBe(value);
    expect(value.n).toBe(3);
  });
});
