/** The workload controller: client side of the executor protocol and exact aggregation. */
export { aggregate } from './aggregate.js';
export {
  BaseWorkloadController,
  executorRecordsPath,
  type StartedWorkload,
  type StartOptions,
  sharedStart,
  type WorkloadConfig,
} from './base-workload-controller.js';
export type * from './types.js';
