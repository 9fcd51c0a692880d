/**
 * The simulated service speaks both the Ollama and the OpenAI protocols; health is `GET /health`, and the
 * model must be listed by `/v1/models` (the simulator serves `dummy-model` plus its configured `models`).
 * `servers.service_config` is validated like the simulator validates it (E006 naming the field).
 */
import { OpenAiServerManager } from '../base/openai-server-manager.js';
import type { ServerManagerConfig } from '../base/types.js';
import { parseDummyConfig } from './sim/index.js';

export class DummyServerManager extends OpenAiServerManager {
  getServiceName(): string {
    return 'dummy';
  }
  getDefaultPort(): number {
    return 8000;
  }
  override getMetricsPath(): string {
    return '/metrics';
  }
  override getGroundTruthPath(): string {
    return '/hpcbench/requests';
  }
  getDefaultHealthPath(): string {
    return '/health';
  }
  parseServiceConfig(config: ServerManagerConfig): Record<string, unknown> {
    const raw = config.service_config ?? {};
    const parsed = parseDummyConfig(raw) as unknown as Record<string, unknown>;
    return typeof raw.model === 'string' ? { ...parsed, model: raw.model } : parsed;
  }
}
