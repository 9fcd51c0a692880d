/** Ollama speaks its native API (/api/generate, /api/chat); it has no Prometheus metrics but /api/ps. */
import type { ServiceCapabilities } from '../../contracts/index.js';

export const OLLAMA_CAPABILITIES: ServiceCapabilities = {
  apis: ['generate', 'chat'],
  default_api: 'generate',
  protocol: 'ollama',
  default_port: 11434,
  health_path: '/api/tags',
  // no Prometheus metrics: the scraper samples /api/ps (the loaded models, their size and VRAM)
  server_status: { path: '/api/ps', format: 'ollama_ps' },
  plausible_rate: {
    rps_per_server: 10,
    slots_env: { name: 'OLLAMA_NUM_PARALLEL', default: 4 },
    note: 'Ollama serves OLLAMA_NUM_PARALLEL requests at a time, 4 by default',
  },
  // Ollama has no server flag for the layers on the GPU: every request carries options.num_gpu
  per_request_config: { gpu_layers: 'num_gpu' },
};
