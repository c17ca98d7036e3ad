// force timezone to UTC to allow tests to work regardless of local timezone
// generally used by snapshots, but can affect specific tests
process.env.TZ = 'UTC';

const base = require('./.config/jest.config');
const { grafanaESModules, nodeModulesToTransform } = require('./.config/jest/utils');

// ESM-only packages that @grafana/* 13.2 load and create-plugin's list (made for 12.x) does not have yet.
const grafana13ESModules = ['@react-hookz/web', '@ver0/deep-equal'];
const [, swc] = Object.entries(base.transform)[0];

module.exports = {
  // Jest configuration provided by Grafana scaffolding
  ...base,
  transform: {
    ...base.transform,
    // d3-interpolate 3.0.2 ships dist/*.mjs: transform .mjs too, not only .[tj]sx?
    '^.+\\.mjs$': swc,
  },
  transformIgnorePatterns: [nodeModulesToTransform([...grafanaESModules, ...grafana13ESModules])],
  // src/ (the scaffold's patterns), test/ (the checks of the test fixtures themselves) and scripts/ (the
  // provisioning checks). Not tests/: those are Playwright specs against a running Grafana (tests/README.md),
  // nor e2e/ (jest.e2e.config.js).
  testMatch: [...base.testMatch, '<rootDir>/test/**/*.test.{ts,tsx}', '<rootDir>/scripts/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/tests/', '<rootDir>/e2e/'],
};
