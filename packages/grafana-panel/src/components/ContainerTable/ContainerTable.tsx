import React, { memo, useMemo, useRef } from 'react';
import type { DecimalCount, LinkModel, ThresholdsConfig } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import { cx } from '@emotion/css';

import type { ContainerView, HostGroup } from '../../data/types';
import type { SortKey, ViewMode } from '../../types';
import { TEST_IDS } from '../testIds';
import { visibleColumns, type CellContext, type Column, type ColumnSwitches } from './columns';
import { getStyles, ROW_HEIGHT } from './ContainerTable.styles';
import { layoutColumns } from './layout';
import { flatRows, groupedRows, type TableRow } from './rows';
import { useRowWindow } from './useRowWindow';

export interface ContainerTableProps {
  /** Filtered and sorted; drawn in this order. */
  containers: ContainerView[];
  /** The same containers grouped by host and pod (the grouped view only). */
  groups?: HostGroup[];
  viewMode: ViewMode;
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
  const { containers, groups, viewMode, compact, columns: switches, sortBy, sortDesc, onSort, height, width } = props;
  const styles = useStyles2(getStyles);
  const scroller = useRef<HTMLDivElement>(null);

  const grouped = viewMode === 'grouped' && groups !== undefined;
  const rows = useMemo(() => (grouped ? groupedRows(groups!) : flatRows(containers)), [grouped, groups, containers]);
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
      grouped,
      thresholds,
      decimals,
      styles,
      getLinks,
      widths: Object.fromEntries(layout.columns.map((c, i) => [c.id, layout.widths[i]])),
    }),
    [compact, grouped, thresholds, decimals, styles, getLinks, layout]
  );

  return (
    <div className={styles.scroller} ref={scroller} onScroll={win.onScroll} data-testid={TEST_IDS.table.scroller}>
      <table
        className={styles.table}
        // below every kept column's minimum width the table scrolls sideways rather than squeezing them
        style={{ minWidth: layout.minWidth }}
        data-testid={TEST_IDS.table.root}
        // virtualised: tell assistive technology how many rows exist, not only those in the DOM
        aria-rowcount={rows.length + 1}
      >
        <colgroup>
          {columns.map((c, i) => (
            <col key={c.id} style={{ width: layout.widths[i] }} />
          ))}
        </colgroup>
        <thead>
          <tr aria-rowindex={1}>
            {columns.map((c) => (
              <HeaderCell key={c.id} column={c} sortBy={sortBy} sortDesc={sortDesc} onSort={onSort} styles={styles} />
            ))}
          </tr>
        </thead>
        <tbody>
          {win.padTop > 0 && <Spacer height={win.padTop} span={columns.length} className={styles.spacer} />}
          {rows.slice(win.start, win.end).map((row, i) => (
            <Row
              key={row.key}
              row={row}
              index={win.start + i + 2}
              height={rowHeight[row.kind]}
              columns={columns}
              ctx={ctx}
            />
          ))}
          {win.padBottom > 0 && <Spacer height={win.padBottom} span={columns.length} className={styles.spacer} />}
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

function HeaderCell({
  column,
  sortBy,
  sortDesc,
  onSort,
  styles,
}: {
  column: Column;
  sortBy: SortKey;
  sortDesc: boolean;
  onSort: (key: SortKey) => void;
  styles: ReturnType<typeof getStyles>;
}) {
  const active = sortBy === column.sort || sortBy === column.secondary?.sort;
  const arrow = (key: SortKey) => (sortBy === key ? (sortDesc ? '↓' : '↑') : '');
  return (
    <th scope="col" className={styles.th} aria-sort={active ? (sortDesc ? 'descending' : 'ascending') : undefined}>
      {/* a native <button>: focusable, and Enter/Space activate it in every browser */}
      <button
        type="button"
        className={styles.sortButton}
        onClick={() => onSort(column.sort)}
        data-testid={TEST_IDS.table.sortButton(column.sort)}
      >
        {column.header}
        <span className={styles.sortArrow} aria-hidden>
          {arrow(column.sort)}
        </span>
      </button>
      {column.secondary && (
        <button
          type="button"
          className={cx(styles.sortButton, styles.sortButtonSecondary)}
          onClick={() => onSort(column.secondary!.sort)}
          aria-label={column.secondary.ariaLabel}
          data-testid={TEST_IDS.table.sortButton(column.secondary.sort)}
        >
          {column.secondary.label}
          <span className={styles.sortArrow} aria-hidden>
            {arrow(column.secondary.sort)}
          </span>
        </button>
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
  index,
  height,
  columns,
  ctx,
}: {
  row: TableRow;
  index: number;
  height: number;
  columns: Column[];
  ctx: CellContext;
}) {
  const { styles } = ctx;
  if (row.kind === 'host') {
    return (
      <tr className={styles.hostRow} style={{ height }} aria-rowindex={index} data-testid={TEST_IDS.table.hostRow}>
        <th scope="row" colSpan={columns.length} className={cx(styles.td, styles.rowHeader)}>
          {row.instance} <span className={styles.count}>{countText(row.containers)}</span>
        </th>
      </tr>
    );
  }
  if (row.kind === 'pod') {
    return (
      <tr className={styles.podRow} style={{ height }} aria-rowindex={index} data-testid={TEST_IDS.table.podRow}>
        <th scope="row" colSpan={columns.length} className={cx(styles.td, styles.rowHeader, styles.podIndent)}>
          {row.namespace ? `${row.namespace}/${row.pod}` : row.pod}{' '}
          <span className={styles.count}>{countText(row.containers)}</span>
        </th>
      </tr>
    );
  }
  const c = row.container;
  return (
    <tr
      className={styles.containerRow}
      style={{ height }}
      aria-rowindex={index}
      data-testid={TEST_IDS.table.containerRow}
      data-key={c.key}
    >
      {columns.map((col, i) =>
        i === 0 ? (
          <th
            key={col.id}
            scope="row"
            className={cx(styles.td, styles.rowHeader, ctx.grouped && styles.containerIndent)}
          >
            {col.render(c, ctx)}
          </th>
        ) : (
          <td key={col.id} className={styles.td}>
            {col.render(c, ctx)}
          </td>
        )
      )}
    </tr>
  );
});

const countText = (n: number) => `${n} ${n === 1 ? 'container' : 'containers'}`;
