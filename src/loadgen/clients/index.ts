/**
 * `createServiceClient(spec)`: which protocol each service speaks. ollama → native /api/generate or
 * /api/chat; vllm, llamacpp → OpenAI completions or chat; dummy (speaks both) → OpenAI completions by
 * default, native when `api: generate`. Unknown services are treated as OpenAI-compatible.
 */

import type { WorkloadSpec } from '../../contracts/index.js';
import { ConfigValidationError } from '../../errors.js';
import { allowedApis, apiRefusal } from './api-choice.js';
import { ollamaProtocol } from './ollama.js';
import { openAiProtocol } from './openai.js';
import { Targets } from './pools.js';
import { ProtocolClient } from './protocol-client.js';

export { ollamaProtocol } from './ollama.js';
export { openAiProtocol } from './openai.js';
export { Targets } from './pools.js';
export { type Protocol, ProtocolClient } from './protocol-client.js';
export type { CancelSignal, RequestInput, ServiceClient } from './types.js';

/** Connections per origin: closed loop one per user; open loop `max_concurrency`, else (and trace) unbounded. */
export function connectionsFor(spec: WorkloadSpec): number | null {
  const load = spec.load;
  if (load.mode === 'closed') return Math.max(1, load.clients_per_node);
  return load.mode === 'open' ? (load.max_concurrency ?? null) : null;
}

export function createServiceClient(spec: WorkloadSpec, connections = connectionsFor(spec)): ProtocolClient {
  const targets = new Targets(spec, connections);
  const stream = spec.stream ?? true;
  const service = spec.service;
  const api = spec.api ?? (service === 'ollama' ? 'generate' : 'completions');
  const refused = apiRefusal(service, api);
  if (refused)
    throw new ConfigValidationError(`workload.api: ${refused}`, [
      {
        severity: 'error',
        path: 'workload.api',
        message: `allowed for ${service}: ${allowedApis(service).join(', ')}`,
      },
    ]);
  if (api !== 'completions' && (service === 'ollama' || api === 'generate'))
    return new ProtocolClient(api, stream, ollamaProtocol(spec, api, stream), targets);
  return new ProtocolClient(api, stream, openAiProtocol(spec, api, stream), targets);
}
