/**
 * `createServiceClient(spec)`: which protocol each service speaks. ollama → native /api/generate or
 * /api/chat; vllm, llamacpp → OpenAI completions or chat; dummy (speaks both) → OpenAI completions by
 * default, native when `api: generate`. Unknown services are treated as OpenAI-compatible.
 */

import type { WorkloadSpec } from '../../contracts/index.js';
import { ConfigValidationError } from '../../errors.js';
import { OllamaClient } from './ollama-client.js';
import { OpenAiClient } from './openai-client.js';
import { Targets } from './pools.js';
import type { ServiceClient } from './types.js';

export { OllamaClient } from './ollama-client.js';
export { OpenAiClient } from './openai-client.js';
export { Targets } from './pools.js';
export type { CancelSignal, RequestInput, ServiceClient } from './types.js';

/** Connections per origin: closed loop one per user; open loop `max_concurrency`, else unbounded. */
export function connectionsFor(spec: WorkloadSpec): number | null {
  const load = spec.load;
  return load.mode === 'open' ? (load.max_concurrency ?? null) : Math.max(1, load.clients_per_node);
}

export function createServiceClient(spec: WorkloadSpec, connections = connectionsFor(spec)): ServiceClient {
  const targets = new Targets(spec, connections);
  const service = spec.service;
  if (service === 'ollama') {
    const api = spec.api ?? 'generate';
    if (api === 'completions')
      throw new ConfigValidationError(
        `workload.api: ollama speaks 'generate' or 'chat' (its native API), not 'completions'`,
        [{ severity: 'error', path: 'workload.api', message: "allowed for ollama: 'generate', 'chat'" }],
      );
    return new OllamaClient(spec, targets, api);
  }
  const api = spec.api ?? 'completions';
  if (api === 'generate') {
    if (service === 'dummy') return new OllamaClient(spec, targets, 'generate');
    throw new ConfigValidationError(
      `workload.api: ${service} speaks the OpenAI API ('completions' or 'chat'), not 'generate'`,
      [{ severity: 'error', path: 'workload.api', message: `allowed for ${service}: 'completions', 'chat'` }],
    );
  }
  return new OpenAiClient(spec, targets, api);
}
