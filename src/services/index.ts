/** Services: the factory and registry, plugins, the base server managers and every built-in service. */

export { endpointUrl } from '../util/endpoint.js';
export { BaseServerManager } from './base/base-server-manager.js';
export { listOpenAiModels, modelMatches, OpenAiServerManager } from './base/openai-server-manager.js';
export type {
  DistributedConfig,
  HealthCheckConfig,
  PrepareProgress,
  RayConfig,
  ServerManagerConfig,
  ServerManagerOptions,
  ServiceConfig,
} from './base/types.js';
export { DummyServerManager, DummyWorkloadController, DummyWorkloadExecutor } from './dummy/index.js';
export { ServiceFactory } from './factory.js';
export {
  LlamacppServerManager,
  LlamacppWorkloadController,
  LlamacppWorkloadExecutor,
} from './llamacpp/index.js';
export { OllamaServerManager, OllamaWorkloadController, OllamaWorkloadExecutor } from './ollama/index.js';
export { loadPlugins, type PluginApi, pluginApi } from './plugins.js';
export type * from './registry-types.js';
export { VllmServerManager, VllmWorkloadController, VllmWorkloadExecutor } from './vllm/index.js';
export { VLLM_DEFAULTS } from './vllm/vllm-server-manager.js';
