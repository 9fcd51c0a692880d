/** Workload executor for the `dummy` service: its request client follows the service's capabilities. */

import { BaseWorkloadExecutor } from '../../executor/base-workload-executor.js';
import { DUMMY_CAPABILITIES } from './capabilities.js';

export class DummyWorkloadExecutor extends BaseWorkloadExecutor {
  static readonly capabilities = DUMMY_CAPABILITIES;
  override getServiceName(): string {
    return 'dummy';
  }
}
