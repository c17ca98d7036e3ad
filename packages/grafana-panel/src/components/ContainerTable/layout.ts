import type { Column } from './columns';

/** A cell's horizontal padding, both sides (ContainerTable.styles.ts: td and th). */
export const CELL_PADDING = 12;

/**
 * px the name column may give up below its minimum to a vertical scrollbar, so the table does not scroll
 * sideways as soon as its rows overflow.
 */
export const SCROLLBAR_ALLOWANCE = 12;

export interface TableLayout {
  /** The columns drawn, in order. */
  columns: Column[];
  /** px per drawn column; the first (the name) is undefined: it takes what the others leave. */
  widths: Array<number | undefined>;
  /** Columns the options switch on that the panel is too narrow for, in display order. */
  hidden: Column[];
  /** The table's minimum width (the columns' minimums, less SCROLLBAR_ALLOWANCE): narrower panels scroll sideways. */
  minWidth: number;
}

/**
 * Fits the columns to the panel's width, instead of letting the table run off its right edge:
 *
 * Column widths are their content's (columns.tsx) plus CELL_PADDING.
 *
 * 1. While the columns' minimum widths do not fit, drop the columns of the lowest drop level (pressure,
 *    network and disk together, tasks, memory, CPU, security: columns.tsx); the name and the isolation
 *    strip are never dropped, and below their minimum the table scrolls sideways. The panel names what was
 *    dropped above the table (IsolationPanel: "+n columns hidden").
 * 2. Every column gets its minimum, plus the same share t of the way to its ideal width, t = what the panel
 *    has beyond the minimums / what the ideals want beyond them (0..1), so columns grow in proportion.
 * 3. Past every ideal, the name column takes the rest.
 *
 * The breakpoints follow from the minimum widths (columns.tsx); README.md lists them and
 * layout.test.ts checks the list.
 */
export function layoutColumns(all: Column[], panelWidth: number, compact: boolean): TableLayout {
  const available = panelWidth;
  let columns = all;
  const hidden: Column[] = [];
  while (sumOf(columns, compact, 'min') > available) {
    const levels = columns.map((c) => c.dropLevel).filter((l): l is number => l !== undefined);
    if (levels.length === 0) {
      break;
    }
    const level = Math.min(...levels);
    hidden.push(...columns.filter((c) => c.dropLevel === level));
    columns = columns.filter((c) => c.dropLevel !== level);
  }

  const min = sumOf(columns, compact, 'min');
  const ideal = sumOf(columns, compact, 'ideal');
  const t = ideal > min ? clamp((available - min) / (ideal - min), 0, 1) : 1;
  const widths = columns.map((c, i) => {
    if (i === 0) {
      return undefined;
    }
    const w = cellWidth(c, compact);
    return Math.floor(w.min + t * (w.ideal - w.min));
  });
  const order = (c: Column) => all.indexOf(c);
  hidden.sort((a, b) => order(a) - order(b));
  return { columns, widths, hidden, minWidth: min - SCROLLBAR_ALLOWANCE };
}

/**
 * The narrowest panel that shows every one of `columns` without scrolling sideways: the breakpoints below
 * which the drop levels go, or (nothing droppable left) the table starts to scroll.
 */
export function fitsFrom(columns: Column[], compact: boolean): number {
  return sumOf(columns, compact, 'min');
}

/** A column's min and ideal width with its cell's padding. */
export function cellWidth(c: Column, compact: boolean): { min: number; ideal: number } {
  const w = c.width(compact);
  return { min: w.min + CELL_PADDING, ideal: w.ideal + CELL_PADDING };
}

function sumOf(columns: Column[], compact: boolean, key: 'min' | 'ideal'): number {
  return columns.reduce((sum, c) => sum + cellWidth(c, compact)[key], 0);
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
