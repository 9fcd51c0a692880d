/** Workload executor for the `ollama` service: the request client speaks `generate` unless the workload says otherwise. */
import { BaseWorkloadExecutor } from '../../executor/base-workload-executor.js';
import type { WorkloadSpec } from '../../loadgen/spec.js';

export class OllamaWorkloadExecutor extends BaseWorkloadExecutor {
  override getServiceName(): string {
    return 'ollama';
  }
  protected override prepareSpec(spec: WorkloadSpec): WorkloadSpec {
    return { ...spec, service: 'ollama', api: spec.api ?? 'generate' };
  }
}
