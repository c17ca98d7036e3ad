export * from './metrics';
export * from './values';
export * from './docs';
