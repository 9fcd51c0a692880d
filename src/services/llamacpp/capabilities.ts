/** llama.cpp's llama-server speaks the OpenAI API (completions, chat); `--metrics` serves Prometheus metrics. */
import type { ServiceCapabilities } from '../../contracts/index.js';

export const LLAMACPP_CAPABILITIES: ServiceCapabilities = {
  apis: ['completions', 'chat'],
  default_api: 'completions',
  protocol: 'openai',
  default_port: 8080,
  health_path: '/health',
  metrics_path: '/metrics',
  // one model, a few parallel slots (--parallel): a few tens of requests/s on a GPU
  plausible_rate: { rps_per_server: 100 },
};
