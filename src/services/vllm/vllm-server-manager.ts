/** vLLM: healthy when `GET /health` answers 200; ready when the model is listed by `/v1/models`. */
import { OpenAiServerManager } from '../base/openai-server-manager.js';
import type { ServerManagerConfig } from '../base/types.js';
import { VLLM_CAPABILITIES } from './capabilities.js';

export const VLLM_DEFAULTS = {
  max_model_len: 2048,
  gpu_memory_utilization: 0.9,
  enforce_eager: false,
  trust_remote_code: false,
  distributed: {
    enabled: false,
    backend: 'ray',
    tensor_parallel_size: 1,
    pipeline_parallel_size: 1,
    ray: { dashboard_port: 8265 },
  },
} as const;

export class VllmServerManager extends OpenAiServerManager {
  static readonly capabilities = VLLM_CAPABILITIES;
  getServiceName(): string {
    return 'vllm';
  }
  parseServiceConfig(config: ServerManagerConfig): Record<string, unknown> {
    const raw = config.service_config ?? {};
    const dist = (raw.distributed ?? {}) as Record<string, unknown>;
    const ray = (dist.ray ?? {}) as Record<string, unknown>;
    return {
      ...VLLM_DEFAULTS,
      ...raw,
      distributed: {
        ...VLLM_DEFAULTS.distributed,
        ...dist,
        ray: { ...VLLM_DEFAULTS.distributed.ray, ...ray },
      },
    };
  }
}
