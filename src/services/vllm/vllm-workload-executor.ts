/** Workload executor for the `vllm` service: the request client speaks `completions` unless the workload says otherwise. */

import type { WorkloadSpec } from '../../contracts/index.js';
import { BaseWorkloadExecutor } from '../../executor/base-workload-executor.js';

export class VllmWorkloadExecutor extends BaseWorkloadExecutor {
  override getServiceName(): string {
    return 'vllm';
  }
  protected override prepareSpec(spec: WorkloadSpec): WorkloadSpec {
    return { ...spec, service: 'vllm', api: spec.api ?? 'completions' };
  }
}
