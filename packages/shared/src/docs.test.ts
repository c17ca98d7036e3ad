import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_METRICS } from './metrics';
import { metricsMarkdown, withMetricsSection } from './docs';

describe('metric docs', () => {
  it('has one row per family', () => {
    const table = metricsMarkdown();
    for (const m of ALL_METRICS) expect(table).toContain(`| \`${m.name}\` |`);
  });

  it('keeps the README table in step with the contract (run `npm run docs` after changing it)', () => {
    const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
    expect(withMetricsSection(readme)).toBe(readme);
  });
});
