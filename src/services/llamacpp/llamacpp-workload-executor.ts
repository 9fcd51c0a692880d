/** Workload executor for the `llamacpp` service: the request client speaks `completions` unless the workload says otherwise. */

import type { WorkloadSpec } from '../../contracts/index.js';
import { BaseWorkloadExecutor } from '../../executor/base-workload-executor.js';

export class LlamacppWorkloadExecutor extends BaseWorkloadExecutor {
  override getServiceName(): string {
    return 'llamacpp';
  }
  protected override prepareSpec(spec: WorkloadSpec): WorkloadSpec {
    return { ...spec, service: 'llamacpp', api: spec.api ?? 'completions' };
  }
}
