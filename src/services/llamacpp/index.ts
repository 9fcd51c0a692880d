export { LLAMACPP_CAPABILITIES } from './capabilities.js';
export { LlamacppServerManager } from './llamacpp-server-manager.js';
export { LlamacppWorkloadController } from './llamacpp-workload-controller.js';
export { LlamacppWorkloadExecutor } from './llamacpp-workload-executor.js';
