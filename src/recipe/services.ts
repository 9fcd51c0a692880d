/**
 * Service names a recipe may use: the built-in ones, every name registered in the ServiceFactory when
 * the recipe is checked (plugins loaded before, services registered in code), and names a caller adds;
 * and what a registered service declares (its capabilities).
 */
import type { ServiceCapabilities } from '../contracts/index.js';
import { ServiceFactory } from '../services/factory.js';

export const BUILTIN_SERVICES = ['dummy', 'ollama', 'vllm', 'llamacpp'] as const;

export function knownServices(extra: readonly string[] = []): string[] {
  return [...new Set([...BUILTIN_SERVICES, ...ServiceFactory.listServices(), ...extra])].sort();
}

/** The capabilities of a registered service; undefined for a name the ServiceFactory does not know (yet). */
export function serviceCapabilities(service: string): ServiceCapabilities | undefined {
  return ServiceFactory.listServices().includes(service)
    ? ServiceFactory.getCapabilities(service)
    : undefined;
}

/** Whether a registered service's executor implements the per-user hook (closed loop only). */
export function servicePerUserHook(service: string): boolean {
  return ServiceFactory.listServices().includes(service) && ServiceFactory.hasPerUserHook(service);
}
