/**
 * How many badges of a row fit its security cell, so a badge that does not fit is never silently lost: the
 * cell shows the first ones (worst first, risks.ts) and a "+n" for the rest.
 *
 * Widths are estimated, not measured (measuring 2,000 rows would cost a layout each): a badge is its text
 * at BADGE_CHAR_PX per character, an upper bound for Grafana's 12px font, plus BADGE_CHROME_PX (its 4px
 * padding and 1px border each side, Grafana's Badge). Over-estimating only shows "+n" a little early.
 */
export const BADGE_CHAR_PX = 7;
export const BADGE_CHROME_PX = 10;
/** Horizontal gap between badges (SecurityBadges.styles.ts columnGap). */
export const BADGE_GAP_PX = 4;

export function badgeWidth(text: string): number {
  return text.length * BADGE_CHAR_PX + BADGE_CHROME_PX;
}

/** Whether boxes of these widths, in order, wrap into at most `lines` lines of `width`. */
function fits(widths: number[], width: number, lines: number): boolean {
  let line = 1;
  let x = 0;
  for (const w of widths) {
    const need = x === 0 ? w : x + BADGE_GAP_PX + w;
    if (need <= width) {
      x = need;
      continue;
    }
    line++;
    x = w;
    if (line > lines || w > width) {
      return false;
    }
  }
  return widths.length === 0 || widths[0] <= width;
}

/**
 * How many of `texts` to draw in a cell `width` px wide with room for `lines` lines: all when they fit,
 * else as many as fit with a "+n" badge after them (at least one, whatever the width: the worst risk is
 * always named). Without a known width, all.
 */
export function badgesThatFit(texts: string[], width: number | undefined, lines: number): number {
  if (width === undefined || width <= 0) {
    return texts.length;
  }
  const widths = texts.map(badgeWidth);
  if (fits(widths, width, lines)) {
    return texts.length;
  }
  for (let k = texts.length - 1; k >= 1; k--) {
    if (fits([...widths.slice(0, k), badgeWidth(`+${texts.length - k}`)], width, lines)) {
      return k;
    }
  }
  return 1;
}
