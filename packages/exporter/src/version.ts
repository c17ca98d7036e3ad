// Read at run time so the build does not need a generated file; dist/ sits beside package.json.
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const VERSION: string = require('../package.json').version;
