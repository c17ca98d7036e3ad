import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';

export const getStyles = (theme: GrafanaTheme2) => ({
  // Badges wrap, and a line that does not fit the row is hidden whole, never cut through a badge: two lines
  // in normal rows (44px, ContainerTable.styles.ts ROW_HEIGHT), one in compact rows (28px). Worst first
  // (risks.ts), so what is hidden is the least of them; every badge is still read out (aria-label).
  root: css({
    display: 'flex',
    flexWrap: 'wrap',
    gap: 2,
    columnGap: theme.spacing(0.5),
    overflow: 'hidden',
    alignItems: 'center',
    maxHeight: 2 * 20 + 2,
  }),
  oneLine: css({
    maxHeight: 20,
  }),
  badge: css({
    whiteSpace: 'nowrap',
    // Grafana's badge is 22px high (18px line + padding + border); 20px lets two lines fit a row
    lineHeight: '16px',
  }),
  moreTooltip: css({
    whiteSpace: 'pre-line',
  }),
  ok: css({
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
});
