/** The workload executor: its HTTP server and the seam to the load generator. */
export { BaseWorkloadExecutor, type WorkloadExecutorOptions } from './base-workload-executor.js';
export type { LoadEngine, LoadRunLike, PreparedLoadLike } from './load-engine.js';
export { parseWorkloadSpec } from './spec-schema.js';
