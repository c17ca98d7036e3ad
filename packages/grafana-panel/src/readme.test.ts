import fs from 'node:fs';
import path from 'node:path';
import { NAMESPACE_TYPES } from '@isoscope/shared';

import { visibleColumns, type ColumnSwitches } from './components/ContainerTable/columns';
import { fitsFrom } from './components/ContainerTable/layout';
import { HOST_RISK } from './data/namespaceRisk';
import { RAW_METRICS_QUERY, ROLE_KEYS, ROLES } from './data/roles';
import plugin from './plugin.json';

/**
 * src/README.md is the plugin's catalog page (copied into dist/). What it says about the queries, the
 * namespace risks and the layout is written from the code; these checks fail when the two part.
 */
const README = fs.readFileSync(path.join(__dirname, 'README.md'), 'utf8');
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A markdown table row whose first cells are these, whatever the padding. */
const row = (...cells: string[]) => new RegExp(`^\\|\\s*${cells.map(escape).join('\\s*\\|\\s*')}\\s*\\|`, 'm');

describe('src/README.md', () => {
  it('gives the raw-metrics query exactly as the panel expects it', () => {
    expect(README).toContain(RAW_METRICS_QUERY);
  });

  it.each(ROLE_KEYS)('lists role %s with its PromQL', (key) => {
    const line = README.split('\n').find((l) => row(`\`${key}\``).test(l));
    expect(line).toBeDefined();
    expect(line).toContain(`\`${ROLES[key].query}\``);
    expect(line).toContain('metric' in ROLES[key] ? 'raw query' : `refId \`${key}\``);
  });

  it('lists no role the panel does not know', () => {
    const listed = [
      ...README.matchAll(/^\|\s*`(\w+)`\s*\|\s*(?:namespaces|security|cpu|memory|pids|pressure|network|io)\s*\|/gm),
    ];
    expect(listed.map((m) => m[1]).sort()).toEqual([...ROLE_KEYS].sort());
  });

  it.each([...NAMESPACE_TYPES])('gives the host risk of %s as the panel draws it', (type) => {
    expect(README).toMatch(row(`\`${type}\``, HOST_RISK[type].risk));
  });

  it('lists the layout breakpoints the column widths give', () => {
    const core: ColumnSwitches = { security: true, resources: true, pressure: false, networkIo: false };
    const at = (on: Partial<ColumnSwitches>) =>
      [false, true].map((compact) => String(fitsFrom(visibleColumns({ ...core, ...on }), compact)));
    expect(README).toMatch(row('all but pressure, network and disk', ...at({})));
    expect(README).toMatch(row('+ pressure (the default columns)', ...at({ pressure: true })));
    expect(README).toMatch(row('+ network and disk', ...at({ networkIo: true })));
    expect(README).toMatch(row('+ pressure, network and disk', ...at({ pressure: true, networkIo: true })));
  });

  it('says how to install it under the plugin’s id', () => {
    expect(README).toContain(`/var/lib/grafana/plugins/${plugin.id}`);
    expect(README).toContain(`GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS=${plugin.id}`);
    expect(README).toContain(`"type": "${plugin.id}"`);
  });

  it('links no screenshot URL it cannot know (the repository path is mentioned instead)', () => {
    expect(README).not.toMatch(/raw\.githubusercontent\.com/);
    expect(README).toContain('docs/screenshots/');
  });
});
