/** The simulated service speaks both protocols: OpenAI completions and chat, Ollama's native generate. */
import type { ServiceCapabilities } from '../../contracts/index.js';
import { DEFAULT_MODEL } from './sim/models.js';

export const DUMMY_CAPABILITIES: ServiceCapabilities = {
  apis: ['completions', 'chat', 'generate'],
  default_api: 'completions',
  protocol: 'openai',
  default_port: 11500, // `hpcbench serve dummy`'s port
  health_path: '/health',
  metrics_path: '/metrics',
  default_model: DEFAULT_MODEL,
};
