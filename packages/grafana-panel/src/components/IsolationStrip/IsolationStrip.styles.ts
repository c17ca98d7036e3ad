import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';

export const getStyles = (theme: GrafanaTheme2) => {
  const s = base(theme);
  // each cell's class name by look, composed once per theme rather than per cell and render
  const cellClass = {
    normal: { known: s.cell, unknown: cx(s.cell, s.unknown) },
    compact: { known: cx(s.cell, s.cellCompact), unknown: cx(s.cell, s.cellCompact, s.unknown) },
  };
  return { ...s, cellClass };
};

const base = (theme: GrafanaTheme2) => ({
  strip: css({
    display: 'flex',
    gap: 2,
    margin: 0,
    padding: 0,
    listStyle: 'none',
  }),
  cell: css({
    display: 'inline-flex',
    flexDirection: 'column',
    alignItems: 'center',
    justifyContent: 'center',
    // 30px, down to 22px when the column is narrowed (columns.tsx: the isolation column's min width)
    flex: '0 1 30px',
    minWidth: 22,
    height: 28,
    borderRadius: theme.shape.radius.default,
    fontSize: 10,
    lineHeight: 1.1,
    // the glyph, the cell's own text; the abbreviation above it is medium
    fontWeight: theme.typography.fontWeightBold,
    cursor: 'default',
    userSelect: 'none',
  }),
  cellCompact: css({
    flex: '0 0 18px',
    minWidth: 18,
    height: 18,
  }),
  // host cells are outlined (states.ts: toneStyle) and unknown ones dashed: the shape differs from
  // private/shared, not only the hue
  unknown: css({
    border: `1px dashed ${theme.colors.border.medium}`,
  }),
  // full opacity: the label's contrast is computed for the cell's text colour (states.ts: toneStyle)
  abbr: css({
    fontWeight: theme.typography.fontWeightMedium,
  }),
});
