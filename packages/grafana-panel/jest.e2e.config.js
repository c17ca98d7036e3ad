/**
 * The browser end-to-end test (e2e/): dist/module.js loaded as Grafana loads it, in Debian's Chromium, on
 * data from a real exporter and Prometheus. Separate from jest.config.js (unit tests, jsdom): this one runs
 * in node, one file at a time, and needs root (private Docker engine), Chromium and Prometheus.
 */
module.exports = {
  ...require('../../jest.base.js'),
  rootDir: __dirname,
  roots: ['<rootDir>/e2e'],
  testMatch: ['<rootDir>/e2e/**/*.browser.test.ts'],
  maxWorkers: 1,
  testTimeout: 240000,
};
