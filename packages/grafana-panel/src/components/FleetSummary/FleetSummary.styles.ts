import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';

export const getStyles = (theme: GrafanaTheme2) => ({
  root: css({
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(0.5),
    flex: '0 0 auto',
  }),
  count: css({
    fontWeight: theme.typography.fontWeightBold,
    fontVariantNumeric: 'tabular-nums',
  }),
  // something was found: the number in the error text colour (made for text, 4.5:1 in both themes)
  countFound: css({
    color: theme.colors.error.text,
  }),
  countNone: css({
    color: theme.colors.text.secondary,
    fontWeight: theme.typography.fontWeightRegular,
  }),
});
