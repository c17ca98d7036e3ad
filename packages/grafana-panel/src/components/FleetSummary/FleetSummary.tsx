import React, { memo } from 'react';
import { Button, useStyles2 } from '@grafana/ui';
import { cx } from '@emotion/css';

import { SUMMARY_CHECKS, SUMMARY_KEYS, type SummaryKey } from '../../data/summary';
import { TEST_IDS } from '../testIds';
import { getStyles } from './FleetSummary.styles';

export interface FleetSummaryProps {
  /** Containers each check finds, of every container the data has (summarise). */
  counts: Record<SummaryKey, number>;
  /** The toggles pressed: the table shows the containers every one of them finds. */
  active: readonly SummaryKey[];
  onToggle: (key: SummaryKey) => void;
  onClear: () => void;
}

/**
 * The fleet at a glance: how many containers hold the host's network, PID or IPC namespace, run without
 * seccomp, are privileged, have root mapped to host root, are throttled or near their memory limit. Each
 * count is a toggle button (aria-pressed) that filters the table to those containers; pressed toggles
 * combine with AND (data/summary.ts: filterBySummary).
 */
export const FleetSummary = memo(function FleetSummary({ counts, active, onToggle, onClear }: FleetSummaryProps) {
  const styles = useStyles2(getStyles);
  return (
    <div
      className={styles.root}
      role="group"
      aria-label="Fleet summary: show only the containers that are…"
      data-testid={TEST_IDS.summary.root}
    >
      {SUMMARY_KEYS.map((key) => {
        const check = SUMMARY_CHECKS[key];
        const n = counts[key];
        const pressed = active.includes(key);
        return (
          <Button
            key={key}
            size="sm"
            // pressed: filled and ticked, not only another colour (Grafana's primary blue is under 4.5:1 with
            // white text when hovered)
            variant="secondary"
            fill={pressed ? 'solid' : 'outline'}
            icon={pressed ? 'check' : undefined}
            aria-pressed={pressed}
            tooltip={`${check.description} ${pressed ? 'Showing only these; press again to show all.' : 'Press to show only these.'}`}
            onClick={() => onToggle(key)}
            data-testid={TEST_IDS.summary.toggle(key)}
          >
            {/* one inline span: a space between flex items (Button's content) would collapse, in the name too */}
            <span>
              <span className={cx(styles.count, n > 0 && !pressed && styles.countFound, n === 0 && styles.countNone)}>
                {n}
              </span>{' '}
              {check.label}
            </span>
          </Button>
        );
      })}
      {active.length > 0 && (
        <Button size="sm" variant="secondary" fill="text" onClick={onClear} data-testid={TEST_IDS.summary.clear}>
          Show all
        </Button>
      )}
    </div>
  );
});
