/**
 * Which APIs a service's request client speaks: ollama its native `generate` / `chat`; dummy every API;
 * any other service the OpenAI `completions` / `chat`. One rule for the executor (createServiceClient) and
 * for `hpcbench validate` (src/recipe/rules.ts), so validate refuses what the executor would.
 */
import type { Api } from '../../contracts/index.js';

export function allowedApis(service: string): Api[] {
  if (service === 'ollama') return ['generate', 'chat'];
  if (service === 'dummy') return ['completions', 'chat', 'generate'];
  return ['completions', 'chat'];
}

/** Why `api` cannot be used with `service` (the `workload.api` message), or undefined when it can. */
export function apiRefusal(service: string, api: Api): string | undefined {
  const allowed = allowedApis(service);
  if (allowed.includes(api)) return undefined;
  const list = allowed.map((a) => `'${a}'`).join(' or ');
  return service === 'ollama'
    ? `ollama speaks ${list} (its native API), not '${api}'`
    : `${service} speaks the OpenAI API (${list}), not '${api}'`;
}
