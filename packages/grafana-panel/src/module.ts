import { FieldConfigProperty, PanelPlugin } from '@grafana/data';

import { IsolationPanel } from './components/IsolationPanel/IsolationPanel';
import { DEFAULT_THRESHOLDS } from './components/UsageBar/thresholds';
import { migrateOptions } from './migrations';
import {
  GROUP_BY_DESCRIPTIONS,
  GROUP_BY_LABELS,
  GROUP_BYS,
  SORT_KEYS,
  SORT_LABELS,
  SORT_SCOPE_LABELS,
  SORT_SCOPES,
} from './options';
import { QueryRolesEditor } from './components/QueryRolesEditor/QueryRolesEditor';
import { DEFAULT_OPTIONS, type IsolationOptions } from './types';

const DISPLAY = ['Display'];
const COLUMNS = ['Columns'];
const SORTING = ['Sorting and filter'];
const QUERIES = ['Queries'];
const LINKS = ['Links'];

export const plugin = new PanelPlugin<IsolationOptions>(IsolationPanel)
  .setMigrationHandler(migrateOptions)
  .useFieldConfig({
    standardOptions: {
      // read as percent of each container's own limit (see UsageBar/thresholds.ts)
      [FieldConfigProperty.Thresholds]: { defaultValue: DEFAULT_THRESHOLDS },
      [FieldConfigProperty.Decimals]: {},
      [FieldConfigProperty.Unit]: {},
      [FieldConfigProperty.Links]: {},
    },
    // Each column's range comes from the container's limit: a Min or Max would cut bars at a shared
    // maximum. Unit is offered for overrides per query (fields returned by query B → unit): each role's
    // cells read their own field's config (ContainerTable/roleDisplay.ts). Colours are thresholds.
    disableStandardOptions: [
      FieldConfigProperty.Min,
      FieldConfigProperty.Max,
      FieldConfigProperty.FieldMinMax,
      FieldConfigProperty.DisplayName,
      FieldConfigProperty.NoValue,
      FieldConfigProperty.Mappings,
      FieldConfigProperty.Color,
      FieldConfigProperty.Actions,
      FieldConfigProperty.Filterable,
    ],
  })
  .setPanelOptions((builder) =>
    builder
      .addRadio({
        path: 'groupBy',
        name: 'Group by',
        description: 'Header rows per host (and per pod of several containers), per pod, or none',
        category: DISPLAY,
        defaultValue: DEFAULT_OPTIONS.groupBy,
        settings: {
          options: GROUP_BYS.map((value) => ({
            value,
            label: GROUP_BY_LABELS[value],
            description: GROUP_BY_DESCRIPTIONS[value],
          })),
        },
      })
      .addBooleanSwitch({
        path: 'showSummary',
        name: 'Fleet summary',
        description:
          "Counts above the table: containers in the host's network, PID or IPC namespace, without seccomp, " +
          'privileged, root = host root, throttled, memory at 90 % of the limit; each filters the table',
        category: DISPLAY,
        defaultValue: DEFAULT_OPTIONS.showSummary,
      })
      .addBooleanSwitch({
        path: 'compact',
        name: 'Compact rows',
        description: 'Glyphs without text and slimmer bars, to see more containers at once',
        category: DISPLAY,
        defaultValue: DEFAULT_OPTIONS.compact,
      })
      .addBooleanSwitch({
        path: 'showLegend',
        name: 'Legend',
        description: 'What each isolation cell and badge means',
        category: DISPLAY,
        defaultValue: DEFAULT_OPTIONS.showLegend,
      })
      .addBooleanSwitch({
        path: 'showSecurity',
        name: 'Security',
        description: 'Badges for privileged capabilities, seccomp off, root mapped to host root, no_new_privs off',
        category: COLUMNS,
        defaultValue: DEFAULT_OPTIONS.showSecurity,
      })
      .addBooleanSwitch({
        path: 'showResources',
        name: 'Resources',
        description: 'CPU, memory and tasks against each container’s own limit',
        category: COLUMNS,
        defaultValue: DEFAULT_OPTIONS.showResources,
      })
      .addBooleanSwitch({
        path: 'showPressure',
        name: 'Pressure',
        description: 'Share of time tasks waited for CPU, memory and IO (PSI)',
        category: COLUMNS,
        defaultValue: DEFAULT_OPTIONS.showPressure,
        showIf: (o) => o.showResources,
      })
      .addBooleanSwitch({
        path: 'showNetworkIo',
        name: 'Network and disk',
        description: 'Receive/transmit and read/write rates',
        category: COLUMNS,
        defaultValue: DEFAULT_OPTIONS.showNetworkIo,
        showIf: (o) => o.showResources,
      })
      .addBooleanSwitch({
        path: 'cpuAgainstCpuset',
        name: 'CPU without a quota: against its cores',
        description:
          'Containers without a CFS quota have no CPU limit and show "no limit". On: their CPU is drawn ' +
          'against the cores they may run on (their cpuset, all the host’s cores unless pinned), labelled "cpuset"',
        category: COLUMNS,
        defaultValue: DEFAULT_OPTIONS.cpuAgainstCpuset,
        showIf: (o) => o.showResources,
      })
      .addSelect({
        path: 'sortBy',
        name: 'Sort by',
        description: 'Clicking a column header changes it too',
        category: SORTING,
        defaultValue: DEFAULT_OPTIONS.sortBy,
        settings: { options: SORT_KEYS.map((value) => ({ value, label: SORT_LABELS[value] })) },
      })
      .addBooleanSwitch({
        path: 'sortDesc',
        name: 'Descending',
        description: 'Highest first: closest to the limit, least isolated, riskiest',
        category: SORTING,
        defaultValue: DEFAULT_OPTIONS.sortDesc,
      })
      .addRadio({
        path: 'sortScope',
        name: 'Sort groups',
        description:
          'Across groups: hosts and pods ordered by their top container for the sort (the worst first when ' +
          'descending). Within groups: hosts and pods stay in name order, only their containers are sorted',
        category: SORTING,
        defaultValue: DEFAULT_OPTIONS.sortScope,
        settings: { options: SORT_SCOPES.map((value) => ({ value, label: SORT_SCOPE_LABELS[value] })) },
        showIf: (o) => o.groupBy !== 'none',
      })
      .addTextInput({
        path: 'filter',
        name: 'Filter',
        description: 'Initial filter text: every word must match name, image, pod, namespace, host or id',
        category: SORTING,
        defaultValue: DEFAULT_OPTIONS.filter,
      })
      .addCustomEditor({
        id: 'queryRoles',
        path: 'queryRoles',
        name: 'Query roles',
        description:
          'Which query carries each derived value. A query whose refId is the role’s name (cpuUsage, ' +
          'throttled, …) needs none; the raw metrics are recognised by their names.',
        category: QUERIES,
        editor: QueryRolesEditor,
        defaultValue: DEFAULT_OPTIONS.queryRoles,
      })
      .addBooleanSwitch({
        path: 'resourcesLink',
        name: 'Link to the resources dashboard',
        description:
          'Each container’s name links to it on “isoscope: container resources”, with its host, name and ' +
          'Kubernetes namespace, pod and container, and this time range. Data links set below come along.',
        category: LINKS,
        defaultValue: DEFAULT_OPTIONS.resourcesLink,
      })
  );
