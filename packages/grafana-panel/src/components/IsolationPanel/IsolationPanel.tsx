import React, { useCallback, useDeferredValue, useMemo, useState } from 'react';
import { LoadingState, useDataLinksContext, type PanelProps } from '@grafana/data';
import { PanelDataErrorView } from '@grafana/runtime';
import { FilterInput, InlineSwitch, RadioButtonGroup, useStyles2 } from '@grafana/ui';

import {
  buildPanelModel,
  describeMissing,
  filterContainers,
  groupByHostAndPod,
  rolesByRefId,
  sortContainers,
  type RoleGroup,
} from '../../data';
import { migrateRefIdRoles } from '../../migrations';
import { DEFAULT_OPTIONS, type IsolationOptions, type SortKey, type ViewMode } from '../../types';
import { visibleColumns } from '../ContainerTable/columns';
import { ContainerTable } from '../ContainerTable/ContainerTable';
import { layoutColumns } from '../ContainerTable/layout';
import { nextSort } from '../ContainerTable/sorting';
import { Legend } from '../Legend/Legend';
import { TEST_IDS } from '../testIds';
import { getStyles } from './IsolationPanel.styles';
import { anyLinks, containerLinkConfigs, containerLinksSupplier } from './links';

const VIEW_MODES = [
  { label: 'Grouped', value: 'grouped' as ViewMode, description: 'By host, then pod' },
  { label: 'Flat', value: 'flat' as ViewMode, description: 'One row per container' },
];

/** Room the toolbar, the notes line and the legend take, until the table's scroller is measured. */
const CHROME_HEIGHT = 90;

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

  const filtered = useMemo(
    () => filterContainers(model.containers, deferredFilter),
    [model.containers, deferredFilter]
  );
  const sorted = useMemo(
    () => sortContainers(filtered, options.sortBy, options.sortDesc),
    [filtered, options.sortBy, options.sortDesc]
  );
  const groups = useMemo(
    () => (options.viewMode === 'grouped' ? groupByHostAndPod(sorted) : undefined),
    [options.viewMode, sorted]
  );
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
    () => layoutColumns(visibleColumns(columns), width, options.compact).hidden.map((c) => c.header.toLowerCase()),
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
  const notes = [
    ...(queryError ? [`query error: ${queryError}`] : []),
    ...refIdRoles.errors,
    ...(hidden.length
      ? [`panel too narrow for the ${joinWords(hidden)} ${hidden.length > 1 ? 'columns' : 'column'}`]
      : []),
    ...missing.notes,
  ];
  const tableHeight = Math.max(60, height - CHROME_HEIGHT);

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
        <RadioButtonGroup
          size="sm"
          options={VIEW_MODES}
          value={options.viewMode}
          onChange={(viewMode) => update({ viewMode })}
          aria-label="View"
          data-testid={TEST_IDS.panel.viewMode}
        />
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
      </div>
      {notes.length > 0 && (
        <div className={styles.notes} title={notes.join('\n')} data-testid={TEST_IDS.panel.notes}>
          {notes.join(' · ')}
        </div>
      )}
      <ContainerTable
        containers={sorted}
        groups={groups}
        viewMode={options.viewMode}
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
        emptyText={`No containers match "${deferredFilter}".`}
      />
      {options.showLegend && (
        <div className={styles.legend}>
          <Legend showSecurity={options.showSecurity} showResources={options.showResources} />
        </div>
      )}
    </div>
  );
}

/** "a", "a and b", "a, b and c". */
function joinWords(words: string[]): string {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

function errorText(data: PanelProps['data']): string {
  const text = (data.errors ?? [])
    .map((e) => e.message ?? e.data?.message)
    .filter(Boolean)
    .join('; ');
  return text || 'the query failed';
}
