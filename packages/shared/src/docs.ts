import {
  ALL_METRICS,
  CONTAINER_LABELS,
  DEFAULT_RUNTIME_LABELS,
  RUNTIME_LABEL_PREFIX,
  runtimeLabelName,
  type MetricFamily,
} from './metrics';

/** Where the README keeps the generated metric table. */
export const METRICS_DOC_START =
  '<!-- metrics:start (generated from packages/shared by `npm run docs`; do not edit) -->';
export const METRICS_DOC_END = '<!-- metrics:end -->';

/** The README's metric reference, one table row per family, straight from the contract. */
export function metricsMarkdown(): string {
  const rows = ALL_METRICS.map((m) => {
    const labels = m.labels.map((l) => `\`${l}\``).join(', ');
    const source = m.collector ? `\`${m.collector}\`` : 'always';
    return `| \`${m.name}\` | ${m.type} | ${m.unit} | ${labels || '—'} | ${source} | ${m.cadvisor ? 'yes' : ''} | ${escape(m.help)} |`;
  });
  return [
    `Every container series also carries ${CONTAINER_LABELS.map((l) => `\`${l}\``).join(', ')} ` +
      '(the last three for Kubernetes containers; `pod`, and `container="POD"` on its infra container, for Podman pods), ' +
      `and \`${RUNTIME_LABEL_PREFIX}<key>\` for each runtime label allowed by \`--runtime.labels\` (default: ` +
      `${DEFAULT_RUNTIME_LABELS.map((k) => `\`${runtimeLabelName(k)}\``).join(', ')}).`,
    '',
    '| metric | type | unit | labels | collector | cAdvisor name | meaning |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/** Replace the generated section of a document; throws if the markers are missing. */
export function withMetricsSection(doc: string): string {
  const start = doc.indexOf(METRICS_DOC_START);
  const end = doc.indexOf(METRICS_DOC_END);
  if (start === -1 || end === -1 || end < start) throw new Error('the metrics markers are missing from the document');
  return `${doc.slice(0, start + METRICS_DOC_START.length)}\n${metricsMarkdown()}\n${doc.slice(end)}`;
}

function escape(text: string): string {
  return text.replace(/\|/g, '\\|');
}

export type { MetricFamily };
