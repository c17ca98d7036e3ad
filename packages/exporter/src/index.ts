export { runExporter, loadEnvironment } from './app';
export { Exporter } from './exporter';
export { Exposition } from './exposition';
export { parseArgs, defaultOptions } from './flags';
export type { Options } from './flags';
export { createLogger, silentLogger } from './log/logger';
