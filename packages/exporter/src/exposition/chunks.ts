import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
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
 * Lines gather in a short string that goes into the current chunk every FLUSH_AT characters: one Buffer.write
 * per line cost more than the formatting itself, and a short string dies young, unlike a rope of the whole
 * exposition.
 */
const FLUSH_AT = 16 * 1024;

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
  private pending = '';
  private lastYield = performance.now();

  constructor(
    private readonly pool: ChunkPool,
    private readonly sinks: readonly ExpositionSink[]
  ) {
    this.chunk = pool.take();
  }

  write(text: string): void {
    this.pending += text;
    if (this.pending.length >= FLUSH_AT) this.flush();
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

  /** Send what is left. */
  end(): void {
    this.flush();
    this.send();
  }

  private flush(): void {
    const text = this.pending;
    this.pending = '';
    // UTF-8 needs at most 3 bytes per UTF-16 unit; label values (image names, pod names) may be non-ASCII.
    if (this.length + text.length * 3 > this.chunk.length) {
      this.send();
      if (text.length * 3 > this.chunk.length) {
        // More than a chunk in one piece (the process metrics, or a giant label value): bytes of its own.
        this.deliver(Buffer.from(text, 'utf8'), () => {});
        return;
      }
    }
    this.length += this.chunk.write(text, this.length, 'utf8');
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
