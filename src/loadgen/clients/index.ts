/**
 * `createServiceClient(spec)`: which protocol each service speaks. ollama → native /api/generate or
 * /api/chat; vllm, llamacpp → OpenAI completions or chat; dummy (speaks both) → OpenAI completions by
 * default, native when `api: generate`. Unknown services are treated as OpenAI-compatible.
 */

import type { WorkloadSpec } from '../../contracts/index.js';
import { ConfigValidationError } from '../../errors.js';
import { ollamaProtocol } from './ollama.js';
import { openAiProtocol } from './openai.js';
import { Targets } from './pools.js';
import { ProtocolClient } from './protocol-client.js';

export { ollamaProtocol } from './ollama.js';
export { openAiProtocol } from './openai.js';
export { Targets } from './pools.js';
export { type Protocol, ProtocolClient } from './protocol-client.js';
export type { CancelSignal, RequestInput, ServiceClient } from './types.js';

/** Connections per origin: closed loop one per user; open loop `max_concurrency`, else unbounded. */
export function connectionsFor(spec: WorkloadSpec): number | null {
  const load = spec.load;
  return load.mode === 'open' ? (load.max_concurrency ?? null) : Math.max(1, load.clients_per_node);
}

export function createServiceClient(spec: WorkloadSpec, connections = connectionsFor(spec)): ProtocolClient {
  const targets = new Targets(spec, connections);
  const stream = spec.stream ?? true;
  const service = spec.service;
  if (service === 'ollama') {
    const api = spec.api ?? 'generate';
    if (api === 'completions')
      throw new ConfigValidationError(
        `workload.api: ollama speaks 'generate' or 'chat' (its native API), not 'completions'`,
        [{ severity: 'error', path: 'workload.api', message: "allowed for ollama: 'generate', 'chat'" }],
      );
    return new ProtocolClient(api, stream, ollamaProtocol(spec, api, stream), targets);
  }
  const api = spec.api ?? 'completions';
  if (api === 'generate') {
    if (service === 'dummy')
      return new ProtocolClient('generate', stream, ollamaProtocol(spec, 'generate', stream), targets);
    throw new ConfigValidationError(
      `workload.api: ${service} speaks the OpenAI API ('completions' or 'chat'), not 'generate'`,
      [{ severity: 'error', path: 'workload.api', message: `allowed for ${service}: 'completions', 'chat'` }],
    );
  }
  return new ProtocolClient(api, stream, openAiProtocol(spec, api, stream), targets);
}
