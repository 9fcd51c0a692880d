export { OLLAMA_CAPABILITIES } from './capabilities.js';
export { OllamaServerManager } from './ollama-server-manager.js';
export { OllamaWorkloadController } from './ollama-workload-controller.js';
export { OllamaWorkloadExecutor } from './ollama-workload-executor.js';
