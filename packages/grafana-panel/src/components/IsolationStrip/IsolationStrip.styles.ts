import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';

export const getStyles = (theme: GrafanaTheme2) => ({
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
    width: 30,
    height: 28,
    borderRadius: theme.shape.radius.default,
    fontSize: 10,
    lineHeight: 1.1,
    fontWeight: theme.typography.fontWeightMedium,
    cursor: 'default',
    userSelect: 'none',
  }),
  cellCompact: css({
    width: 18,
    height: 18,
  }),
  // host and unknown get a border too: the shape differs from private/shared, not only the hue
  host: css({
    outline: `2px solid ${theme.colors.error.border}`,
    outlineOffset: -2,
  }),
  unknown: css({
    border: `1px dashed ${theme.colors.border.medium}`,
  }),
  abbr: css({
    opacity: 0.85,
  }),
  glyph: css({
    fontWeight: theme.typography.fontWeightBold,
  }),
});
