import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';

export const getStyles = (theme: GrafanaTheme2) => ({
  root: css({
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(0.5, 2),
    padding: theme.spacing(0.5, 0, 0),
    borderTop: `1px solid ${theme.colors.border.weak}`,
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.secondary,
  }),
  group: css({
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(0.5, 1.5),
    margin: 0,
    padding: 0,
    listStyle: 'none',
  }),
  item: css({
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    cursor: 'help',
  }),
  swatch: css({
    display: 'inline-flex',
    alignItems: 'center',
    justifyContent: 'center',
    width: 16,
    height: 16,
    borderRadius: theme.shape.radius.default,
    fontSize: 10,
    fontWeight: theme.typography.fontWeightBold,
  }),
  // as the strip's unknown cells (IsolationStrip.styles.ts)
  swatchUnknown: css({
    border: `1px dashed ${theme.colors.border.medium}`,
  }),
  types: css({
    fontVariantNumeric: 'tabular-nums',
  }),
  heading: css({
    fontWeight: theme.typography.fontWeightMedium,
    color: theme.colors.text.primary,
  }),
});
