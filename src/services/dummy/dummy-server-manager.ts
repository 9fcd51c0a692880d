/**
 * The simulated service speaks both the Ollama and the OpenAI protocols; health is `GET /health`, and the
 * model must be listed by `/v1/models` (the simulator serves `dummy-model` plus its configured `models`).
 */
import { OpenAiServerManager } from '../base/openai-server-manager.js';
import type { ServerManagerConfig } from '../base/types.js';

export class DummyServerManager extends OpenAiServerManager {
  getServiceName(): string {
    return 'dummy';
  }
  getDefaultPort(): number {
    return 8000;
  }
  getDefaultHealthPath(): string {
    return '/health';
  }
  parseServiceConfig(config: ServerManagerConfig): Record<string, unknown> {
    return { ...config.service_config };
  }
}
