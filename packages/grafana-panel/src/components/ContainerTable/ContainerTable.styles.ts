import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';

/** Fixed row heights: the windowing computes offsets from them, so the cells must never grow a row. */
export const ROW_HEIGHT = {
  normal: { container: 44, pod: 28, host: 32 },
  compact: { container: 28, pod: 22, host: 24 },
} as const;

export const getStyles = (theme: GrafanaTheme2) => ({
  scroller: css({
    flex: '1 1 auto',
    minHeight: 0,
    overflow: 'auto',
    position: 'relative',
    // its own compositor layer: scrolling moves painted tiles instead of repainting the table every frame
    // where the browser would otherwise keep the scroller on the main thread (no GPU, device pixel ratio 1)
    willChange: 'scroll-position',
  }),
  table: css({
    width: '100%',
    borderCollapse: 'separate',
    borderSpacing: 0,
    // fixed layout: columns keep their width while different rows scroll through the window
    tableLayout: 'fixed',
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  th: css({
    position: 'sticky',
    top: 0,
    zIndex: 1,
    background: theme.colors.background.primary,
    borderBottom: `1px solid ${theme.colors.border.medium}`,
    textAlign: 'left',
    fontWeight: theme.typography.fontWeightMedium,
    // horizontal padding: layout.ts CELL_PADDING
    padding: theme.spacing(0.5, 0.75),
    whiteSpace: 'nowrap',
    overflow: 'hidden',
  }),
  sortButton: css({
    all: 'unset',
    cursor: 'pointer',
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    color: theme.colors.text.primary,
    borderRadius: theme.shape.radius.default,
    '&:hover': { color: theme.colors.text.link },
    '&:focus-visible': {
      outline: `2px solid ${theme.colors.primary.main}`,
      outlineOffset: 1,
    },
  }),
  sortButtonSecondary: css({
    marginLeft: theme.spacing(1),
    color: theme.colors.text.secondary,
    fontWeight: theme.typography.fontWeightRegular,
  }),
  sortArrow: css({
    // room for the arrow whether shown or not, so a header's text does not move when sorted by; 1em: an
    // arrow glyph is wider than a digit (1ch)
    width: '1em',
    color: theme.colors.text.link,
  }),
  td: css({
    // horizontal padding: layout.ts CELL_PADDING
    padding: theme.spacing(0, 0.75),
    borderBottom: `1px solid ${theme.colors.border.weak}`,
    whiteSpace: 'nowrap',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    verticalAlign: 'middle',
    // the grid's focused cell (useGridFocus.ts): drawn inside the cell, which clips its overflow
    '&:focus-visible': {
      outline: `2px solid ${theme.colors.primary.main}`,
      outlineOffset: -2,
    },
    // a cell scrolled into view by the arrow keys is not left under the sticky header
    scrollMarginTop: 32,
    // Each cell's content is laid out and painted on its own: a row scrolling into the window then costs
    // the paint of its own cells, not a repaint of the rows already drawn (Chromium repainted the whole
    // window on every step: 8 ms of main-thread paint per frame at 2,000 containers, 2.7 ms with this;
    // docs/benchmarks.md). Containment does not apply to table cells themselves, hence their children.
    // Nothing is lost to the clip: the cell clips its overflow already, and row heights are fixed.
    '& > *': {
      contain: 'layout paint style',
    },
  }),
  rowHeader: css({
    fontWeight: theme.typography.fontWeightRegular,
    textAlign: 'left',
  }),
  containerRow: css({
    '&:hover': { background: theme.colors.action.hover },
  }),
  hostRow: css({
    background: theme.colors.background.secondary,
    fontWeight: theme.typography.fontWeightMedium,
    color: theme.colors.text.primary,
  }),
  podRow: css({
    color: theme.colors.text.secondary,
  }),
  podIndent: css({
    paddingLeft: theme.spacing(2),
  }),
  // container rows under one header row (a host, or a pod when grouping by pod) and under two (host, pod)
  indent1: css({
    paddingLeft: theme.spacing(2),
  }),
  indent2: css({
    paddingLeft: theme.spacing(3),
  }),
  name: css({
    display: 'block',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    color: theme.colors.text.primary,
    fontWeight: theme.typography.fontWeightMedium,
  }),
  // compact rows: the name and where it runs on one line; the name keeps its width first
  nameLine: css({
    display: 'flex',
    alignItems: 'baseline',
    gap: theme.spacing(1),
    minWidth: 0,
    '& > *:first-child': { flex: '0 1 auto', minWidth: 0, overflow: 'hidden', textOverflow: 'ellipsis' },
    '& > *:nth-child(2)': { flex: '1 1 0', minWidth: 0 },
  }),
  muted: css({
    display: 'block',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    color: theme.colors.text.secondary,
  }),
  count: css({
    marginLeft: theme.spacing(1),
    color: theme.colors.text.secondary,
    fontWeight: theme.typography.fontWeightRegular,
  }),
  stack: css({
    display: 'flex',
    flexDirection: 'column',
    justifyContent: 'center',
    gap: 2,
    minWidth: 0,
  }),
  inline: css({
    display: 'flex',
    gap: theme.spacing(1),
    alignItems: 'center',
    minWidth: 0,
  }),
  small: css({
    color: theme.colors.text.secondary,
    fontVariantNumeric: 'tabular-nums',
    whiteSpace: 'nowrap',
  }),
  // three small columns, the resource's name over its share: the numbers line up from row to row
  pressure: css({
    display: 'grid',
    gridTemplateColumns: 'repeat(3, 36px)',
    columnGap: 6,
    fontSize: theme.typography.bodySmall.fontSize,
    fontVariantNumeric: 'tabular-nums',
    lineHeight: 1.35,
  }),
  pressureItem: css({
    display: 'block',
    whiteSpace: 'pre',
    '&::first-line': {
      color: theme.colors.text.secondary,
    },
  }),
  warn: css({
    color: theme.colors.warning.text,
  }),
  empty: css({
    padding: theme.spacing(2),
    textAlign: 'center',
    color: theme.colors.text.secondary,
  }),
  // read by screen readers, not drawn
  srOnly: css({
    position: 'absolute',
    width: 1,
    height: 1,
    overflow: 'hidden',
    clipPath: 'inset(50%)',
    whiteSpace: 'nowrap',
  }),
  spacer: css({
    padding: 0,
    border: 'none',
  }),
});
