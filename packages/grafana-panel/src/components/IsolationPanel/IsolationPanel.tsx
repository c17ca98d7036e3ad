import React, { useCallback, useDeferredValue, useMemo, useState } from 'react';
import { LoadingState, useDataLinksContext, type PanelProps } from '@grafana/data';
import { PanelDataErrorView } from '@grafana/runtime';
import { FilterInput, InlineSwitch, RadioButtonGroup, useStyles2 } from '@grafana/ui';

import {
  buildPanelModel,
  describeMissing,
  filterBySummary,
  filterContainers,
  rolesByRefId,
  sortContainers,
  summarise,
  type RoleGroup,
  type SummaryKey,
} from '../../data';
import { migrateRefIdRoles } from '../../migrations';
import { GROUP_BY_DESCRIPTIONS, GROUP_BY_LABELS, GROUP_BYS } from '../../options';
import { DEFAULT_OPTIONS, type IsolationOptions, type SortKey } from '../../types';
import { CellTooltip } from '../CellTooltip/CellTooltip';
import { visibleColumns } from '../ContainerTable/columns';
import { ContainerTable } from '../ContainerTable/ContainerTable';
import { FleetSummary } from '../FleetSummary/FleetSummary';
import { layoutColumns } from '../ContainerTable/layout';
import { nextSort } from '../ContainerTable/sorting';
import { Legend } from '../Legend/Legend';
import { TEST_IDS } from '../testIds';
import { getStyles } from './IsolationPanel.styles';
import { anyLinks, containerLinkConfigs, containerLinksSupplier } from './links';

const GROUP_BY_CHOICES = GROUP_BYS.map((value) => ({
  value,
  label: GROUP_BY_LABELS[value],
  description: GROUP_BY_DESCRIPTIONS[value],
}));

/** Room the toolbar, the notes line and the legend take, until the table's scroller is measured. */
const CHROME_HEIGHT = 90;
/** And the fleet summary's row of toggles. */
const SUMMARY_HEIGHT = 32;

export function IsolationPanel(props: PanelProps<IsolationOptions>) {
  const { data, fieldConfig, width, height, id, replaceVariables, timeZone, onOptionsChange } = props;
  // Saved panels from before an option existed lack it until the migration has run; never read undefined.
  const options = useMemo(
    () => ({ ...DEFAULT_OPTIONS, ...(migrateRefIdRoles({ ...props.options }) as Partial<IsolationOptions>) }),
    [props.options]
  );
  const styles = useStyles2(getStyles);
  const { dataLinkPostProcessor } = useDataLinksContext();

  const refIdRoles = useMemo(() => rolesByRefId(options.queryRoles), [options.queryRoles]);
  const model = useMemo(
    () => buildPanelModel(data.series, { refIdRoles: refIdRoles.mapping, cpusetAsCpuLimit: options.cpuAgainstCpuset }),
    [data.series, refIdRoles.mapping, options.cpuAgainstCpuset]
  );

  // The filter is view state seeded from the saved option; editing the option in the editor re-seeds it
  // (adjusting state while rendering, React's pattern for state derived from a changed prop).
  const [filter, setFilter] = useState(options.filter);
  const [seed, setSeed] = useState(options.filter);
  if (seed !== options.filter) {
    setSeed(options.filter);
    setFilter(options.filter);
  }
  // Typing stays responsive with thousands of rows: the table catches up at lower priority.
  const deferredFilter = useDeferredValue(filter);

  // The summary's toggles are view state, as the filter text is; they count every container the data has.
  const [toggled, setToggled] = useState<SummaryKey[]>([]);
  const active = options.showSummary ? toggled : NONE;
  const counts = useMemo(() => summarise(model.containers), [model.containers]);
  const onToggle = useCallback(
    (key: SummaryKey) => setToggled((on) => (on.includes(key) ? on.filter((k) => k !== key) : [...on, key])),
    []
  );
  const onClear = useCallback(() => setToggled([]), []);

  const filtered = useMemo(
    () => filterBySummary(filterContainers(model.containers, deferredFilter), active),
    [model.containers, deferredFilter, active]
  );
  const sorted = useMemo(
    () => sortContainers(filtered, options.sortBy, options.sortDesc),
    [filtered, options.sortBy, options.sortDesc]
  );
  // Sorting across groups orders them by their top member; by name they stay in name order either way.
  const groupOrder = options.sortScope === 'across' && options.sortBy !== 'name' ? 'input' : 'name';
  // undefined when no container can have a link, so rows render no link machinery at all
  const getLinks = useMemo(
    () =>
      anyLinks(fieldConfig, options.resourcesLink)
        ? containerLinksSupplier(
            (c) => containerLinkConfigs(c, fieldConfig.defaults.links, options.resourcesLink),
            replaceVariables,
            timeZone,
            dataLinkPostProcessor
          )
        : undefined,
    [fieldConfig, options.resourcesLink, replaceVariables, timeZone, dataLinkPostProcessor]
  );
  const columns = useMemo(
    () => ({
      security: options.showSecurity,
      resources: options.showResources,
      pressure: options.showResources && options.showPressure,
      networkIo: options.showResources && options.showNetworkIo,
    }),
    [options.showSecurity, options.showResources, options.showPressure, options.showNetworkIo]
  );

  // The table drops low-priority columns on a narrow panel (layout.ts); say which, so a switched-on option
  // that shows nothing is explained.
  const hidden = useMemo(
    () => layoutColumns(visibleColumns(columns), width, options.compact).hidden.map((c) => c.header),
    [columns, width, options.compact]
  );
  // Missing data is worth a note only for columns the options show (namespaces are always shown).
  const missing = useMemo(() => {
    const shown = new Set<RoleGroup>(['namespaces']);
    if (columns.security) {
      shown.add('security');
    }
    if (columns.resources) {
      ['cpu', 'memory', 'pids'].forEach((g) => shown.add(g as RoleGroup));
    }
    if (columns.pressure) {
      shown.add('pressure');
    }
    if (columns.networkIo) {
      ['network', 'io'].forEach((g) => shown.add(g as RoleGroup));
    }
    return describeMissing(model, shown);
  }, [model, columns]);

  // Toolbar and header changes are options, as in Grafana's table panel: the dashboard keeps them on save.
  const update = useCallback(
    (patch: Partial<IsolationOptions>) => onOptionsChange({ ...options, ...patch }),
    [onOptionsChange, options]
  );
  const onSort = useCallback(
    (key: SortKey) => update(nextSort({ sortBy: options.sortBy, sortDesc: options.sortDesc }, key)),
    [update, options.sortBy, options.sortDesc]
  );

  const queryError = data.state === LoadingState.Error ? errorText(data) : undefined;

  if (model.containers.length === 0) {
    // Still waiting for the first response: Grafana draws its own loading bar; an error now would flash.
    if (data.state === LoadingState.Loading || data.state === LoadingState.NotStarted) {
      return null;
    }
    return (
      <PanelDataErrorView panelId={id} fieldConfig={fieldConfig} data={data} message={queryError ?? missing.fatal} />
    );
  }

  // A failed query among several still leaves a usable table (as core panels keep drawing on error):
  // say so in the notes instead of hiding everything.
  const notes = [...(queryError ? [`query error: ${queryError}`] : []), ...refIdRoles.errors, ...missing.notes];
  const tableHeight = Math.max(60, height - CHROME_HEIGHT - (options.showSummary ? SUMMARY_HEIGHT : 0));
  const hiddenText = `+${hidden.length} ${hidden.length === 1 ? 'column' : 'columns'} hidden: ${hidden
    .map((h) => h.toLowerCase())
    .join(', ')}`;

  return (
    <div className={styles.root} style={{ width, height }} data-testid={TEST_IDS.panel.root}>
      <div className={styles.toolbar} data-testid={TEST_IDS.panel.toolbar}>
        <div className={styles.filter}>
          <FilterInput
            value={filter}
            onChange={setFilter}
            placeholder="Filter by name, image, pod, namespace, host"
            aria-label="Filter containers"
            data-testid={TEST_IDS.panel.filter}
          />
        </div>
        <span className={styles.groupBy}>
          <span className={styles.groupByLabel} aria-hidden>
            Group by
          </span>
          <RadioButtonGroup
            size="sm"
            options={GROUP_BY_CHOICES}
            value={options.groupBy}
            onChange={(groupBy) => update({ groupBy })}
            aria-label="Group by"
            data-testid={TEST_IDS.panel.groupBy}
          />
        </span>
        <InlineSwitch
          label="Compact"
          showLabel
          transparent
          value={options.compact}
          onChange={(e) => update({ compact: e.currentTarget.checked })}
          data-testid={TEST_IDS.panel.compact}
        />
        <span className={styles.count} data-testid={TEST_IDS.panel.count} aria-live="polite">
          {filtered.length === model.containers.length
            ? `${model.containers.length} containers`
            : `${filtered.length} of ${model.containers.length} containers`}
        </span>
        {hidden.length > 0 && (
          // the panel dropped columns to fit (layout.ts): say which, never cut them silently
          <CellTooltip content="The panel is too narrow for these columns: widen it, or switch other columns off in the panel's options.">
            <span className={styles.hiddenColumns} data-testid={TEST_IDS.panel.hiddenColumns}>
              {hiddenText}
            </span>
          </CellTooltip>
        )}
      </div>
      {options.showSummary && <FleetSummary counts={counts} active={active} onToggle={onToggle} onClear={onClear} />}
      {notes.length > 0 && (
        <div className={styles.notes} title={notes.join('\n')} data-testid={TEST_IDS.panel.notes}>
          {notes.join(' · ')}
        </div>
      )}
      <ContainerTable
        containers={sorted}
        groupBy={options.groupBy}
        groupOrder={groupOrder}
        compact={options.compact}
        columns={columns}
        sortBy={options.sortBy}
        sortDesc={options.sortDesc}
        onSort={onSort}
        thresholds={fieldConfig.defaults.thresholds}
        decimals={fieldConfig.defaults.decimals}
        getLinks={getLinks}
        height={tableHeight}
        width={width}
        emptyText={emptyText(deferredFilter, active.length)}
      />
      {options.showLegend && (
        <div className={styles.legend}>
          <Legend showSecurity={options.showSecurity} showResources={options.showResources} />
        </div>
      )}
    </div>
  );
}

const NONE: SummaryKey[] = [];

function emptyText(filter: string, toggles: number): string {
  const what = [filter.trim() ? `"${filter.trim()}"` : '', toggles ? 'the summary’s toggles' : '']
    .filter(Boolean)
    .join(' and ');
  return `No containers match ${what || 'the filter'}.`;
}

function errorText(data: PanelProps['data']): string {
  const text = (data.errors ?? [])
    .map((e) => e.message ?? e.data?.message)
    .filter(Boolean)
    .join('; ');
  return text || 'the query failed';
}
