#!/usr/bin/env node
/**
 * `npm run bench`: runs the typed benchmark (bench/run.ts) under the Node that runs this file. @swc/core (a
 * root devDependency, also jest's transformer) strips the types when Node requires a .ts file: the bench's
 * own modules and the e2e harness it shares with the browser tests.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const swc = require('@swc/core');

require.extensions['.ts'] = (module, filename) => {
  const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    module: { type: 'commonjs' },
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    sourceMaps: false,
  });
  module._compile(code, filename);
};

require(path.join(__dirname, 'run.ts'));
