import React, { type ReactNode } from 'react';
import type { DecimalCount, LinkModel, ThresholdsConfig } from '@grafana/data';
import { DataLinksContextMenu } from '@grafana/ui';

import type { ContainerView } from '../../data/types';
import type { SortKey } from '../../types';
import { formatQuantity, isNumber } from '../format';
import { IsolationStrip } from '../IsolationStrip/IsolationStrip';
import { SecurityBadges } from '../SecurityBadges/SecurityBadges';
import { UsageBar } from '../UsageBar/UsageBar';
import { TEST_IDS } from '../testIds';
import type { getStyles } from './ContainerTable.styles';

export interface CellContext {
  compact: boolean;
  grouped: boolean;
  thresholds?: ThresholdsConfig;
  decimals?: DecimalCount;
  styles: ReturnType<typeof getStyles>;
  /** Data links for a container; undefined when the panel has none configured. */
  getLinks?: (c: ContainerView) => LinkModel[];
}

export interface Column {
  id: string;
  header: string;
  sort: SortKey;
  /** A second sort key offered in the same header (CPU: throttling). */
  secondary?: { sort: SortKey; label: string; ariaLabel: string };
  /** px; undefined = takes the remaining width. */
  width: (compact: boolean) => number | undefined;
  render: (c: ContainerView, ctx: CellContext) => ReactNode;
}

export interface ColumnSwitches {
  security: boolean;
  resources: boolean;
  pressure: boolean;
  networkIo: boolean;
}

const percent = (v: number | undefined) => (isNumber(v) ? formatQuantity('ratio', v, 0) : '–');

const containerColumn: Column = {
  id: 'container',
  header: 'Container',
  sort: 'name',
  width: () => undefined,
  render: (c, { compact, grouped, styles, getLinks }) => {
    const where = [c.namespace, c.pod].filter(Boolean).join('/');
    // grouped rows sit under their pod's header already; flat rows need to say where they run
    const second = [c.image, grouped ? undefined : where, grouped ? undefined : c.instance].filter(Boolean).join(' · ');
    const title = [c.name, c.image, where, c.instance, c.id].filter(Boolean).join('\n');
    const name = (
      <span className={styles.name} data-testid={TEST_IDS.table.name}>
        {c.name}
      </span>
    );
    return (
      <div className={styles.stack} title={title}>
        {getLinks ? <ContainerLinks container={c} getLinks={getLinks} name={name} /> : name}
        {!compact && second && <span className={styles.muted}>{second}</span>}
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
  width: (compact) => (compact ? 8 * 20 + 20 : 8 * 32 + 20),
  render: (c, { compact }) => <IsolationStrip cells={c.namespaces} compact={compact} />,
};

const securityColumn: Column = {
  id: 'security',
  header: 'Security',
  sort: 'security',
  width: (compact) => (compact ? 130 : 230),
  render: (c, { compact }) => <SecurityBadges facts={c.security} compact={compact} />,
};

const cpuColumn: Column = {
  id: 'cpu',
  header: 'CPU',
  sort: 'cpu',
  secondary: { sort: 'throttled', label: 'throttled', ariaLabel: 'Sort by CPU throttling' },
  width: (compact) => (compact ? 170 : 230),
  render: (c, { compact, thresholds, decimals, styles }) => {
    const bar = (
      <UsageBar
        label="CPU"
        kind="cores"
        used={c.cpu.used}
        limit={c.cpu.limit}
        hint={c.cpu.limitSource === 'cpuset' ? 'cpuset' : undefined}
        thresholds={thresholds}
        decimals={decimals}
        compact={compact}
      />
    );
    const throttled = isNumber(c.throttled) ? (
      <span
        className={`${styles.small} ${c.throttled > 0 ? styles.warn : ''}`}
        title="Share of CFS periods in which the container was throttled"
      >
        {compact ? percent(c.throttled) : `throttled ${percent(c.throttled)}`}
      </span>
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
  width: (compact) => (compact ? 150 : 210),
  render: (c, { compact, thresholds, decimals }) => (
    <UsageBar
      label="Memory"
      kind="bytes"
      used={c.memory.used}
      limit={c.memory.limit}
      thresholds={thresholds}
      decimals={decimals}
      compact={compact}
    />
  ),
};

const tasksColumn: Column = {
  id: 'tasks',
  header: 'Tasks',
  sort: 'pids',
  width: (compact) => (compact ? 120 : 160),
  render: (c, { compact, thresholds }) => (
    <UsageBar
      label="Tasks"
      kind="tasks"
      used={c.pids.used}
      limit={c.pids.limit}
      thresholds={thresholds}
      compact={compact}
    />
  ),
};

const pressureColumn: Column = {
  id: 'pressure',
  header: 'Pressure',
  sort: 'pressure',
  width: (compact) => (compact ? 120 : 150),
  render: (c, { styles }) => {
    const { cpu, memory, io } = c.pressure;
    if (!isNumber(cpu) && !isNumber(memory) && !isNumber(io)) {
      return <span className={styles.small}>–</span>;
    }
    const label = `Waiting: CPU ${percent(cpu)}, memory ${percent(memory)}, IO ${percent(io)}`;
    return (
      <span className={styles.small} title={label}>
        {`cpu ${percent(cpu)} · mem ${percent(memory)} · io ${percent(io)}`}
      </span>
    );
  },
};

const rate = (v: number | undefined, decimals?: DecimalCount) =>
  isNumber(v) ? formatQuantity('byteRate', v, decimals) : '–';

const networkColumn: Column = {
  id: 'network',
  header: 'Network',
  sort: 'network',
  width: (compact) => (compact ? 150 : 130),
  render: (c, { compact, styles, decimals }) => (
    <RatePair
      compact={compact}
      styles={styles}
      a={`↓ ${rate(c.network.rx, decimals)}`}
      b={`↑ ${rate(c.network.tx, decimals)}`}
      label={`Network: receive ${rate(c.network.rx, decimals)}, transmit ${rate(c.network.tx, decimals)}`}
    />
  ),
};

const diskColumn: Column = {
  id: 'disk',
  header: 'Disk',
  sort: 'io',
  width: (compact) => (compact ? 150 : 130),
  render: (c, { compact, styles, decimals }) => (
    <RatePair
      compact={compact}
      styles={styles}
      a={`R ${rate(c.io.read, decimals)}`}
      b={`W ${rate(c.io.write, decimals)}`}
      label={`Disk: read ${rate(c.io.read, decimals)}, write ${rate(c.io.write, decimals)}`}
    />
  ),
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
