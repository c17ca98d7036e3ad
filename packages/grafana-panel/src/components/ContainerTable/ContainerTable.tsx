import React, { memo, useCallback, useLayoutEffect, useMemo, useRef } from 'react';
import type { DecimalCount, LinkModel, ThresholdsConfig } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import { cx } from '@emotion/css';

import type { GroupOrder } from '../../data/group';
import type { ContainerView } from '../../data/types';
import type { GroupBy, SortKey } from '../../types';
import { TEST_IDS } from '../testIds';
import { visibleColumns, type CellContext, type Column, type ColumnSwitches } from './columns';
import { getStyles, ROW_HEIGHT } from './ContainerTable.styles';
import { layoutColumns } from './layout';
import { tableRows, type TableRow } from './rows';
import { gridAttrs, useGridFocus, type GridFocus } from './useGridFocus';
import { bodySlices, useRowWindow } from './useRowWindow';
import { CellTooltip } from '../CellTooltip/CellTooltip';

export interface ContainerTableProps {
  /** Filtered and sorted; drawn in this order within their groups. */
  containers: ContainerView[];
  /** Header rows by host (and pod), by pod, or none. */
  groupBy: GroupBy;
  /** Groups by name, or where their top member is in `containers` (the sort across groups). */
  groupOrder: GroupOrder;
  compact: boolean;
  columns: ColumnSwitches;
  sortBy: SortKey;
  sortDesc: boolean;
  onSort: (key: SortKey) => void;
  thresholds?: ThresholdsConfig;
  decimals?: DecimalCount;
  getLinks?: (c: ContainerView) => LinkModel[];
  /** Height to window for until the scroller is measured. */
  height: number;
  /** The panel's width: columns are sized to it, and dropped when it is too narrow (layout.ts). */
  width: number;
  /** Said when there are no rows (e.g. nothing matches the filter). */
  emptyText?: string;
}

export const ContainerTable = memo(function ContainerTable(props: ContainerTableProps) {
  const {
    containers,
    groupBy,
    groupOrder,
    compact,
    columns: switches,
    sortBy,
    sortDesc,
    onSort,
    height,
    width,
  } = props;
  const styles = useStyles2(getStyles);
  const scroller = useRef<HTMLDivElement>(null);

  const rows = useMemo(() => tableRows(containers, groupBy, groupOrder), [containers, groupBy, groupOrder]);
  const rowHeight = compact ? ROW_HEIGHT.compact : ROW_HEIGHT.normal;
  const heights = useMemo(() => rows.map((r) => rowHeight[r.kind]), [rows, rowHeight]);
  const win = useRowWindow(heights, scroller, height);

  const layout = useMemo(() => layoutColumns(visibleColumns(switches), width, compact), [switches, width, compact]);
  const { columns } = layout;
  const { thresholds, decimals, getLinks } = props;
  // one object per change, so the memoised rows skip re-rendering while scrolling
  const ctx: CellContext = useMemo(
    () => ({
      compact,
      thresholds,
      decimals,
      styles,
      getLinks,
      widths: Object.fromEntries(layout.columns.map((c, i) => [c.id, layout.widths[i]])),
    }),
    [compact, thresholds, decimals, styles, getLinks, layout]
  );

  const hasSecondary = useCallback((col: number) => columns[col]?.secondary !== undefined, [columns]);
  const tableRef = useRef<HTMLTableElement>(null);
  const grid = useGridFocus(rows, columns.length, hasSecondary, tableRef);
  const slices = bodySlices(win, grid.active.row >= 0 ? grid.active.row : undefined);

  return (
    <div className={styles.scroller} ref={scroller} onScroll={win.onScroll} data-testid={TEST_IDS.table.scroller}>
      <table
        ref={tableRef}
        className={styles.table}
        // below every kept column's minimum width the table scrolls sideways rather than squeezing them
        style={{ minWidth: layout.minWidth }}
        data-testid={TEST_IDS.table.root}
        // the WAI-ARIA grid: one tab stop, arrow keys inside (useGridFocus.ts)
        role="grid"
        aria-label="Containers"
        // virtualised: tell assistive technology how many rows exist, not only those in the DOM
        aria-rowcount={rows.length + 1}
        aria-colcount={columns.length}
        onKeyDown={grid.onKeyDown}
        onFocus={grid.onFocus}
      >
        <colgroup>
          {columns.map((c, i) => (
            <col key={c.id} style={{ width: layout.widths[i] }} />
          ))}
        </colgroup>
        <TableHead
          columns={columns}
          sortBy={sortBy}
          sortDesc={sortDesc}
          onSort={onSort}
          styles={styles}
          tabIndexOf={grid.tabIndexOf}
        />
        <tbody>
          {slices.map((slice) =>
            slice.kind === 'spacer' ? (
              <Spacer key={slice.key} height={slice.height} span={columns.length} className={styles.spacer} />
            ) : (
              <Row
                key={rows[slice.index].key}
                row={rows[slice.index]}
                rowIndex={slice.index}
                height={rowHeight[rows[slice.index].kind]}
                columns={columns}
                ctx={ctx}
                activeCol={grid.active.row === slice.index ? grid.active.col : undefined}
              />
            )
          )}
          {rows.length === 0 && (
            <tr>
              <td colSpan={columns.length} className={styles.empty} data-testid={TEST_IDS.table.empty}>
                {props.emptyText ?? 'No containers.'}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
});

interface HeadProps {
  columns: Column[];
  sortBy: SortKey;
  sortDesc: boolean;
  onSort: (key: SortKey) => void;
  styles: ReturnType<typeof getStyles>;
  tabIndexOf: GridFocus['tabIndexOf'];
}

/** The header row: memoised, so scrolling (which re-renders the body's window) does not redraw it. */
const TableHead = memo(function TableHead({ columns, ...rest }: HeadProps) {
  return (
    <thead>
      <tr aria-rowindex={1}>
        {columns.map((c, i) => (
          <HeaderCell key={c.id} column={c} col={i} {...rest} />
        ))}
      </tr>
    </thead>
  );
});

function HeaderCell({
  column,
  col,
  sortBy,
  sortDesc,
  onSort,
  styles,
  tabIndexOf,
}: Omit<HeadProps, 'columns'> & { column: Column; col: number }) {
  const active = sortBy === column.sort || sortBy === column.secondary?.sort;
  const arrow = (key: SortKey) => (sortBy === key ? (sortDesc ? '↓' : '↑') : '');
  const primary = (
    // a native <button>: Enter and Space sort in every browser; its name is its visible text
    <button
      type="button"
      className={styles.sortButton}
      onClick={() => onSort(column.sort)}
      tabIndex={tabIndexOf(-1, col, 0)}
      {...gridAttrs(-1, col, 0)}
      data-testid={TEST_IDS.table.sortButton(column.sort)}
    >
      {column.header}
      <span className={styles.sortArrow} aria-hidden>
        {arrow(column.sort)}
      </span>
    </button>
  );
  return (
    <th scope="col" className={styles.th} aria-sort={active ? (sortDesc ? 'descending' : 'ascending') : undefined}>
      {column.headerTooltip ? (
        <CellTooltip content={column.headerTooltip} placement="top" tabIndex={tabIndexOf(-1, col, 0)}>
          {primary}
        </CellTooltip>
      ) : (
        primary
      )}
      {column.secondary && (
        <CellTooltip content={column.secondary.tooltip} placement="top" tabIndex={tabIndexOf(-1, col, 1)}>
          <button
            type="button"
            className={cx(styles.sortButton, styles.sortButtonSecondary)}
            onClick={() => onSort(column.secondary!.sort)}
            {...gridAttrs(-1, col, 1)}
            data-testid={TEST_IDS.table.sortButton(column.secondary.sort)}
          >
            {column.secondary.label}
            <span className={styles.sortArrow} aria-hidden>
              {arrow(column.secondary.sort)}
            </span>
          </button>
        </CellTooltip>
      )}
    </th>
  );
}

function Spacer({ height, span, className }: { height: number; span: number; className: string }) {
  return (
    <tr aria-hidden style={{ height }}>
      <td colSpan={span} className={className} />
    </tr>
  );
}

const Row = memo(function Row({
  row,
  rowIndex,
  height,
  columns,
  ctx,
  activeCol,
}: {
  row: TableRow;
  /** Index in the body's rows; aria-rowindex is this + 2 (the header is 1). */
  rowIndex: number;
  height: number;
  columns: Column[];
  ctx: CellContext;
  /** The grid's active column when this row holds its tab stop, else undefined. */
  activeCol?: number;
}) {
  const { styles } = ctx;
  const tr = useRef<HTMLTableRowElement>(null);
  // Controls inside cells (a data link, Grafana's link menu) would each be a tab stop: the grid's one stop
  // reaches them instead (Enter, useGridFocus). Grafana renders them, so their tab index is set here, per
  // row as it renders (a scroll mounts a few rows; the rest are not searched again).
  useLayoutEffect(() => {
    tr.current
      ?.querySelectorAll<HTMLElement>('a[href]:not([tabindex="-1"]), [tabindex="0"]:not([data-grid-row])')
      .forEach((el) => el.setAttribute('tabindex', '-1'));
  });
  // The grid's stops carry gridAttrs' attributes, written out below: the plugin is compiled for ES2015,
  // where a spread is a helper call per cell.
  const tabIndex = (col: number) =>
    activeCol === col || (activeCol !== undefined && row.kind !== 'container' && col === 0) ? 0 : -1;
  if (row.kind !== 'container') {
    // A host's or a pod's header row: one cell across the table, the grid's stop at column 0.
    const pod = row.kind === 'pod';
    return (
      <tr
        ref={tr}
        className={pod ? styles.podRow : styles.hostRow}
        style={{ height }}
        aria-rowindex={rowIndex + 2}
        data-testid={pod ? TEST_IDS.table.podRow : TEST_IDS.table.hostRow}
      >
        <th
          scope="row"
          colSpan={columns.length}
          className={cx(styles.td, styles.rowHeader, pod && row.depth > 0 && styles.podIndent)}
          tabIndex={tabIndex(0)}
          data-grid-row={rowIndex}
          data-grid-col={0}
          data-grid-sub={0}
        >
          {pod ? (
            <>
              {row.namespace ? `${row.namespace}/${row.pod}` : row.pod}{' '}
              <span className={styles.count}>
                {countText(row.containers)}
                {row.showHost ? ` · ${row.instance}` : ''}
              </span>
            </>
          ) : (
            <>
              {row.instance} <span className={styles.count}>{countText(row.containers)}</span>
            </>
          )}
        </th>
      </tr>
    );
  }
  const c = row.container;
  return (
    <tr
      ref={tr}
      className={styles.containerRow}
      style={{ height }}
      aria-rowindex={rowIndex + 2}
      data-testid={TEST_IDS.table.containerRow}
      data-key={c.key}
    >
      {columns.map((col, i) =>
        i === 0 ? (
          <th
            key={col.id}
            scope="row"
            className={cx(styles.td, styles.rowHeader, INDENT[row.place.depth] && styles[INDENT[row.place.depth]!])}
            tabIndex={tabIndex(i)}
            data-grid-row={rowIndex}
            data-grid-col={i}
            data-grid-sub={0}
          >
            {col.render(c, ctx, row.place)}
          </th>
        ) : (
          <td
            key={col.id}
            className={styles.td}
            tabIndex={tabIndex(i)}
            data-grid-row={rowIndex}
            data-grid-col={i}
            data-grid-sub={0}
          >
            {col.render(c, ctx, row.place)}
          </td>
        )
      )}
    </tr>
  );
});

/** A container row's indent under the header rows above it. */
const INDENT = [undefined, 'indent1', 'indent2'] as const;

const countText = (n: number) => `${n} ${n === 1 ? 'container' : 'containers'}`;
