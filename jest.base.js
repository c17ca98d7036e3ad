// Shared jest settings: TypeScript through swc (fast, no type check; `npm run typecheck` does that).
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.tsx?$': ['@swc/jest'] },
  moduleFileExtensions: ['ts', 'tsx', 'js', 'json'],
};
