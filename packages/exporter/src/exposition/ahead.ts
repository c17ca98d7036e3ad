import { seriesBound, seriesBytes } from './encode';

/*
 * Series lines formatted while the scrape still collects, kept per family until the exposition goes out.
 *
 * Why: the text format wants a family's lines together, so nothing can be sent before the last container is
 * collected, and formatting everything then left the read-ahead thread idle for the whole of it. Formatted
 * container by container as the collectors finish each one, the lines are made while the thread still reads
 * the next containers' files, and the exposition at the end is a copy (docs/benchmarks.md, "Tenth round").
 */

/** Bytes per block: a family's lines fill blocks one after another; a line never straddles two. */
export const BLOCK_BYTES = 8 * 1024;
/** Blocks are cut from slabs of this many, so that a block is not an allocation (and a mapping) of its own. */
const BLOCKS_PER_SLAB = 16;
/** Free blocks kept for later scrapes; beyond these, blocks a shrinking exposition gave back go to the GC. */
const MAX_FREE_BLOCKS = 64;

/** Blocks shared by every family's lines. */
export class BlockPool {
  private readonly free: Buffer[] = [];

  take(): Buffer {
    const block = this.free.pop();
    if (block !== undefined) return block;
    const slab = Buffer.allocUnsafeSlow(BLOCK_BYTES * BLOCKS_PER_SLAB);
    for (let b = 1; b < BLOCKS_PER_SLAB; b++) this.free.push(slab.subarray(b * BLOCK_BYTES, (b + 1) * BLOCK_BYTES));
    return slab.subarray(0, BLOCK_BYTES);
  }

  give(block: Buffer): void {
    if (this.free.length < MAX_FREE_BLOCKS) this.free.push(block);
  }
}

/** One family's lines of one scrape, in blocks it keeps from scrape to scrape. */
export class FamilyLines {
  /** The blocks this family holds; the first `used` carry this scrape's lines, `lengths[b]` bytes of block b. */
  readonly blocks: Buffer[] = [];
  readonly lengths: number[] = [];
  used = 0;

  constructor(private readonly pool: BlockPool) {}

  /** Start on a scrape: blocks beyond one more than the last scrape needed go back to the pool. */
  reset(): void {
    while (this.blocks.length > this.used + 1) this.pool.give(this.blocks.pop()!);
    this.lengths.length = this.blocks.length;
    this.used = 0;
  }

  /**
   * `name{prefix,extra} value\n` (encode.ts), or false when the line would not fit in a block (a giant label
   * value): the caller then formats the scrape at the end, as without lines made ahead.
   */
  series(name: Uint8Array, prefix: Uint8Array, extra: Record<string, string> | undefined, value: number): boolean {
    const b = this.room(seriesBound(name, prefix, extra));
    if (b < 0) return false;
    this.lengths[b] = seriesBytes(this.blocks[b], this.lengths[b], name, prefix, extra, value);
    return true;
  }

  /** A line made as text (a series of no container), or false when it would not fit in a block. */
  text(line: string): boolean {
    const b = this.room(line.length * 3);
    if (b < 0) return false;
    this.lengths[b] += this.blocks[b].write(line, this.lengths[b], 'utf8');
    return true;
  }

  /** The block to write `bytes` more on (a fresh one when the current has too little room), or -1 if none can. */
  private room(bytes: number): number {
    if (bytes > BLOCK_BYTES) return -1;
    const current = this.used - 1;
    if (current >= 0 && this.lengths[current] + bytes <= BLOCK_BYTES) return current;
    if (this.blocks.length === this.used) this.blocks.push(this.pool.take());
    this.lengths[this.used] = 0;
    return this.used++;
  }
}
