/**
 * Test ids for every component, in one place (as business-table does), so tests and any e2e spec
 * refer to the same strings and renaming one is a single edit.
 */
export const TEST_IDS = {
  panel: {
    root: 'isoscope-panel',
    toolbar: 'isoscope-panel-toolbar',
    notes: 'isoscope-panel-notes',
    filter: 'isoscope-panel-filter',
    groupBy: 'isoscope-panel-group-by',
    hiddenColumns: 'isoscope-panel-hidden-columns',
    compact: 'isoscope-panel-compact',
    count: 'isoscope-panel-count',
  },
  table: {
    root: 'isoscope-table',
    scroller: 'isoscope-table-scroller',
    hostRow: 'isoscope-table-host-row',
    podRow: 'isoscope-table-pod-row',
    containerRow: 'isoscope-table-container-row',
    name: 'isoscope-table-name',
    place: 'isoscope-table-place',
    empty: 'isoscope-table-empty',
    sortButton: (key: string) => `isoscope-table-sort-${key}`,
  },
  strip: {
    root: 'isoscope-strip',
    cell: (type: string) => `isoscope-strip-cell-${type}`,
  },
  badges: {
    root: 'isoscope-badges',
    badge: (kind: string) => `isoscope-badge-${kind}`,
    ok: 'isoscope-badges-ok',
    more: 'isoscope-badges-more',
  },
  bar: {
    root: 'isoscope-bar',
    fill: 'isoscope-bar-fill',
    noLimit: 'isoscope-bar-no-limit',
    noData: 'isoscope-bar-no-data',
  },
  summary: {
    root: 'isoscope-summary',
    toggle: (key: string) => `isoscope-summary-${key}`,
    clear: 'isoscope-summary-clear',
  },
  legend: {
    root: 'isoscope-legend',
  },
} as const;
