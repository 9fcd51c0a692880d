/** Workload executor for the `llamacpp` service: its request client follows the service's capabilities. */

import { BaseWorkloadExecutor } from '../../executor/base-workload-executor.js';
import { LLAMACPP_CAPABILITIES } from './capabilities.js';

export class LlamacppWorkloadExecutor extends BaseWorkloadExecutor {
  static readonly capabilities = LLAMACPP_CAPABILITIES;
  override getServiceName(): string {
    return 'llamacpp';
  }
}
