/** Workload executor for the `llamacpp` service: the request client speaks `completions` unless the workload says otherwise. */
import { BaseWorkloadExecutor } from '../../executor/base-workload-executor.js';
import type { WorkloadSpec } from '../../loadgen/spec.js';

export class LlamacppWorkloadExecutor extends BaseWorkloadExecutor {
  override getServiceName(): string {
    return 'llamacpp';
  }
  protected override prepareSpec(spec: WorkloadSpec): WorkloadSpec {
    return { ...spec, service: 'llamacpp', api: spec.api ?? 'completions' };
  }
}
