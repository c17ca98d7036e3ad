/**
 * A map whose entries live as long as each round (a scrape, a discovery walk) asks for them: `get` and `set`
 * mark an entry seen, and `sweep` drops every entry the round did not see and starts the next one.
 *
 * Why: state kept per container from scrape to scrape (its cgroup, its Target, its process facts) is the same
 * object every scrape, instead of a fresh one that lives through the whole scrape and is promoted to V8's old
 * generation each time (docs/benchmarks.md, "Ninth round"). Entries are updated in place, so a steady round
 * allocates nothing here.
 */
export class KeptMap<K, V> {
  private readonly entries = new Map<K, { value: V; round: number }>();
  private round = 0;

  /** The value at `key`, marked as seen this round; undefined when there is none. */
  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    entry.round = this.round;
    return entry.value;
  }

  /** Set the value at `key`, marked as seen this round. */
  set(key: K, value: V): void {
    const entry = this.entries.get(key);
    if (entry === undefined) this.entries.set(key, { value, round: this.round });
    else {
      entry.value = value;
      entry.round = this.round;
    }
  }

  /** Drop the entries this round did not see, and start the next round. */
  sweep(): void {
    for (const [key, entry] of this.entries) if (entry.round !== this.round) this.entries.delete(key);
    this.round++;
  }

  get size(): number {
    return this.entries.size;
  }
}
