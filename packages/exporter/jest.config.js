module.exports = {
  ...require('../../jest.base.js'),
  roots: ['<rootDir>/src', '<rootDir>/test'],
  // Live tests share one Docker engine and real cgroups: run files one at a time.
  maxWorkers: 1,
  testTimeout: 60000,
};
