import React, { type ReactNode } from 'react';
import type { DecimalCount, LinkModel, ThresholdsConfig } from '@grafana/data';
import { DataLinksContextMenu } from '@grafana/ui';

import { isThrottled } from '../../data/summary';
import type { ContainerView } from '../../data/types';
import type { SortKey } from '../../types';
import { formatQuantity, isNumber } from '../format';
import { IsolationStrip } from '../IsolationStrip/IsolationStrip';
import { SecurityBadges } from '../SecurityBadges/SecurityBadges';
import { UsageBar } from '../UsageBar/UsageBar';
import { CellTooltip } from '../CellTooltip/CellTooltip';
import { TEST_IDS } from '../testIds';
import type { getStyles } from './ContainerTable.styles';
import { CELL_PADDING } from './layout';
import { roleDisplay, type RoleDisplay } from './roleDisplay';
import type { RowPlace } from './rows';

export interface CellContext {
  compact: boolean;
  /** The panel's defaults, for roles without a field of their own; each role's field config wins (roleDisplay). */
  thresholds?: ThresholdsConfig;
  decimals?: DecimalCount;
  styles: ReturnType<typeof getStyles>;
  /** Data links for a container; undefined when the panel has none configured. */
  getLinks?: (c: ContainerView) => LinkModel[];
  /** px given to each drawn column, by id (layout.ts); the name column's is not known. */
  widths: Readonly<Record<string, number | undefined>>;
}

/** px of content a column reads well at (`min`), and what it gets when the panel has room (`ideal`); without the cell's padding. */
export interface ColumnWidth {
  min: number;
  ideal: number;
}

export interface Column {
  id: string;
  header: string;
  sort: SortKey;
  /**
   * A second sort key offered in the same header (CPU: throttling). Its accessible name is its visible
   * label (WCAG 2.5.3); what it sorts by and what it measures are in the tooltip.
   */
  secondary?: { sort: SortKey; label: string; tooltip: string };
  /** What the column measures, in a tooltip on its header (pressure: what PSI is). */
  headerTooltip?: string;
  /** The first column (the name) takes whatever the others leave past its ideal. */
  width: (compact: boolean) => ColumnWidth;
  /**
   * Columns the panel drops when it is too narrow for every column's minimum: the lowest level first, a
   * level's columns together (pressure, network and disk, tasks, memory, CPU, security). Undefined: never
   * dropped (the name and the isolation strip: what the panel is for).
   */
  dropLevel?: number;
  /** `place`: what the header rows above already say (the name column repeats only what they do not). */
  render: (c: ContainerView, ctx: CellContext, place: RowPlace) => ReactNode;
}

export interface ColumnSwitches {
  security: boolean;
  resources: boolean;
  pressure: boolean;
  networkIo: boolean;
}

/** px from which the security column shows the full badge texts ("root = host root"); below, the short ones. */
export const SECURITY_FULL_TEXT_WIDTH = 226;

const percent = (v: number | undefined, d?: RoleDisplay) =>
  isNumber(v) ? formatQuantity('ratio', v, d?.decimals ?? 0, d?.unit) : '–';

/** What throttling measures, wherever it is shown (the CPU header's "throttled", each row's share). */
export const THROTTLING_MEANING =
  'Throttled: the share of CFS periods (100 ms each by default) in which the container used up its CPU ' +
  'quota and had to wait for the next period. 0 % is never held back; any throttling slows it down.';

/** What pressure measures, on the column's header and in each row's tooltip. */
export const PRESSURE_MEANING =
  'Pressure (PSI): the share of time at least one of the container’s tasks was waiting for CPU, memory or ' +
  'IO, i.e. time lost to contention, not how much of the resource it used.';

/** The tooltip of one row's throttling share. */
export function throttlingText(v: number): string {
  return `Throttled in ${percent(v)} of CFS periods. ${THROTTLING_MEANING}`;
}

/** The tooltip of one row's pressure. */
export function pressureText(p: ContainerView['pressure']): string {
  return `Waiting: CPU ${percent(p.cpu)}, memory ${percent(p.memory)}, IO ${percent(p.io)} of the time. ${PRESSURE_MEANING}`;
}

/** Said beside "no limit" for CPU: there is no quota, and how many CPUs it may use instead. */
export function cpuNoLimitText(cpuset: number | undefined): string {
  return cpuset !== undefined
    ? `No CPU quota: the container may use up to all ${formatQuantity('cores', cpuset)} it may run on (its cpuset), shared with everything else there.`
    : 'No CPU quota: the container may use every core it can run on.';
}

const containerColumn: Column = {
  id: 'container',
  header: 'Container',
  sort: 'name',
  // min: room for a name like "istio-proxy" beside the indent of two header rows; longer ones are cut, their
  // tooltip says them whole
  width: (compact) => (compact ? { min: 96, ideal: 190 } : { min: 96, ideal: 200 }),
  render: (c, { compact, styles, getLinks }, place) => {
    const where = [c.namespace, c.pod].filter(Boolean).join('/');
    // What tells twenty "istio-proxy" rows apart comes first: the pod and the host, unless a header row
    // above says them already; the image last, where a narrow column cuts it.
    const context = [place.podShown ? undefined : where, place.hostShown ? undefined : c.instance]
      .filter(Boolean)
      .join(' · ');
    const title = [c.name, c.image, where, c.instance, c.id].filter(Boolean).join('\n');
    const name = (
      <span className={styles.name} data-testid={TEST_IDS.table.name}>
        {c.name}
      </span>
    );
    const linked = getLinks ? <ContainerLinks container={c} getLinks={getLinks} name={name} /> : name;
    if (compact) {
      // one line: the name, then (muted) where it runs
      return (
        <div className={styles.nameLine} title={title}>
          {linked}
          {context && (
            <span className={styles.muted} data-testid={TEST_IDS.table.place}>
              {context}
            </span>
          )}
        </div>
      );
    }
    const second = [context, c.image].filter(Boolean).join(' · ');
    return (
      <div className={styles.stack} title={title}>
        {linked}
        {second && (
          <span className={styles.muted} data-testid={TEST_IDS.table.place}>
            {second}
          </span>
        )}
      </div>
    );
  },
};

/** Grafana's own data-link menu: one link becomes an <a>, several a keyboard-operable menu. */
function ContainerLinks({
  container,
  getLinks,
  name,
}: {
  container: ContainerView;
  getLinks: (c: ContainerView) => LinkModel[];
  name: ReactNode;
}) {
  return (
    <DataLinksContextMenu links={() => getLinks(container)}>
      {(api) =>
        api.triggerProps ? (
          <span {...api.triggerProps} className={api.targetClassName} aria-label={`Links for ${container.name}`}>
            {name}
          </span>
        ) : (
          <>{name}</>
        )
      }
    </DataLinksContextMenu>
  );
}

const isolationColumn: Column = {
  id: 'isolation',
  header: 'Isolation',
  sort: 'isolation',
  // eight cells and seven 2px gaps: 18px cells in compact rows; 30px cells that may narrow to 22px
  // (IsolationStrip.styles.ts)
  width: (compact) => (compact ? { min: 8 * 18 + 14, ideal: 8 * 18 + 14 } : { min: 8 * 22 + 14, ideal: 8 * 30 + 14 }),
  render: (c, { compact }) => <IsolationStrip cells={c.namespaces} compact={compact} />,
};

const securityColumn: Column = {
  id: 'security',
  header: 'Security',
  sort: 'security',
  // ideal: "root = host root" and "no_new_privs off", the common pair, on one line; min: their short texts
  // ("host root", "nnp off"). Badges that do not fit wrap, and a line that does not fit is hidden whole.
  // Below that, badges that do not fit give way to a "+n" (SecurityBadges/fit.ts), so the column can narrow
  // to what the worst badge ("seccomp off") needs.
  width: (compact) => (compact ? { min: 90, ideal: 140 } : { min: 84, ideal: 236 }),
  dropLevel: 6,
  render: (c, { compact, widths }) => (
    <SecurityBadges
      facts={c.security}
      compact={compact}
      short={(widths.security ?? 0) < SECURITY_FULL_TEXT_WIDTH}
      width={widths.security !== undefined ? widths.security - CELL_PADDING : undefined}
    />
  ),
};

const cpuColumn: Column = {
  id: 'cpu',
  header: 'CPU',
  sort: 'cpu',
  secondary: { sort: 'throttled', label: 'throttled', tooltip: `Sort by CPU throttling. ${THROTTLING_MEANING}` },
  // ideal: a 64px bar and "0.0800 / 0.5 cores" (110px); min: "0.0800 / 0.25 cores" (118px) with the bar at
  // 20px, which also holds "0.0500 cores no limit". Compact rows put the throttled share on the same line:
  // "112%" beside a 20px bar and "thr 12%", or "0.0500 cores no limit".
  width: (compact) => (compact ? { min: 132, ideal: 160 } : { min: 144, ideal: 180 }),
  dropLevel: 5,
  render: (c, ctx) => {
    const { compact, styles } = ctx;
    const cpu = roleDisplay(c, 'cpuUsage', ctx);
    const throttledDisplay = roleDisplay(c, 'throttled', ctx);
    const bar = (
      <UsageBar
        label="CPU"
        kind="cores"
        used={c.cpu.used}
        limit={c.cpu.limit}
        // where the limit comes from is said in the tooltip and to screen readers; a cpuset (the panel
        // option) also in the cell, since it is no limit the container was given
        hint={c.cpu.limitSource === 'cpuset' ? 'cpuset' : c.cpu.limitSource === 'quota' ? 'CFS quota' : undefined}
        showHint={c.cpu.limitSource === 'cpuset'}
        noLimitHint={cpuNoLimitText(c.cpu.cpuset)}
        thresholds={cpu.thresholds}
        decimals={cpu.decimals}
        unit={cpu.unit}
        compact={compact}
      />
    );
    const throttled = isNumber(c.throttled) ? (
      <CellTooltip content={throttlingText(c.throttled)}>
        <span className={`${styles.small} ${isThrottled(c) ? styles.warn : ''}`}>
          {compact ? (
            // compact rows too say which number this is: beside the CPU share, a bare "12%" reads as a second one
            <>
              <span aria-hidden>thr</span>
              <span className={styles.srOnly}>throttled</span> {percent(c.throttled, throttledDisplay)}
            </>
          ) : (
            `throttled ${percent(c.throttled, throttledDisplay)}`
          )}
        </span>
      </CellTooltip>
    ) : null;
    return (
      <div className={compact ? styles.inline : styles.stack}>
        {bar}
        {throttled}
      </div>
    );
  },
};

const memoryColumn: Column = {
  id: 'memory',
  header: 'Memory',
  sort: 'memory',
  // ideal: a 64px bar and "123 MiB / 512 MiB"; min: "540 KiB / 64 MiB" with the bar at 28px (it may narrow to 20px); compact min:
  // "208 KiB no limit"
  width: (compact) => (compact ? { min: 100, ideal: 120 } : { min: 134, ideal: 180 }),
  dropLevel: 4,
  render: (c, ctx) => {
    const d = roleDisplay(c, 'memory', ctx);
    return (
      <UsageBar
        label="Memory"
        kind="bytes"
        used={c.memory.used}
        limit={c.memory.limit}
        thresholds={d.thresholds}
        decimals={d.decimals}
        unit={d.unit}
        compact={ctx.compact}
      />
    );
  },
};

const tasksColumn: Column = {
  id: 'tasks',
  header: 'Tasks',
  sort: 'pids',
  // min: "12 / 100" with the bar at 28px
  width: (compact) => (compact ? { min: 80, ideal: 100 } : { min: 84, ideal: 114 }),
  dropLevel: 3,
  render: (c, ctx) => {
    // tasks are whole: the panel-wide Decimals do not apply, a decimals override on the query does (the
    // field's config carries the defaults too, hence the comparison)
    const d = roleDisplay(c, 'pids', ctx);
    const own = c.config.pids?.decimals;
    return (
      <UsageBar
        label="Tasks"
        kind="tasks"
        used={c.pids.used}
        limit={c.pids.limit}
        thresholds={d.thresholds}
        decimals={own !== ctx.decimals ? own : undefined}
        unit={d.unit}
        compact={ctx.compact}
      />
    );
  },
};

const pressureColumn: Column = {
  id: 'pressure',
  header: 'Pressure',
  headerTooltip: PRESSURE_MEANING,
  sort: 'pressure',
  // normal rows: three 36px columns, "cpu" over "39%"; compact rows: "cpu 100% · mem 100% · io 100%" on one line.
  // Neither shrinks well, so the column is the first dropped instead.
  width: (compact) => (compact ? { min: 194, ideal: 194 } : { min: 3 * 36 + 2 * 6, ideal: 134 }),
  dropLevel: 1,
  render: (c, ctx) => {
    const { compact, styles } = ctx;
    const { cpu, memory, io } = c.pressure;
    if (!isNumber(cpu) && !isNumber(memory) && !isNumber(io)) {
      return <span className={styles.small}>–</span>;
    }
    const pc = percent(cpu, roleDisplay(c, 'pressureCpu', ctx));
    const pm = percent(memory, roleDisplay(c, 'pressureMemory', ctx));
    const pi = percent(io, roleDisplay(c, 'pressureIo', ctx));
    const label = `Pressure, share of time waiting: CPU ${pc}, memory ${pm}, IO ${pi}`;
    if (compact) {
      return (
        <CellTooltip content={pressureText(c.pressure)}>
          <span className={styles.small} role="group" aria-label={label}>
            <span aria-hidden>{`cpu ${pc} · mem ${pm} · io ${pi}`}</span>
          </span>
        </CellTooltip>
      );
    }
    return (
      <CellTooltip content={pressureText(c.pressure)}>
        <span className={styles.pressure} role="group" aria-label={label}>
          {(
            [
              ['cpu', pc],
              ['mem', pm],
              ['io', pi],
            ] as const
          ).map(([name, text]) => (
            // the name over its share, one element: two lines of text, the first muted (::first-line)
            <span key={name} className={styles.pressureItem} aria-hidden>
              {`${name}\n${text}`}
            </span>
          ))}
        </span>
      </CellTooltip>
    );
  },
};

const rate = (v: number | undefined, d: RoleDisplay) =>
  isNumber(v) ? formatQuantity('byteRate', v, d.decimals, d.unit) : '–';

const networkColumn: Column = {
  id: 'network',
  header: 'Network',
  sort: 'network',
  // two lines in normal rows, one in compact rows
  width: (compact) => (compact ? { min: 120, ideal: 150 } : { min: 74, ideal: 84 }),
  dropLevel: 2,
  render: (c, ctx) => {
    const rx = rate(c.network.rx, roleDisplay(c, 'networkRx', ctx));
    const tx = rate(c.network.tx, roleDisplay(c, 'networkTx', ctx));
    return (
      <RatePair
        compact={ctx.compact}
        styles={ctx.styles}
        a={`↓ ${rx}`}
        b={`↑ ${tx}`}
        label={`Network: receive ${rx}, transmit ${tx}`}
      />
    );
  },
};

const diskColumn: Column = {
  id: 'disk',
  header: 'Disk',
  sort: 'io',
  width: (compact) => (compact ? { min: 120, ideal: 150 } : { min: 74, ideal: 84 }),
  dropLevel: 2,
  render: (c, ctx) => {
    const read = rate(c.io.read, roleDisplay(c, 'ioRead', ctx));
    const write = rate(c.io.write, roleDisplay(c, 'ioWrite', ctx));
    return (
      <RatePair
        compact={ctx.compact}
        styles={ctx.styles}
        a={`R ${read}`}
        b={`W ${write}`}
        label={`Disk: read ${read}, write ${write}`}
      />
    );
  },
};

function RatePair({
  a,
  b,
  label,
  compact,
  styles,
}: {
  a: string;
  b: string;
  label: string;
  compact: boolean;
  styles: CellContext['styles'];
}) {
  return (
    <span className={compact ? styles.inline : styles.stack} title={label}>
      <span className={styles.small}>{a}</span>
      <span className={styles.small}>{b}</span>
    </span>
  );
}

/** The columns the options switch on, in display order. */
export function visibleColumns(on: ColumnSwitches): Column[] {
  const cols = [containerColumn, isolationColumn];
  if (on.security) {
    cols.push(securityColumn);
  }
  if (on.resources) {
    cols.push(cpuColumn, memoryColumn, tasksColumn);
    if (on.pressure) {
      cols.push(pressureColumn);
    }
    if (on.networkIo) {
      cols.push(networkColumn, diskColumn);
    }
  }
  return cols;
}
