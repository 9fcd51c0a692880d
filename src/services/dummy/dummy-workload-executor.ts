/** Workload executor for the `dummy` service: the request client speaks `completions` unless the workload says otherwise. */

import type { WorkloadSpec } from '../../contracts/index.js';
import { BaseWorkloadExecutor } from '../../executor/base-workload-executor.js';

export class DummyWorkloadExecutor extends BaseWorkloadExecutor {
  override getServiceName(): string {
    return 'dummy';
  }
  protected override prepareSpec(spec: WorkloadSpec): WorkloadSpec {
    return { ...spec, service: 'dummy', api: spec.api ?? 'completions' };
  }
}
