import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';

export const getStyles = (theme: GrafanaTheme2) => ({
  root: css({
    display: 'flex',
    flexWrap: 'nowrap',
    gap: theme.spacing(0.5),
    overflow: 'hidden',
    alignItems: 'center',
  }),
  badge: css({
    whiteSpace: 'nowrap',
  }),
  ok: css({
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
});
