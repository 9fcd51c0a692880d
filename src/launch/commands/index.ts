/**
 * Launch commands per service: pure functions from the recipe to argv + environment. The port a server
 * listens on by default is its service's `capabilities.default_port` (the ServiceFactory registration).
 */
import { ConfigValidationError } from '../../errors.js';
import { ServiceFactory } from '../../services/factory.js';
import { dummyCommand } from './dummy.js';
import { llamaCppCommand } from './llamacpp.js';
import { ollamaCommand } from './ollama.js';
import type { CommandBuilder, LaunchCommand, LaunchContext } from './types.js';
import { vllmCommand } from './vllm.js';

export type { CommandBuilder, LaunchCommand, LaunchContext } from './types.js';
export { vllmDistributed } from './vllm.js';

const BUILDERS: Record<string, CommandBuilder> = {
  ollama: ollamaCommand,
  vllm: vllmCommand,
  llamacpp: llamaCppCommand,
  dummy: dummyCommand,
};

/** Add a launch command for a service registered outside the core (its port is its capabilities'). */
export function registerLaunchCommand(service: string, build: CommandBuilder): void {
  BUILDERS[service] = build;
}

export function launchableServices(): string[] {
  return Object.keys(BUILDERS).sort();
}

/** The port a launched server of `service` listens on unless told otherwise: capabilities.default_port. */
export function defaultServicePort(service: string): number {
  builderFor(service);
  return ServiceFactory.getCapabilities(service).default_port;
}

export function serverLaunchCommand(service: string, ctx: LaunchContext): LaunchCommand {
  return builderFor(service)(ctx);
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
