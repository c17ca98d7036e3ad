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
    width: '1ch',
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
  containerIndent: css({
    paddingLeft: theme.spacing(3),
  }),
  name: css({
    display: 'block',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    color: theme.colors.text.primary,
    fontWeight: theme.typography.fontWeightMedium,
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
    display: 'flex',
    flexDirection: 'column',
    whiteSpace: 'nowrap',
  }),
  pressureName: css({
    color: theme.colors.text.secondary,
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
