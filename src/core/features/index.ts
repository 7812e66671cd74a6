/**
 * The features package's public entry point: the registry (names, groups, model subset), the streaming
 * engine and batch mode. Node-only code (`batch/parallel-node.ts`, worker_threads) is imported directly.
 */
export * from './registry';
export { FeatureEngine } from './engine';
export { computeFeatures, modelFeatureMatrix, modelMatrixOf } from './batch';
