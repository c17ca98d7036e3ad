import {
  useCallback,
  useLayoutEffect,
  useRef,
  useState,
  type FocusEvent,
  type KeyboardEvent,
  type RefObject,
} from 'react';

import type { TableRow } from './rows';

/**
 * Where the grid's one tab stop is: `row` -1 is the header, else an index into the body's rows; `col` a
 * column index; `sub` 1 for a header's second sort button (CPU's "throttled").
 */
export interface GridPosition {
  row: number;
  col: number;
  sub: 0 | 1;
}

export interface GridFocus {
  active: GridPosition;
  /** tabIndex for the stop at row/col/sub: 0 for the active one, -1 for the rest (WAI-ARIA roving tabindex). */
  tabIndexOf: (row: number, col: number, sub?: 0 | 1) => 0 | -1;
  onKeyDown: (e: KeyboardEvent<HTMLElement>) => void;
  onFocus: (e: FocusEvent<HTMLElement>) => void;
}

/** Rows a PageUp/PageDown moves. */
export const PAGE_ROWS = 10;

/** The attributes each stop carries, so a focus or a move can find it in the DOM. */
export const gridAttrs = (row: number, col: number, sub: 0 | 1 = 0) => ({
  'data-grid-row': row,
  'data-grid-col': col,
  'data-grid-sub': sub,
});

const selectorOf = (p: GridPosition) =>
  `[data-grid-row="${p.row}"][data-grid-col="${p.col}"][data-grid-sub="${p.sub}"]`;

/**
 * The WAI-ARIA grid pattern for the container table: one tab stop (Tab goes into the table and, next,
 * past it), arrow keys between cells and rows, Home/End along a row, Ctrl+Home/End to the header's first and
 * the last row's last cell, PageUp/PageDown by ten rows; Enter and Space on a header sort (the stop is the header's native
 * button), Enter in a cell follows its data link.
 *
 * The active position is state, not the DOM's focus: the table keeps the active row rendered even when
 * it is scrolled out of the window (ContainerTable: useRowWindow's `keep`), so focus never falls to the
 * page, and a move scrolls the new stop into view.
 */
export function useGridFocus(
  rows: TableRow[],
  columnCount: number,
  hasSecondary: (col: number) => boolean,
  root: RefObject<HTMLElement | null>
): GridFocus {
  const [stored, setActive] = useState<GridPosition>({ row: -1, col: 0, sub: 0 });
  // a move by key focuses its target once rendered; a focus that came from a click or Tab does not
  const moved = useRef(false);

  // rows and columns change under the position (a filter, a narrower panel): keep it inside them
  const active = clampPosition(stored, rows.length, columnCount, hasSecondary);

  useLayoutEffect(() => {
    if (!moved.current) {
      return;
    }
    moved.current = false;
    const el = root.current?.querySelector<HTMLElement>(selectorOf(effective(active, rows)));
    if (el) {
      el.focus({ preventScroll: true });
      // `nearest`: no jump when it is in view; the cells' scroll-margin keeps it clear of the sticky header
      el.scrollIntoView?.({ block: 'nearest', inline: 'nearest' });
    }
  });

  const tabIndexOf = useCallback(
    (row: number, col: number, sub: 0 | 1 = 0): 0 | -1 => {
      const e = effective(active, rows);
      return e.row === row && e.col === col && e.sub === sub ? 0 : -1;
    },
    [active, rows]
  );

  const onFocus = useCallback(
    (e: FocusEvent<HTMLElement>) => {
      const stop = (e.target as HTMLElement).closest<HTMLElement>('[data-grid-row]');
      if (!stop) {
        return;
      }
      const row = Number(stop.dataset.gridRow);
      const col = Number(stop.dataset.gridCol);
      const sub = stop.dataset.gridSub === '1' ? 1 : 0;
      const e2 = effective(active, rows);
      if (e2.row !== row || e2.col !== col || e2.sub !== sub) {
        // a group header's one cell keeps the column the user was in
        setActive({ row, col: isGroupRow(rows, row) ? active.col : col, sub });
      }
    },
    [active, rows]
  );

  const onKeyDown = useCallback(
    (e: KeyboardEvent<HTMLElement>) => {
      if (e.altKey || e.metaKey) {
        return;
      }
      const next = nextPosition(active, e.key, e.ctrlKey, rows, columnCount, hasSecondary);
      if (next) {
        e.preventDefault();
        moved.current = true;
        setActive(next);
        return;
      }
      if (e.key === 'Enter' && active.row >= 0) {
        // a cell's own control (the data-link menu, a single link) is no tab stop: Enter reaches it
        const cell = root.current?.querySelector<HTMLElement>(selectorOf(effective(active, rows)));
        const control = cell?.querySelector<HTMLElement>('a[href], [role="button"], button');
        if (control) {
          e.preventDefault();
          control.click();
        }
      }
    },
    [active, rows, columnCount, hasSecondary, root]
  );

  return { active, tabIndexOf, onKeyDown, onFocus };
}

const isGroupRow = (rows: TableRow[], row: number) =>
  row >= 0 && rows[row] !== undefined && rows[row].kind !== 'container';

/** The stop actually focused: a host or pod row has one cell, whatever column the user was in. */
function effective(p: GridPosition, rows: TableRow[]): GridPosition {
  return isGroupRow(rows, p.row) ? { row: p.row, col: 0, sub: 0 } : p;
}

export function clampPosition(
  p: GridPosition,
  rowCount: number,
  columnCount: number,
  hasSecondary: (col: number) => boolean
): GridPosition {
  const row = Math.min(p.row, rowCount - 1);
  const col = Math.max(0, Math.min(p.col, columnCount - 1));
  const sub = row === -1 && p.sub === 1 && hasSecondary(col) ? 1 : 0;
  return row === p.row && col === p.col && sub === p.sub ? p : { row, col, sub };
}

/** The position a key moves to, or undefined when the key is not the grid's. */
export function nextPosition(
  p: GridPosition,
  key: string,
  ctrl: boolean,
  rows: TableRow[],
  columnCount: number,
  hasSecondary: (col: number) => boolean
): GridPosition | undefined {
  const last = rows.length - 1;
  const lastCol = columnCount - 1;
  const inHeader = p.row === -1;
  const single = isGroupRow(rows, p.row);
  const toRow = (row: number): GridPosition => ({ row: Math.max(-1, Math.min(last, row)), col: p.col, sub: 0 });
  switch (key) {
    case 'ArrowDown':
      return toRow(p.row + 1);
    case 'ArrowUp':
      return toRow(p.row - 1);
    case 'PageDown':
      return toRow(p.row + PAGE_ROWS);
    case 'PageUp':
      // from the body, a page up stops at the first row; the header is one more ArrowUp
      return toRow(p.row <= 0 ? -1 : Math.max(0, p.row - PAGE_ROWS));
    case 'ArrowRight':
      if (single) {
        return p;
      }
      if (inHeader && p.sub === 0 && hasSecondary(p.col)) {
        return { ...p, sub: 1 };
      }
      return { row: p.row, col: Math.min(lastCol, p.col + 1), sub: p.col < lastCol ? 0 : p.sub };
    case 'ArrowLeft':
      if (single) {
        return p;
      }
      if (inHeader && p.sub === 1) {
        return { ...p, sub: 0 };
      }
      if (p.col === 0) {
        return p;
      }
      return { row: p.row, col: p.col - 1, sub: inHeader && hasSecondary(p.col - 1) ? 1 : 0 };
    case 'Home':
      return ctrl ? { row: -1, col: 0, sub: 0 } : { row: p.row, col: 0, sub: 0 };
    case 'End':
      return ctrl
        ? { row: last, col: lastCol, sub: 0 }
        : { row: p.row, col: lastCol, sub: inHeader && hasSecondary(lastCol) ? 1 : 0 };
    default:
      return undefined;
  }
}
