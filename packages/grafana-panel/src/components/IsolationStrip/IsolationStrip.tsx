import React, { memo, useCallback, useState } from 'react';
import { useStyles2, useTheme2 } from '@grafana/ui';

import type { NamespaceCell } from '../../data/types';
import { OpenCellTooltip } from '../CellTooltip/CellTooltip';
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
  // The hovered cell, whose tooltip is open: one piece of state for the strip rather than a tooltip
  // component per cell (a row scrolling into the window mounts eight cells; docs/benchmarks.md).
  const [hovered, setHovered] = useState<number | undefined>(undefined);
  const close = useCallback(() => setHovered(undefined), []);

  return (
    <ul className={styles.strip} aria-label="Namespaces" data-testid={TEST_IDS.strip.root}>
      {cells.map((cell, i) => {
        const text = describeCell(cell);
        const count = othersCount(cell);
        const tone = cellTone(cell);
        const li = (
          // no tab stop per cell: the table's grid focus reaches the strip's cell, the label says it all
          <li
            key={cell.type}
            // the class per look is composed once per theme (IsolationStrip.styles.ts), not per cell
            className={styles.cellClass[compact ? 'compact' : 'normal'][tone === 'unknown' ? 'unknown' : 'known']}
            // per-tone colours and outline from the theme; inline because they are picked per cell at render
            style={toneStyle(tone, theme)}
            aria-label={text}
            data-state={cell.state}
            data-tone={tone}
            data-testid={TEST_IDS.strip.cell(cell.type)}
            onMouseEnter={hovered === i ? undefined : () => setHovered(i)}
          >
            {/* the glyph is the cell's own text (bold), the abbreviation above it the one element in it */}
            {!compact && <span className={styles.abbr}>{NS_ABBREVIATION[cell.type]}</span>}
            {count !== undefined && !compact ? `${STATE_GLYPH[cell.state]}${count}` : STATE_GLYPH[cell.state]}
          </li>
        );
        return hovered === i ? (
          <OpenCellTooltip key={cell.type} content={text} placement="top" onClose={close}>
            {li}
          </OpenCellTooltip>
        ) : (
          li
        );
      })}
    </ul>
  );
});
