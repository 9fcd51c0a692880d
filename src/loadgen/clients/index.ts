/**
 * `createServiceClient(spec, capabilities)`: the request client for a workload on a service. The API is
 * the workload's `api` or the service's `default_api`, and must be one the service declares; its wire
 * protocol follows from the API (completions → OpenAI, generate → Ollama native, chat → the service's
 * `protocol`). Capabilities come from the service's registration, through the executor.
 */

import { isScheduledLoad, type ServiceCapabilities, type WorkloadSpec } from '../../contracts/index.js';
import { ConfigValidationError } from '../../errors.js';
import { apiOf, apiRefusal } from './api-choice.js';
import { ollamaProtocol } from './ollama.js';
import { openAiProtocol } from './openai.js';
import { Targets } from './pools.js';
import { ProtocolClient } from './protocol-client.js';

export { apiOf, apiRefusal } from './api-choice.js';
export { ollamaProtocol } from './ollama.js';
export { openAiProtocol } from './openai.js';
export { Targets } from './pools.js';
export { type Protocol, ProtocolClient } from './protocol-client.js';
export type { CancelSignal, RequestInput, ServiceClient } from './types.js';

/** Connections per origin: closed loop one per user; open loop `max_concurrency`, else (and trace) unbounded. */
export function connectionsFor(spec: WorkloadSpec): number | null {
  const load = spec.load;
  if (load.mode === 'closed') return Math.max(1, load.clients_per_node);
  return isScheduledLoad(load) ? (load.max_concurrency ?? null) : null;
}

export function createServiceClient(
  spec: WorkloadSpec,
  capabilities: ServiceCapabilities,
  connections = connectionsFor(spec),
): ProtocolClient {
  const stream = spec.stream ?? true;
  const api = apiOf(spec, capabilities);
  const refused = apiRefusal(spec.service, capabilities, api);
  if (refused)
    throw new ConfigValidationError(`workload.api: ${refused}`, [
      {
        severity: 'error',
        path: 'workload.api',
        message: `allowed for ${spec.service}: ${capabilities.apis.join(', ')}`,
      },
    ]);
  const targets = new Targets(spec, connections);
  if (api === 'generate' || (api === 'chat' && capabilities.protocol === 'ollama'))
    return new ProtocolClient(api, stream, ollamaProtocol(spec, api, stream), targets);
  return new ProtocolClient(api, stream, openAiProtocol(spec, api, stream), targets);
}
