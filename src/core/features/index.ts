export * from './registry';
export * from './engine';
