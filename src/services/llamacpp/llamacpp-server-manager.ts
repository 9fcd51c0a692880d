/**
 * llama.cpp's `llama-server`: `GET /health` answers 503 while the model loads and 200 once ready, so
 * verifyHealth keeps polling through the 503s; the model is the one listed by `/v1/models`.
 */
import { OpenAiServerManager } from '../base/openai-server-manager.js';
import type { ServerManagerConfig } from '../base/types.js';
import { LLAMACPP_CAPABILITIES } from './capabilities.js';

export class LlamacppServerManager extends OpenAiServerManager {
  static readonly capabilities = LLAMACPP_CAPABILITIES;
  getServiceName(): string {
    return 'llamacpp';
  }
  parseServiceConfig(config: ServerManagerConfig): Record<string, unknown> {
    return { ctx_size: 2048, threads: 1, parallel: 1, ...config.service_config };
  }
}
