/** Where an exposition goes, chunk by chunk: an HTTP response, or a collector of bytes. */
export interface ExpositionSink {
  /** Send these bytes; call `done` once, when they are no longer needed (sent, copied, or the sink failed). */
  write(chunk: Buffer, done: () => void): void;
}

/**
 * A request for a scrape's exposition: where its bytes go, and how it ends. The HTTP server makes one per
 * GET of the telemetry path; the Exporter serves it.
 */
export interface ScrapeRequest extends ExpositionSink {
  /** The first bytes are about to come (send the status line and headers). */
  begin(): void;
  end(): void;
  /** The scrape failed; `begin` was called if some bytes went out already. */
  fail(err: Error): void;
  /** The client's scrape timeout (Prometheus' X-Prometheus-Scrape-Timeout-Seconds), if it sent one. */
  readonly timeoutSeconds?: number;
}

/** A sink that copies every chunk as it comes, for callers that want the whole exposition at once. */
export class ByteCollector implements ExpositionSink {
  private readonly parts: Buffer[] = [];

  write(chunk: Buffer, done: () => void): void {
    this.parts.push(Buffer.from(chunk));
    done();
  }

  all(): Buffer {
    return Buffer.concat(this.parts);
  }
}
