import React, { memo } from 'react';
import { Badge, Tooltip, useStyles2 } from '@grafana/ui';
import { cx } from '@emotion/css';

import type { SecurityFacts } from '../../data/types';
import { TEST_IDS } from '../testIds';
import { getStyles } from './SecurityBadges.styles';
import { hasAnyFact, risksOf } from './risks';

export interface SecurityBadgesProps {
  facts: SecurityFacts;
  /** Compact rows: one line of abbreviations. */
  compact?: boolean;
  /** A narrow column: the short texts ("host root", "nnp off"). */
  short?: boolean;
}

/**
 * One badge per risky fact; a muted "ok" when facts were read and none is risky; nothing without facts.
 * Badges that do not fit one line wrap onto a second in normal rows (two fit the row height); compact rows
 * keep one line (SecurityBadges.styles.ts).
 */
export const SecurityBadges = memo(function SecurityBadges({ facts, compact, short }: SecurityBadgesProps) {
  const styles = useStyles2(getStyles);
  const risks = risksOf(facts);

  if (risks.length === 0) {
    if (!hasAnyFact(facts)) {
      return null;
    }
    return (
      <Tooltip content="None of the checked settings widens the container's reach (privileges, root mapping, seccomp, no_new_privs).">
        <span className={styles.ok} data-testid={TEST_IDS.badges.ok}>
          ok
        </span>
      </Tooltip>
    );
  }

  return (
    <div className={cx(styles.root, compact && styles.oneLine)} data-testid={TEST_IDS.badges.root}>
      {risks.map((r) => (
        <Badge
          key={r.kind}
          className={styles.badge}
          color={r.color}
          text={compact ? r.compactText : short ? r.shortText : r.text}
          tooltip={`${r.text}: ${r.explanation}`}
          // the visible text can be an abbreviation (compact, short): the label carries the whole meaning
          role="img"
          aria-label={`${r.text}: ${r.explanation}`}
          data-testid={TEST_IDS.badges.badge(r.kind)}
        />
      ))}
    </div>
  );
});
