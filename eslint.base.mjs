// The lint rules every Node package (shared, exporter, test-support) follows: ESLint's and typescript-eslint's
// recommended sets, with Prettier owning the layout. The panel keeps the config @grafana/create-plugin
// scaffolded (packages/grafana-panel/eslint.config.mjs), which builds on the same two sets.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/', '**/dist-check/', '**/node_modules/', '**/coverage/', '**/.turbo/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      // Unused arguments named _x are part of an interface the function implements.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // `let timer` declared before the closures that clear it, assigned once they exist.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'error',
    },
  },
  {
    // Plain CommonJS scripts (fixture generators, jest configs).
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Tests and the bench report to the terminal; the exporter itself logs through its logger.
    files: ['**/*.test.ts', '**/test/**', '**/bench/**', '**/scripts/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // What tests read back from engines, daemons and recorded answers is untyped JSON.
    files: ['**/*.test.ts', '**/test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  prettier
);
