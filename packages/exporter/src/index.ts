export { runExporter, loadEnvironment } from './app';
export { Exporter } from './exporter';
export { Exposition } from './exposition/exposition';
export { parseArgs, defaultOptions } from './flags';
export type { Options } from './flags';
export { createLogger, silentLogger } from './log/logger';
