/**
 * llama.cpp's `llama-server`: `GET /health` answers 503 while the model loads and 200 once ready, so
 * verifyHealth keeps polling through the 503s; the model is the one listed by `/v1/models`.
 */
import { OpenAiServerManager } from '../base/openai-server-manager.js';
import type { ServerManagerConfig } from '../base/types.js';

export class LlamacppServerManager extends OpenAiServerManager {
  getServiceName(): string {
    return 'llamacpp';
  }
  getDefaultPort(): number {
    return 8080;
  }
  override getMetricsPath(): string {
    return '/metrics';
  }
  getDefaultHealthPath(): string {
    return '/health';
  }
  parseServiceConfig(config: ServerManagerConfig): Record<string, unknown> {
    return { ctx_size: 2048, threads: 1, parallel: 1, ...config.service_config };
  }
}
