/**
 * The simulated service speaks both the Ollama and the OpenAI protocols; health is `GET /health`, and the
 * model must be listed by `/v1/models` (the simulator serves `dummy-model` plus its configured `models`).
 * `servers.service_config` is validated like the simulator validates it (E006 naming the field).
 */
import { OpenAiServerManager } from '../base/openai-server-manager.js';
import type { ServerManagerConfig } from '../base/types.js';
import { DUMMY_CAPABILITIES } from './capabilities.js';
import { parseDummyConfig } from './sim/index.js';

export class DummyServerManager extends OpenAiServerManager {
  static readonly capabilities = DUMMY_CAPABILITIES;
  getServiceName(): string {
    return 'dummy';
  }
  override getGroundTruthPath(): string {
    return '/hpcbench/requests';
  }
  parseServiceConfig(config: ServerManagerConfig): Record<string, unknown> {
    const raw = config.service_config ?? {};
    const parsed = parseDummyConfig(raw) as unknown as Record<string, unknown>;
    return typeof raw.model === 'string' ? { ...parsed, model: raw.model } : parsed;
  }
}
