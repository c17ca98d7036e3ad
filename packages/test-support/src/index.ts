/**
 * What the live tests of the exporter and the panel share: a private Docker engine (engine.ts), the built
 * exporter as a process (exporterProcess.ts), Debian's Prometheus on loopback (prometheus.ts), and the
 * process helpers and bounded waits they are made of (processes.ts, wait.ts).
 */
export * from './daemon';
export * from './engine';
export * from './podman';
export * from './exporterProcess';
export * from './processes';
export * from './prometheus';
export * from './wait';
