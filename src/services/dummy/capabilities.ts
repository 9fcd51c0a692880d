/**
 * The simulated service speaks both protocols: OpenAI completions and chat, Ollama's native generate. It
 * is hpcbench itself (no artifacts on Slurm) and simulated (no prompt-length warning); any rate is plausible.
 */
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
  // `hpcbench serve dummy` is hpcbench itself: nothing to ship to a Slurm node
  needs_artifacts: false,
  simulated: true,
};
