/** Workload executor for the `ollama` service: its request client follows the service's capabilities. */

import { BaseWorkloadExecutor } from '../../executor/base-workload-executor.js';
import { OLLAMA_CAPABILITIES } from './capabilities.js';

export class OllamaWorkloadExecutor extends BaseWorkloadExecutor {
  static readonly capabilities = OLLAMA_CAPABILITIES;
  override getServiceName(): string {
    return 'ollama';
  }
}
