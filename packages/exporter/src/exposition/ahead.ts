import { seriesBound, seriesBytes } from './encode';

/*
 * Series lines formatted while the scrape still collects, kept per family until the exposition goes out.
 *
 * Why: the text format wants a family's lines together, so nothing can be sent before the last container is
 * collected, and formatting everything then left the read-ahead thread idle for the whole of it. Formatted
 * container by container as the collectors finish each one, the lines are made while the thread still reads
 * the next containers' files, and the exposition at the end is a copy (docs/benchmarks.md, "Tenth round").
 *
 * The lines made ahead are held until they are sent, which the exposition streamed through a few chunks does
 * not: so they are bounded (AHEAD_BLOCKS), and the lines beyond are formatted at the end as before.
 */

/** Bytes per block: a family's lines fill blocks one after another; a line never straddles two. */
export const BLOCK_BYTES = 8 * 1024;
/** The most blocks one scrape's lines made ahead may fill (1 MiB). */
export const AHEAD_BLOCKS = 128;
/** Blocks are cut from slabs of this many, so that a block is not an allocation (and a mapping) of its own. */
const BLOCKS_PER_SLAB = 16;

/** Blocks shared by every family's lines, and how many more this scrape may fill. */
export class BlockPool {
  private readonly free: Buffer[] = [];
  /** Blocks the scrape may still start (reset at its beginning). */
  left = AHEAD_BLOCKS;

  take(): Buffer {
    const block = this.free.pop();
    if (block !== undefined) return block;
    const slab = Buffer.allocUnsafeSlow(BLOCK_BYTES * BLOCKS_PER_SLAB);
    for (let b = 1; b < BLOCKS_PER_SLAB; b++) this.free.push(slab.subarray(b * BLOCK_BYTES, (b + 1) * BLOCK_BYTES));
    return slab.subarray(0, BLOCK_BYTES);
  }

  /** A block back, for the next scrape: at most AHEAD_BLOCKS are ever taken, so all of them are kept. */
  give(block: Buffer): void {
    this.free.push(block);
  }
}

/** One family's lines of one scrape, in blocks of the pool. */
export class FamilyLines {
  /** The blocks of this scrape's lines, `lengths[b]` bytes of block b. */
  readonly blocks: Buffer[] = [];
  readonly lengths: number[] = [];

  constructor(private readonly pool: BlockPool) {}

  /** Start on a scrape: the last one's blocks go back to the pool. */
  reset(): void {
    for (const block of this.blocks) this.pool.give(block);
    this.blocks.length = 0;
    this.lengths.length = 0;
  }

  /**
   * `name{prefix,extra} value\n` (encode.ts), or false when it cannot be made ahead: the line would not fit in
   * a block (a giant label value), or the scrape's blocks are used up. The caller then leaves it, and every
   * line after it, to the end.
   */
  series(name: Uint8Array, prefix: Uint8Array, extra: Record<string, string> | undefined, value: number): boolean {
    const b = this.room(seriesBound(name, prefix, extra));
    if (b < 0) return false;
    this.lengths[b] = seriesBytes(this.blocks[b], this.lengths[b], name, prefix, extra, value);
    return true;
  }

  /** A line made as text (a series of no container), or false as for `series`. */
  text(line: string): boolean {
    const b = this.room(line.length * 3);
    if (b < 0) return false;
    this.lengths[b] += this.blocks[b].write(line, this.lengths[b], 'utf8');
    return true;
  }

  /** The block to write `bytes` more on (a fresh one when the current has too little room), or -1 if none can. */
  private room(bytes: number): number {
    if (bytes > BLOCK_BYTES) return -1;
    const current = this.blocks.length - 1;
    if (current >= 0 && this.lengths[current] + bytes <= BLOCK_BYTES) return current;
    if (this.pool.left === 0) return -1;
    this.pool.left--;
    this.lengths.push(0);
    return this.blocks.push(this.pool.take()) - 1;
  }
}
