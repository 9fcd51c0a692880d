/**
 * Which API a workload's requests use, from the service's declared capabilities: the workload's `api`,
 * else the service's `default_api`, refused when the service does not speak it. One rule for the executor
 * (createServiceClient) and for `hpcbench validate` (src/recipe/rules.ts), so validate refuses what the
 * executor would, with the same message.
 */
import type { Api, ServiceCapabilities } from '../../contracts/index.js';

/** Why `api` cannot be used with `service` (the `workload.api` message), or undefined when it can. */
export function apiRefusal(service: string, capabilities: ServiceCapabilities, api: Api): string | undefined {
  if (capabilities.apis.includes(api)) return undefined;
  const list = capabilities.apis.map((a) => `'${a}'`).join(' or ');
  const kind = capabilities.protocol === 'ollama' ? 'its native API' : 'the OpenAI API';
  return `${service} speaks ${list} (${kind}), not '${api}'`;
}

/** The API a workload's requests use: its own `api`, else the service's default. */
export function apiOf(spec: { api?: Api }, capabilities: ServiceCapabilities): Api {
  return spec.api ?? capabilities.default_api;
}
