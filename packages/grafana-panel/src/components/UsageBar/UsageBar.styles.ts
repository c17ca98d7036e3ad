import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';

export const getStyles = (theme: GrafanaTheme2) => ({
  root: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(0.75),
    minWidth: 0,
    width: '100%',
  }),
  // As long as 64px, shorter when the text needs the room, down to 20px; only then is the text cut with an
  // ellipsis (the meter's value text and the tooltip say it whole). Basis 0 and grow: the bar takes what
  // the text leaves, and never takes room from the text.
  track: css({
    position: 'relative',
    flex: '1 1 0',
    minWidth: 20,
    maxWidth: 64,
    height: 8,
    borderRadius: theme.shape.radius.default,
    background: theme.colors.background.secondary,
    border: `1px solid ${theme.colors.border.weak}`,
    overflow: 'hidden',
  }),
  trackCompact: css({
    height: 5,
  }),
  fill: css({
    position: 'absolute',
    inset: 0,
    right: 'auto',
    // width and colour differ per row: inline style, so 2,000 rows do not mint 2,000 emotion classes
  }),
  text: css({
    flex: '0 1 auto',
    minWidth: 0,
    whiteSpace: 'nowrap',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    fontSize: theme.typography.bodySmall.fontSize,
    fontVariantNumeric: 'tabular-nums',
  }),
  muted: css({
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
    whiteSpace: 'nowrap',
  }),
});
