/** Workload executor for the `vllm` service: its request client follows the service's capabilities. */

import { BaseWorkloadExecutor } from '../../executor/base-workload-executor.js';
import { VLLM_CAPABILITIES } from './capabilities.js';

export class VllmWorkloadExecutor extends BaseWorkloadExecutor {
  static readonly capabilities = VLLM_CAPABILITIES;
  override getServiceName(): string {
    return 'vllm';
  }
}
