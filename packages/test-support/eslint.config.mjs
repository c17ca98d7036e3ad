import base from '../../eslint.base.mjs';

export default [
  ...base,
  {
    // Everything here is test support: it reports to the terminal and reads untyped JSON from daemons, as
    // the tests that use it do.
    files: ['src/**'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
];
