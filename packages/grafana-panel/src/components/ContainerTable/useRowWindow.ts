import { useCallback, useEffect, useMemo, useState, type RefObject, type UIEvent } from 'react';

/** Rows drawn beyond the viewport on each side, so a fast scroll does not flash empty space. */
const OVERSCAN = 8;

export interface RowWindow {
  start: number;
  end: number;
  /** Heights of the spacer rows standing in for the rows not drawn. */
  padTop: number;
  padBottom: number;
  /** offsets[i]: the top of row i; offsets[n]: the total height. */
  offsets: number[];
  onScroll: (e: UIEvent<HTMLElement>) => void;
}

/**
 * Windowing for a real <table>: only the rows in view are rendered, the rest are replaced by two spacer
 * rows of the same total height. Hand-made (≈60 lines) rather than react-window, whose absolutely
 * positioned <div> rows cannot be table rows and would cost the table its semantics; row heights are
 * fixed per kind, so offsets are a prefix sum and the first visible row a binary search.
 *
 * `fallbackHeight` is the viewport until the scroller has been measured (and under jsdom, which has no
 * layout).
 */
export function useRowWindow(
  heights: number[],
  scroller: RefObject<HTMLElement | null>,
  fallbackHeight: number
): RowWindow {
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(0);
  // The first render draws the rows in view only: the overscan is for scrolling, which cannot have begun
  // before they are on screen, so it follows once that frame is painted (the next frame's task) rather
  // than delaying it (at 2,000 containers, 8 of the first paint's ~26 rows).
  const [overscan, setOverscan] = useState(0);
  useEffect(() => {
    const later = () => setOverscan(OVERSCAN);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame =
      typeof requestAnimationFrame === 'undefined'
        ? undefined
        : requestAnimationFrame(() => {
            timer = setTimeout(later, 0);
          });
    if (frame === undefined) {
      timer = setTimeout(later, 0);
    }
    return () => {
      if (frame !== undefined) {
        cancelAnimationFrame(frame);
      }
      clearTimeout(timer);
    };
  }, []);

  useEffect(() => {
    const el = scroller.current;
    if (!el || typeof ResizeObserver === 'undefined') {
      return;
    }
    // observe() reports the initial size too, so no synchronous read is needed here
    const ro = new ResizeObserver(() => setViewport(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, [scroller]);

  // offsets[i] = top of row i; offsets[n] = total height
  const offsets = useMemo(() => {
    const o = new Array<number>(heights.length + 1);
    o[0] = 0;
    for (let i = 0; i < heights.length; i++) {
      o[i + 1] = o[i] + heights[i];
    }
    return o;
  }, [heights]);

  const n = heights.length;
  const height = viewport > 0 ? viewport : fallbackHeight;
  const first = findRow(offsets, scrollTop);
  const last = findRow(offsets, scrollTop + height);

  // Re-render only when the rows in view change, not on every scrolled pixel: returning the previous
  // state makes React skip the update.
  const onScroll = useCallback(
    (e: UIEvent<HTMLElement>) => {
      const top = e.currentTarget.scrollTop;
      setScrollTop((prev) =>
        findRow(offsets, prev) === findRow(offsets, top) &&
        findRow(offsets, prev + height) === findRow(offsets, top + height)
          ? prev
          : top
      );
    },
    [offsets, height]
  );

  const start = Math.max(0, first - overscan);
  const end = Math.min(n, last + 1 + overscan);
  return { start, end, padTop: offsets[start], padBottom: offsets[n] - offsets[end], offsets, onScroll };
}

/** Index of the row containing y (the last row whose top is ≤ y). */
function findRow(offsets: number[], y: number): number {
  let lo = 0;
  let hi = offsets.length - 2;
  if (hi < 0) {
    return 0;
  }
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offsets[mid] <= y) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return lo;
}

/** One piece of the table body: a row by index, or a spacer of some height standing in for rows not drawn. */
export type BodySlice = { kind: 'row'; index: number } | { kind: 'spacer'; key: string; height: number };

/**
 * The body as drawn: the window's rows between two spacers, and `keep` (the row holding the grid's focus)
 * drawn too when it is outside the window, between spacers of its own: a focused row scrolled away stays
 * in the DOM, so the focus stays on it instead of falling to the page.
 */
export function bodySlices(win: Pick<RowWindow, 'start' | 'end' | 'offsets'>, keep?: number): BodySlice[] {
  const { start, end, offsets } = win;
  const n = offsets.length - 1;
  const out: BodySlice[] = [];
  const spacer = (key: string, from: number, to: number) => {
    const height = offsets[to] - offsets[from];
    if (height > 0) {
      out.push({ kind: 'spacer', key, height });
    }
  };
  const rowsOf = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      out.push({ kind: 'row', index: i });
    }
  };
  const k = keep !== undefined && keep >= 0 && keep < n && (keep < start || keep >= end) ? keep : undefined;
  if (k !== undefined && k < start) {
    spacer('above-kept', 0, k);
    rowsOf(k, k + 1);
    spacer('top', k + 1, start);
  } else {
    spacer('top', 0, start);
  }
  rowsOf(start, end);
  if (k !== undefined && k >= end) {
    spacer('bottom', end, k);
    rowsOf(k, k + 1);
    spacer('below-kept', k + 1, n);
  } else {
    spacer('bottom', end, n);
  }
  return out;
}
