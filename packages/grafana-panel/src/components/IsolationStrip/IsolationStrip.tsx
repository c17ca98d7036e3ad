import React, { memo } from 'react';
import { useStyles2, useTheme2 } from '@grafana/ui';
import { cx } from '@emotion/css';

import type { NamespaceCell } from '../../data/types';
import { CellTooltip } from '../CellTooltip/CellTooltip';
import { TEST_IDS } from '../testIds';
import { getStyles } from './IsolationStrip.styles';
import { cellTone, describeCell, NS_ABBREVIATION, othersCount, STATE_GLYPH, toneStyle } from './states';

export interface IsolationStripProps {
  /** Eight cells in NAMESPACE_TYPES order (the data layer guarantees order and count). */
  cells: NamespaceCell[];
  compact?: boolean;
}

/**
 * One cell per namespace type: how the container holds it, in colour, glyph and words. A host cell's colour
 * is the risk of its type (states.ts: cellTone), so a host pid is red and a host time namespace grey.
 */
export const IsolationStrip = memo(function IsolationStrip({ cells, compact }: IsolationStripProps) {
  const styles = useStyles2(getStyles);
  const theme = useTheme2();

  return (
    <ul className={styles.strip} aria-label="Namespaces" data-testid={TEST_IDS.strip.root}>
      {cells.map((cell) => {
        const text = describeCell(cell);
        const count = othersCount(cell);
        const tone = cellTone(cell);
        const look = toneStyle(tone, theme);
        return (
          // no tab stop per cell: the table's grid focus reaches the strip's cell, the label says it all
          <CellTooltip key={cell.type} content={text} placement="top">
            <li
              className={cx(styles.cell, compact && styles.cellCompact, tone === 'unknown' && styles.unknown)}
              // per-tone colours and outline from the theme; inline because they are picked per cell at render
              style={look}
              aria-label={text}
              data-state={cell.state}
              data-tone={tone}
              data-testid={TEST_IDS.strip.cell(cell.type)}
            >
              {!compact && <span className={styles.abbr}>{NS_ABBREVIATION[cell.type]}</span>}
              <span className={styles.glyph} aria-hidden>
                {STATE_GLYPH[cell.state]}
                {count !== undefined && !compact ? count : ''}
              </span>
            </li>
          </CellTooltip>
        );
      })}
    </ul>
  );
});
