export { VLLM_CAPABILITIES } from './capabilities.js';
export { VllmServerManager } from './vllm-server-manager.js';
export { VllmWorkloadController } from './vllm-workload-controller.js';
export { VllmWorkloadExecutor } from './vllm-workload-executor.js';
