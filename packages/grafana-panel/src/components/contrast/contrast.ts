import { colorManipulator, type GrafanaTheme2 } from '@grafana/data';

/** WCAG 2 AA for normal text: the cells' 10–12 px labels are small text, so 4.5:1, not the 3:1 of large text. */
export const MIN_CONTRAST = 4.5;

/**
 * What a colour computed on a translucent tint aims for: the browser rounds the blended colour it paints
 * to whole RGB values, which can leave a computed 4.50 at 4.49 (axe-core measures what is painted).
 */
export const TINT_TARGET = MIN_CONTRAST + 0.15;

const { alpha, asHexString, getContrastRatio, getLuminance, darken, lighten, onBackground } = colorManipulator;

/** A colour (with alpha or not) as it looks painted over `canvas`, as an opaque hex colour. */
export function flatten(color: string, canvas: string): string {
  return onBackground(color, canvas).toHexString();
}

/** Contrast of `fg` on `bg`, both opaque (flatten translucent ones first). */
export function contrast(fg: string, bg: string): number {
  return getContrastRatio(fg, bg);
}

/**
 * `bg`, moved away from `fg` (darkened under light text, lightened under dark text) in small steps until
 * `fg` reads on it at `min`: the theme's hue is kept, only as much shade is added as the text needs.
 * Computed rather than picked, so it holds for both themes and for whatever the theme tokens become.
 */
export function readableBackground(bg: string, fg: string, min = MIN_CONTRAST): string {
  const lightText = getLuminance(fg) > getLuminance(bg);
  let out = bg;
  for (let i = 0; i < 40 && getContrastRatio(fg, out) < min; i++) {
    out = lightText ? darken(out, 0.03) : lighten(out, 0.03);
  }
  return out;
}

/**
 * `fg`, moved away from `bg` (lightened on dark backgrounds, darkened on light ones) until it reads at
 * `min`: for coloured text such as a badge's.
 */
export function readableText(fg: string, bg: string, min = MIN_CONTRAST): string {
  const darkBg = getLuminance(bg) < 0.5;
  let out = fg;
  for (let i = 0; i < 40 && getContrastRatio(out, bg) < min; i++) {
    out = darkBg ? lighten(out, 0.05) : darken(out, 0.05);
  }
  return out;
}

/** The tint Grafana's Badge paints behind its text: the colour at 15 % (Badge.tsx in @grafana/ui). */
export const BADGE_TINT = 0.15;

/**
 * Text for a Grafana Badge of `color` that reads at 4.5:1 on the badge's tint over the panel's background.
 * Grafana's own (the colour lightened 15 % in the dark theme, darkened 25 % in the light one) is short of
 * it for grey, orange and red on a small font.
 */
export function badgeTextColor(color: string, theme: GrafanaTheme2): string {
  let byColor = badgeTexts.get(theme);
  if (!byColor) {
    byColor = new Map();
    badgeTexts.set(theme, byColor);
  }
  let text = byColor.get(color);
  if (text === undefined) {
    text = computeBadgeTextColor(color, theme);
    byColor.set(color, text);
  }
  return text;
}

/** badgeTextColor's results per theme: a contrast search per badge as each row scrolls in adds up. */
const badgeTexts = new WeakMap<GrafanaTheme2, Map<string, string>>();

function computeBadgeTextColor(color: string, theme: GrafanaTheme2): string {
  // named colours ('darkgrey') as hex: the arithmetic below takes only #hex, rgb() and hsl()
  const source = asHexString(theme.visualization.getColorByName(color));
  const tint = flatten(alpha(source, BADGE_TINT), theme.colors.background.primary);
  return readableText(flatten(source, tint), tint, TINT_TARGET);
}
