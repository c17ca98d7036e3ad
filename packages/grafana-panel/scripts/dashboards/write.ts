/**
 * Writes every provisioned dashboard (provisioning/grafana/dashboards/*.json, repository root) from the
 * generators beside this file; with `--check`, writes nothing and exits 1 when a committed file differs.
 *
 *   npm run dashboards              # at the repository root, or -w @isoscope/grafana-panel
 *   npm run dashboards -- --check
 *
 * (Both need @isoscope/shared built: `npx turbo run build --filter=@isoscope/shared`.)
 */
import fs from 'node:fs';
import path from 'node:path';

import { DASHBOARDS, dashboardJson } from './index';

function main(args: string[]): number {
  const check = args.includes('--check');
  let stale = 0;
  for (const d of Object.values(DASHBOARDS)) {
    const want = dashboardJson(d);
    const rel = path.relative(process.cwd(), d.file);
    if (check) {
      const have = fs.existsSync(d.file) ? fs.readFileSync(d.file, 'utf8') : '';
      if (have === want) {
        console.log(`${rel} is up to date`);
      } else {
        console.error(`${rel} is out of date: run \`npm run dashboards\``);
        stale++;
      }
      continue;
    }
    fs.mkdirSync(path.dirname(d.file), { recursive: true });
    fs.writeFileSync(d.file, want);
    console.log(`wrote ${rel}`);
  }
  return stale === 0 ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
