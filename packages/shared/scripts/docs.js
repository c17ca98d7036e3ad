#!/usr/bin/env node
// Regenerates the metric table in the repository README from the built contract (dist/).
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { withMetricsSection } = require('../dist');

const readme = join(__dirname, '..', '..', '..', 'README.md');
writeFileSync(readme, withMetricsSection(readFileSync(readme, 'utf8')));
console.log(`updated ${readme}`);
