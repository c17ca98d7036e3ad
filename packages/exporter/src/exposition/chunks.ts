import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { seriesBound, seriesBytes } from './encode';
import type { ExpositionSink } from './sink';

/*
 * The exposition's buffering: text gathers into reused fixed-size chunks, each handed to every sink and
 * taken back once all of them are done with it, so a scrape's exposition is never held whole.
 */

const CHUNK_BYTES = 64 * 1024;

/** Chunks every sink is done with, for the next ones; a few are kept, the rest are left to the GC. */
export class ChunkPool {
  private readonly free: Buffer[] = [];

  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafe(CHUNK_BYTES);
  }

  give(chunk: Buffer): void {
    if (this.free.length < 8) this.free.push(chunk);
  }
}

/**
 * The longest the writer runs without letting the event loop turn when several requests share a scrape:
 * formatting and handing a chunk to every sink is synchronous, and the whole exposition (megabytes, once per
 * sink) would otherwise go out in one stretch while /healthz and new requests wait.
 */
const YIELD_AFTER_MS = 2;

export class ChunkWriter {
  /** Chunks went out since the last `settle`. */
  sent = false;
  private chunk: Buffer;
  private length = 0;
  private lastYield = performance.now();

  constructor(
    private readonly pool: ChunkPool,
    private readonly sinks: readonly ExpositionSink[]
  ) {
    this.chunk = pool.take();
  }

  /** Any text (HELP lines, the process metrics), UTF-8 encoded. */
  write(text: string): void {
    // UTF-8 needs at most 3 bytes per UTF-16 unit; label values (image names, pod names) may be non-ASCII.
    if (!this.room(text.length * 3)) {
      // More than a chunk in one piece (the process metrics, or a giant label value): bytes of its own.
      this.deliver(Buffer.from(text, 'utf8'), () => {});
      return;
    }
    this.length += this.chunk.write(text, this.length, 'utf8');
  }

  /** Bytes encoded once and kept (a family's HELP and TYPE lines). */
  bytes(bytes: Uint8Array): void {
    if (!this.room(bytes.length)) {
      this.deliver(Buffer.from(bytes), () => {});
      return;
    }
    this.chunk.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** The first `length` bytes of `src` (lines made ahead), across chunk boundaries where they fall. */
  copy(src: Buffer, length: number): void {
    let at = 0;
    while (at < length) {
      if (this.length === this.chunk.length) this.send();
      const n = Math.min(length - at, this.chunk.length - this.length);
      src.copy(this.chunk, this.length, at, at + n);
      this.length += n;
      at += n;
    }
  }

  /**
   * One series line (encode.ts's `seriesBytes`), or false when it would not fit in any chunk (a giant label
   * value): the caller then writes it as text.
   */
  series(name: Uint8Array, prefix: Uint8Array, extra: Record<string, string> | undefined, value: number): boolean {
    if (!this.room(seriesBound(name, prefix, extra))) return false;
    this.length = seriesBytes(this.chunk, this.length, name, prefix, extra, value);
    return true;
  }

  /**
   * Let the sinks' completions run: a socket that took a chunk at once reports it on the next tick, and the
   * chunk goes back to the pool before the writer needs another. (A slow client keeps its chunks longer;
   * the writer then takes fresh ones rather than wait, so one slow client never holds up a scrape.) Every
   * YIELD_AFTER_MS, the event loop turns too.
   */
  async settle(): Promise<void> {
    this.sent = false;
    // One sink (a Prometheus) takes an exposition in one stretch short enough; yielding costs that case
    // CPU and peak memory (docs/benchmarks.md, "Load").
    if (this.sinks.length < 2 || performance.now() - this.lastYield < YIELD_AFTER_MS) {
      await new Promise<void>((resolve) => process.nextTick(resolve));
      return;
    }
    await yieldToEventLoop();
    this.lastYield = performance.now();
  }

  /** Send what is left. The writer is done with its chunks: the one it would write on next goes back too. */
  end(): void {
    const chunk = this.chunk;
    // Left with the writer, an unused chunk was a 64 KiB buffer per scrape for the GC, promoted with the
    // writer and freed only by a full GC: megabytes of dead buffers between two (docs/benchmarks.md, "Ninth
    // round").
    if (this.length === 0) this.pool.give(chunk);
    else this.deliver(chunk.subarray(0, this.length), () => this.pool.give(chunk));
    this.length = 0;
  }

  /**
   * Whether `bytes` fit in the current chunk, sending it for a fresh one first when they do not fit in what
   * is left of it; false when they would not fit in a chunk at all.
   */
  private room(bytes: number): boolean {
    if (this.length + bytes <= this.chunk.length) return true;
    this.send();
    return bytes <= this.chunk.length;
  }

  /** The current chunk to every sink, and a fresh one to write on. */
  private send(): void {
    if (this.length === 0) return;
    const chunk = this.chunk;
    this.deliver(chunk.subarray(0, this.length), () => this.pool.give(chunk));
    this.chunk = this.pool.take();
    this.length = 0;
  }

  /** `bytes` to every sink; `free` once all of them are done with it. */
  private deliver(bytes: Buffer, free: () => void): void {
    let left = this.sinks.length;
    if (left === 0) free();
    for (const sink of this.sinks) {
      let done = false;
      sink.write(bytes, () => {
        if (done) return;
        done = true;
        if (--left === 0) free();
      });
    }
    this.sent = true;
  }
}
