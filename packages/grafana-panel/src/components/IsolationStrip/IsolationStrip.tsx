import React, { memo } from 'react';
import { Tooltip, useStyles2, useTheme2 } from '@grafana/ui';
import { cx } from '@emotion/css';

import type { NamespaceCell } from '../../data/types';
import { TEST_IDS } from '../testIds';
import { getStyles } from './IsolationStrip.styles';
import { describeCell, NS_ABBREVIATION, othersCount, STATE_GLYPH, stateColors } from './states';

export interface IsolationStripProps {
  /** Eight cells in NAMESPACE_TYPES order (the data layer guarantees order and count). */
  cells: NamespaceCell[];
  compact?: boolean;
}

/** One cell per namespace type: how the container holds it, in colour, glyph and words. */
export const IsolationStrip = memo(function IsolationStrip({ cells, compact }: IsolationStripProps) {
  const styles = useStyles2(getStyles);
  const theme = useTheme2();

  return (
    <ul className={styles.strip} aria-label="Namespaces" data-testid={TEST_IDS.strip.root}>
      {cells.map((cell) => {
        const text = describeCell(cell);
        const count = othersCount(cell);
        const colours = stateColors(cell.state, theme);
        return (
          <Tooltip key={cell.type} content={text} placement="top">
            <li
              className={cx(
                styles.cell,
                compact && styles.cellCompact,
                cell.state === 'host' && styles.host,
                cell.state === 'unknown' && styles.unknown
              )}
              // per-state colours from the theme; inline because they are picked per cell at render
              style={colours}
              aria-label={text}
              data-state={cell.state}
              data-testid={TEST_IDS.strip.cell(cell.type)}
            >
              {!compact && <span className={styles.abbr}>{NS_ABBREVIATION[cell.type]}</span>}
              <span className={styles.glyph} aria-hidden>
                {STATE_GLYPH[cell.state]}
                {count !== undefined && !compact ? count : ''}
              </span>
            </li>
          </Tooltip>
        );
      })}
    </ul>
  );
});
