export * from './metrics';
export * from './values';
