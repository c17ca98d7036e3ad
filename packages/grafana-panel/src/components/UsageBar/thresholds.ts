import { getActiveThreshold, ThresholdsMode, type GrafanaTheme2, type ThresholdsConfig } from '@grafana/data';

/**
 * Bars are full at the container's own limit, so the thresholds are read as percent of that limit,
 * whatever their mode: an absolute threshold could not mean the same thing for cores, bytes and tasks.
 * The default is the one the panel registers with useFieldConfig.
 */
export const DEFAULT_THRESHOLDS: ThresholdsConfig = {
  mode: ThresholdsMode.Percentage,
  steps: [
    // Grafana stores the base step as null in JSON and -Infinity in memory
    { value: -Infinity, color: 'green' },
    { value: 70, color: 'orange' },
    { value: 90, color: 'red' },
  ],
};

/** The theme colour of the threshold step a used/limit fraction falls in. */
export function thresholdColor(
  fraction: number,
  thresholds: ThresholdsConfig | undefined,
  theme: GrafanaTheme2
): string {
  const steps = thresholds?.steps?.length ? thresholds.steps : DEFAULT_THRESHOLDS.steps;
  const step = getActiveThreshold(fraction * 100, steps);
  return theme.visualization.getColorByName(step.color);
}
