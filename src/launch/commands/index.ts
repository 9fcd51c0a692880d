/** Launch commands per service: pure functions from the recipe to argv + environment. */
import { ConfigValidationError } from '../../errors.js';
import { DUMMY_DEFAULT_PORT, dummyCommand } from './dummy.js';
import { LLAMACPP_DEFAULT_PORT, llamaCppCommand } from './llamacpp.js';
import { OLLAMA_DEFAULT_PORT, ollamaCommand } from './ollama.js';
import type { CommandBuilder, LaunchCommand, LaunchContext } from './types.js';
import { VLLM_DEFAULT_PORT, vllmCommand } from './vllm.js';

export type { CommandBuilder, LaunchCommand, LaunchContext } from './types.js';
export { vllmDistributed } from './vllm.js';

const BUILDERS: Record<string, { build: CommandBuilder; port: number }> = {
  ollama: { build: ollamaCommand, port: OLLAMA_DEFAULT_PORT },
  vllm: { build: vllmCommand, port: VLLM_DEFAULT_PORT },
  llamacpp: { build: llamaCppCommand, port: LLAMACPP_DEFAULT_PORT },
  dummy: { build: dummyCommand, port: DUMMY_DEFAULT_PORT },
};

/** Add a launch command for a service registered outside the core. */
export function registerLaunchCommand(service: string, build: CommandBuilder, defaultPort: number): void {
  BUILDERS[service] = { build, port: defaultPort };
}

export function launchableServices(): string[] {
  return Object.keys(BUILDERS).sort();
}

export function defaultServicePort(service: string): number {
  return builderFor(service).port;
}

export function serverLaunchCommand(service: string, ctx: LaunchContext): LaunchCommand {
  return builderFor(service).build(ctx);
}

function builderFor(service: string) {
  const entry = BUILDERS[service];
  if (!entry) {
    throw new ConfigValidationError(
      `no launch command for service '${service}' (workload.service); known: ${launchableServices().join(', ')}`,
      [
        {
          severity: 'error',
          path: 'workload.service',
          message: `allowed: ${launchableServices().join(', ')}`,
        },
      ],
    );
  }
  return entry;
}
