import React, { memo } from 'react';
import { Badge, useStyles2, useTheme2 } from '@grafana/ui';
import { cx } from '@emotion/css';

import type { SecurityFacts } from '../../data/types';
import { CellTooltip } from '../CellTooltip/CellTooltip';
import { badgeTextColor } from '../contrast/contrast';
import { TEST_IDS } from '../testIds';
import { getStyles } from './SecurityBadges.styles';
import { badgesThatFit } from './fit';
import { hasAnyFact, risksOf } from './risks';

export interface SecurityBadgesProps {
  facts: SecurityFacts;
  /** Compact rows: one line of abbreviations. */
  compact?: boolean;
  /** A narrow column: the short texts ("host root", "nnp off"). */
  short?: boolean;
  /** px of the cell's content box, when known: badges that do not fit make way for a "+n" (fit.ts). */
  width?: number;
}

/**
 * One badge per risky fact; a muted "ok" when facts were read and none is risky; nothing without facts.
 * Badges that do not fit one line wrap onto a second in normal rows (two fit the row height); compact rows
 * keep one line (SecurityBadges.styles.ts).
 */
export const SecurityBadges = memo(function SecurityBadges({ facts, compact, short, width }: SecurityBadgesProps) {
  const styles = useStyles2(getStyles);
  const theme = useTheme2();
  const risks = risksOf(facts);
  const badgeText = (color: string) => badgeTextColor(color, theme);

  if (risks.length === 0) {
    if (!hasAnyFact(facts)) {
      return null;
    }
    return (
      <CellTooltip content="None of the checked settings widens the container's reach (privileges, root mapping, seccomp, no_new_privs).">
        <span className={styles.ok} data-testid={TEST_IDS.badges.ok}>
          ok
        </span>
      </CellTooltip>
    );
  }

  const textOf = (r: (typeof risks)[number]) => (compact ? r.compactText : short ? r.shortText : r.text);
  const shown = badgesThatFit(risks.map(textOf), width, compact ? 1 : 2);
  const rest = risks.slice(shown);
  const restText = rest.map((r) => `${r.text}: ${r.explanation}`).join('\n');

  return (
    <div className={cx(styles.root, compact && styles.oneLine)} data-testid={TEST_IDS.badges.root}>
      {risks.slice(0, shown).map((r) => (
        // the tooltip outside the Badge: Badge's own would make every badge a tab stop
        <CellTooltip key={r.kind} content={`${r.text}: ${r.explanation}`} placement="auto">
          <Badge
            className={styles.badge}
            color={r.color}
            text={textOf(r)}
            // Grafana's badge text is 3–4:1 on its tint; this one is shaded to 4.5:1 (contrast.ts)
            style={{ color: badgeText(r.color) }}
            // the visible text can be an abbreviation (compact, short): the label carries the whole meaning
            role="img"
            aria-label={`${r.text}: ${r.explanation}`}
            data-testid={TEST_IDS.badges.badge(r.kind)}
          />
        </CellTooltip>
      ))}
      {rest.length > 0 && (
        <CellTooltip content={<span className={styles.moreTooltip}>{restText}</span>} placement="auto">
          <Badge
            className={styles.badge}
            color="darkgrey"
            text={`+${rest.length}`}
            style={{ color: badgeText('darkgrey') }}
            role="img"
            aria-label={`${rest.length} more: ${rest.map((r) => r.text).join(', ')}`}
            data-testid={TEST_IDS.badges.more}
          />
        </CellTooltip>
      )}
    </div>
  );
});
