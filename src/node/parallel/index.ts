// Data-parallel training across worker threads (Node only).
export { DataParallel, type DataParallelOptions } from './data_parallel.js';
export type { ModelSpec, OptimizerSpec, LossName } from './replica_spec.js';
