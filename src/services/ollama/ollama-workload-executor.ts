/** Workload executor for the `ollama` service: the request client speaks `generate` unless the workload says otherwise. */

import type { WorkloadSpec } from '../../contracts/index.js';
import { BaseWorkloadExecutor } from '../../executor/base-workload-executor.js';

export class OllamaWorkloadExecutor extends BaseWorkloadExecutor {
  override getServiceName(): string {
    return 'ollama';
  }
  protected override prepareSpec(spec: WorkloadSpec): WorkloadSpec {
    return { ...spec, service: 'ollama', api: spec.api ?? 'generate' };
  }
}
