/**
 * The README's "cAdvisor compatibility" table and the shapes the live test runs (test/support/cadvisorShapes.ts)
 * are the same list, row for row, with the same verdicts: a shape added to one and not the other, or a
 * verdict changed in one, fails here without starting anything.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CADVISOR_SHAPES } from './support/cadvisorShapes';

const README = path.join(__dirname, '..', '..', '..', 'README.md');

/** The cells of one Markdown table row; `\|` inside a cell is a literal bar. */
function cells(row: string): string[] {
  return row
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim().replace(/\\\|/g, '|'));
}

/** The rows of the first table under the `### cAdvisor compatibility` heading: query and verdict. */
function readmeRows(markdown: string): Array<{ query: string; works: boolean }> {
  const section = markdown.split('\n### cAdvisor compatibility\n')[1];
  if (section === undefined) throw new Error('README.md has no "### cAdvisor compatibility" section');
  const lines = section.split('\n');
  const start = lines.findIndex((l) => l.startsWith('|'));
  const end = lines.findIndex((l, i) => i > start && !l.startsWith('|'));
  const [header, , ...rows] = lines.slice(start, end === -1 ? undefined : end);
  expect(cells(header)).toEqual(['query shape', 'on isoscope', 'why, or what to use instead']);
  return rows.map((row) => {
    const [shape, verdict, why] = cells(row);
    const query = /^`(.+)`$/.exec(shape)?.[1];
    if (query === undefined) throw new Error(`not one code span: ${shape}`);
    if (verdict !== 'works' && verdict !== 'does not') throw new Error(`verdict is not "works" or "does not": ${row}`);
    if (!why) throw new Error(`no reason given: ${row}`);
    return { query, works: verdict === 'works' };
  });
}

describe("the README's cAdvisor compatibility table", () => {
  it('lists exactly the shapes the live test checks, in its order, with its verdicts', () => {
    const readme = readmeRows(readFileSync(README, 'utf8'));
    expect(readme).toEqual(CADVISOR_SHAPES.map(({ query, works }) => ({ query, works })));
  });

  it('names every shape once', () => {
    const queries = CADVISOR_SHAPES.map((s) => s.query);
    expect(new Set(queries).size).toBe(queries.length);
  });
});
