import React from 'react';
import { Badge, Tooltip, useStyles2, useTheme2 } from '@grafana/ui';
import { cx } from '@emotion/css';

import {
  NS_ABBREVIATION,
  TONE_LABEL,
  TONE_MEANING,
  TONES,
  toneStyle,
  toneGlyph,
  toneTypes,
  type CellTone,
  type ToneStyle,
} from '../IsolationStrip/states';
import { RISKS, type RiskKind } from '../SecurityBadges/risks';
import { badgeTextColor } from '../contrast/contrast';
import { TEST_IDS } from '../testIds';
import { getStyles } from './Legend.styles';

export interface LegendProps {
  showSecurity: boolean;
  showResources: boolean;
}

/**
 * What the strip's cells and the badges mean, with the same colours and glyphs as the table. Host cells
 * get one entry per risk level, naming the namespace types of that level (HOST_RISK).
 */
export function Legend({ showSecurity, showResources }: LegendProps) {
  const styles = useStyles2(getStyles);
  const theme = useTheme2();

  return (
    <div className={styles.root} data-testid={TEST_IDS.legend.root} aria-label="Legend" role="group">
      <span className={styles.heading}>Namespaces</span>
      <ul className={styles.group}>
        {TONES.map((tone) => (
          <LegendCell key={tone} tone={tone} styles={styles} look={toneStyle(tone, theme)} />
        ))}
      </ul>
      {showSecurity && (
        <>
          <span className={styles.heading}>Security</span>
          <ul className={styles.group}>
            {(Object.keys(RISKS) as RiskKind[]).map((kind) => (
              <li key={kind} className={styles.item}>
                <Badge
                  color={RISKS[kind].color}
                  text={RISKS[kind].text}
                  tooltip={RISKS[kind].explanation}
                  // as in the table (SecurityBadges): Grafana's badge text is short of 4.5:1
                  style={{ color: badgeTextColor(RISKS[kind].color, theme) }}
                />
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

function LegendCell({ tone, styles, look }: { tone: CellTone; styles: ReturnType<typeof getStyles>; look: ToneStyle }) {
  const types = toneTypes(tone);
  const typesText = types.map((t) => NS_ABBREVIATION[t]).join(' ');
  // spoken with the full type names: "H, host (mnt, pid, net, ipc): …"
  const spokenTypes = types.length > 0 ? ` (${types.join(', ')})` : '';
  return (
    <Tooltip content={TONE_MEANING[tone]}>
      <li
        className={styles.item}
        aria-label={`${toneGlyph(tone)}, ${TONE_LABEL[tone]}${spokenTypes}: ${TONE_MEANING[tone]}`}
        data-tone={tone}
      >
        <span className={cx(styles.swatch, tone === 'unknown' && styles.swatchUnknown)} style={look} aria-hidden>
          {toneGlyph(tone)}
        </span>
        <span>
          {TONE_LABEL[tone]}
          {typesText && <span className={styles.types}>: {typesText}</span>}
        </span>
      </li>
    </Tooltip>
  );
}
