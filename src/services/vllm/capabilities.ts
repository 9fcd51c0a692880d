/** vLLM speaks the OpenAI API (completions, chat) and serves Prometheus metrics. */
import type { ServiceCapabilities } from '../../contracts/index.js';

export const VLLM_CAPABILITIES: ServiceCapabilities = {
  apis: ['completions', 'chat'],
  default_api: 'completions',
  protocol: 'openai',
  default_port: 8000,
  health_path: '/health',
  metrics_path: '/metrics',
  plausible_rate: { rps_per_server: 2000 },
  // continuous batching: fewer concurrent requests per server measure latency, not capacity
  min_batching_concurrency: 8,
};
