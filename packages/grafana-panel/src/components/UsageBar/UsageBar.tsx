import React from 'react';
import type { DecimalCount, ThresholdsConfig } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';
import { cx } from '@emotion/css';

import { formatQuantity, formatUsage, isNumber, type Quantity } from '../format';
import { CellTooltip } from '../CellTooltip/CellTooltip';
import { TEST_IDS } from '../testIds';
import { getStyles } from './UsageBar.styles';
import { thresholdColor } from './thresholds';

export interface UsageBarProps {
  /** What is measured, for screen readers: "CPU", "Memory", "Tasks". */
  label: string;
  used?: number;
  /** The container's own limit; undefined = none set or none known. */
  limit?: number;
  kind: Quantity;
  thresholds?: ThresholdsConfig;
  decimals?: DecimalCount;
  /** A Grafana unit for used and limit (the role's field config); undefined: the kind's own. */
  unit?: string;
  compact?: boolean;
  /** Said after the limit in the tooltip and to screen readers, e.g. where a CPU limit comes from ("cpuset"). */
  hint?: string;
  /** Say the hint in the cell as well ("0.09 / 16 cores (cpuset)"): for a maximum that is not a set limit. */
  showHint?: boolean;
  /** Why there is no limit, in the tooltip of "no limit" (CPU: no quota, and the cores it may run on). */
  noLimitHint?: string;
}

/**
 * A bar whose maximum is the container's own limit (the per-series max Grafana's bar gauge cannot take,
 * grafana#82757). Without a limit there is nothing to be full against, so it says so in words.
 */
export function UsageBar({
  label,
  used,
  limit,
  kind,
  thresholds,
  decimals,
  unit,
  compact,
  hint,
  showHint,
  noLimitHint,
}: UsageBarProps) {
  const styles = useStyles2(getStyles);
  const theme = useTheme2();

  if (!isNumber(used)) {
    return (
      // role img: the dash is a symbol, the label says what it stands for
      <span className={styles.muted} data-testid={TEST_IDS.bar.noData} role="img" aria-label={`${label}: no data`}>
        –
      </span>
    );
  }

  const usedText = formatQuantity(kind, used, decimals, unit);

  // A limit of 0 is "none" in cAdvisor's convention; the data layer maps it to undefined, guard anyway.
  if (!isNumber(limit) || limit <= 0) {
    return (
      <div className={styles.root} data-testid={TEST_IDS.bar.root}>
        <span className={styles.text}>{usedText}</span>
        {noLimitHint ? (
          <CellTooltip content={noLimitHint}>
            <span className={styles.muted} data-testid={TEST_IDS.bar.noLimit}>
              no limit
            </span>
          </CellTooltip>
        ) : (
          <span className={styles.muted} data-testid={TEST_IDS.bar.noLimit}>
            no limit
          </span>
        )}
      </div>
    );
  }

  const fraction = used / limit;
  const percent = Math.round(fraction * 100);
  const limitText = formatQuantity(kind, limit, decimals, unit);
  const color = thresholdColor(fraction, thresholds, theme);
  const suffix = hint ? ` (${hint})` : '';
  const full = `${usedText} of ${limitText}${suffix}, ${percent}%`;

  return (
    <div className={styles.root} data-testid={TEST_IDS.bar.root} title={full}>
      <div
        role="meter"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={limit}
        aria-valuenow={used}
        aria-valuetext={full}
        className={cx(styles.track, compact && styles.trackCompact)}
      >
        <div
          className={styles.fill}
          data-testid={TEST_IDS.bar.fill}
          // over the limit (a CPU rate over a window can be) still draws a full bar, not an overflow
          style={{ width: `${Math.min(100, Math.max(0, fraction * 100))}%`, backgroundColor: color }}
        />
      </div>
      {/* the short form ("0.1 / 2 cores"); the meter's value text and the tooltip say it in full */}
      <span className={styles.text}>
        {compact ? `${percent}%` : formatUsage(kind, used, limit, decimals, unit)}
        {showHint && hint ? ` (${hint})` : ''}
      </span>
    </div>
  );
}
