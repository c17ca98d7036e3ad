/**
 * In-page measurements for the panel benchmark (bench/): when the plugin's panel started rendering and
 * finished committing (host.tsx wraps it in `PanelProbe`), what the host's own steps took (decoding, the
 * data source's transform, applyFieldOverrides: Grafana's work, not the panel's), the browser's long
 * tasks, and the next paint after a change. The tests load it too and ignore it: it only records.
 */

/** What the host's steps took for one response (ms). */
export interface HostTimings {
  /** toDataQueryResponse: the /api/ds/query body into frames. */
  decodeMs: number;
  /** The Prometheus data source's frontend step (promToFrames part 2). */
  transformMs: number;
  /** applyFieldOverrides on the result (Grafana's PanelQueryRunner step); 0 when it was cached. */
  overridesMs: number;
}

export interface Span {
  start: number;
  end: number;
}

/** One measured change, from its start to the paint that shows it (performance.now() ms). */
export interface Measured {
  /** From the change (mount, refresh, click, input) to the next paint after the DOM showed it. */
  toPaint: number;
  /** From the panel's first render start to that paint: the panel's own work and the browser's for it. */
  panelToPaint?: number;
  /** The panel's renders through commit (`PanelProbe` in host.tsx), summed. */
  panelRender: number;
  /** The host's steps during the change (applyFieldOverrides), by step. */
  host: Record<string, number>;
  /** Long tasks (≥ 50 ms) that started during the change. */
  longTasks: number[];
}

/** The next frame's paint: a task queued from requestAnimationFrame runs after that frame is drawn. */
export function nextPaint(): Promise<number> {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0)));
}

class Probe {
  private start = 0;
  private pending: number | undefined;
  private renders: Span[] = [];
  private hostSteps: Array<{ step: string; ms: number }> = [];
  private readonly longTasks: Span[] = [];

  constructor() {
    if (typeof PerformanceObserver !== 'undefined' && PerformanceObserver.supportedEntryTypes?.includes('longtask')) {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          this.longTasks.push({ start: e.startTime, end: e.startTime + e.duration });
        }
      }).observe({ type: 'longtask', buffered: true });
    }
  }

  /** A change begins now (the host calls it before mounting or refreshing; the bench before an input). */
  mounting(): void {
    this.start = performance.now();
    this.pending = undefined;
    this.renders = [];
    this.hostSteps = [];
  }

  renderStart(): void {
    this.pending ??= performance.now();
  }

  committed(): void {
    if (this.pending !== undefined) {
      this.renders.push({ start: this.pending, end: performance.now() });
      this.pending = undefined;
    }
  }

  hostStep(step: string, ms: number): void {
    this.hostSteps.push({ step, ms });
  }

  /**
   * Waits until `done()` holds (checked after every DOM change under #root and every frame), then for the
   * next paint, and reports the change since the last `mounting()`.
   */
  async measure(done: () => boolean, timeoutMs = 60_000): Promise<Measured> {
    const root = document.getElementById('root')!;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        observer.disconnect();
        reject(new Error(`the change did not show within ${timeoutMs} ms`));
      }, timeoutMs);
      const check = () => {
        if (done()) {
          clearTimeout(timer);
          observer.disconnect();
          resolve();
          return true;
        }
        return false;
      };
      const observer = new MutationObserver(() => check());
      observer.observe(root, { subtree: true, childList: true, characterData: true, attributes: true });
      const poll = () => {
        if (!check()) {
          requestAnimationFrame(poll);
        }
      };
      poll();
    });
    const painted = await nextPaint();
    const host: Record<string, number> = {};
    for (const s of this.hostSteps) {
      host[s.step] = (host[s.step] ?? 0) + s.ms;
    }
    return {
      toPaint: painted - this.start,
      panelToPaint: this.renders.length > 0 ? painted - this.renders[0].start : undefined,
      panelRender: this.renders.reduce((sum, r) => sum + (r.end - r.start), 0),
      host,
      longTasks: this.longTasks.filter((t) => t.start >= this.start && t.start <= painted).map((t) => t.end - t.start),
    };
  }

  /** Whether the panel committed a render since the last `mounting()`. */
  hasCommitted(): boolean {
    return this.renders.length > 0;
  }

  /** Time between consecutive frames for `ms`, the page doing nothing. */
  idleFrames(ms: number): Promise<number[]> {
    const frames: number[] = [];
    let last: number | undefined;
    let from: number | undefined;
    return new Promise((resolve) => {
      const step = (ts: number) => {
        from ??= ts;
        if (last !== undefined) {
          frames.push(ts - last);
        }
        last = ts;
        if (ts - from >= ms) {
          resolve(frames);
        } else {
          requestAnimationFrame(step);
        }
      };
      requestAnimationFrame(step);
    });
  }

  /**
   * Scrolls `el` by `px` every frame for `ms` (down, and back up from the bottom), and returns the time
   * between consecutive frames (requestAnimationFrame timestamps) and the long tasks meanwhile.
   */
  scroll(el: HTMLElement, px: number, ms: number): Promise<{ frames: number[]; longTasks: number[] }> {
    const from = performance.now();
    const frames: number[] = [];
    let last: number | undefined;
    let dir = 1;
    return new Promise((resolve) => {
      const step = (ts: number) => {
        if (last !== undefined) {
          frames.push(ts - last);
        }
        last = ts;
        if (ts - from >= ms) {
          const longTasks = this.longTasks.filter((t) => t.start >= from).map((t) => t.end - t.start);
          resolve({ frames, longTasks });
          return;
        }
        const max = el.scrollHeight - el.clientHeight;
        if ((dir > 0 && el.scrollTop + px > max) || (dir < 0 && el.scrollTop - px < 0)) {
          dir = -dir;
        }
        el.scrollTop += dir * px;
        requestAnimationFrame(step);
      };
      requestAnimationFrame(step);
    });
  }
}

export const probe = new Probe();
