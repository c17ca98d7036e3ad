import React from 'react';
import { Badge, Tooltip, useStyles2, useTheme2 } from '@grafana/ui';

import type { NamespaceState } from '../../data/types';
import { STATE_GLYPH, STATE_LABEL, STATE_MEANING, stateColors } from '../IsolationStrip/states';
import { RISKS, type RiskKind } from '../SecurityBadges/risks';
import { TEST_IDS } from '../testIds';
import { getStyles } from './Legend.styles';

const STATES: NamespaceState[] = ['private', 'shared', 'host', 'unknown'];

export interface LegendProps {
  showSecurity: boolean;
  showResources: boolean;
}

/** What the strip's cells and the badges mean, with the same colours and glyphs as the table. */
export function Legend({ showSecurity, showResources }: LegendProps) {
  const styles = useStyles2(getStyles);
  const theme = useTheme2();

  return (
    <div className={styles.root} data-testid={TEST_IDS.legend.root} aria-label="Legend" role="group">
      <span className={styles.heading}>Namespaces</span>
      <ul className={styles.group}>
        {STATES.map((state) => (
          <Tooltip key={state} content={STATE_MEANING[state]}>
            <li
              className={styles.item}
              aria-label={`${STATE_GLYPH[state]}, ${STATE_LABEL[state]}: ${STATE_MEANING[state]}`}
            >
              <span className={styles.swatch} style={stateColors(state, theme)} aria-hidden>
                {STATE_GLYPH[state]}
              </span>
              {STATE_LABEL[state]}
              {state === 'shared' ? ' (n others)' : ''}
            </li>
          </Tooltip>
        ))}
      </ul>
      {showSecurity && (
        <>
          <span className={styles.heading}>Security</span>
          <ul className={styles.group}>
            {(Object.keys(RISKS) as RiskKind[]).map((kind) => (
              <li key={kind} className={styles.item}>
                <Badge color={RISKS[kind].color} text={RISKS[kind].text} tooltip={RISKS[kind].explanation} />
              </li>
            ))}
          </ul>
        </>
      )}
      {showResources && (
        <span>
          Bars are full at each container&apos;s own limit; colours follow the panel&apos;s thresholds (percent of that
          limit).
        </span>
      )}
    </div>
  );
}
