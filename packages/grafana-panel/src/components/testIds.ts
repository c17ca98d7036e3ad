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
    viewMode: 'isoscope-panel-view-mode',
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
  },
  bar: {
    root: 'isoscope-bar',
    fill: 'isoscope-bar-fill',
    noLimit: 'isoscope-bar-no-limit',
    noData: 'isoscope-bar-no-data',
  },
  legend: {
    root: 'isoscope-legend',
  },
} as const;
