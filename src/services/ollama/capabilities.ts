/** Ollama speaks its native API (/api/generate, /api/chat); it has no Prometheus metrics. */
import type { ServiceCapabilities } from '../../contracts/index.js';

export const OLLAMA_CAPABILITIES: ServiceCapabilities = {
  apis: ['generate', 'chat'],
  default_api: 'generate',
  protocol: 'ollama',
  default_port: 11434,
  health_path: '/api/tags',
};
