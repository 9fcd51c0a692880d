/**
 * Service names a recipe may use: the built-in ones, every name registered in the ServiceFactory when
 * the recipe is checked (plugins loaded before, services registered in code), and names a caller adds.
 */
import { ServiceFactory } from '../services/factory.js';

export const BUILTIN_SERVICES = ['dummy', 'ollama', 'vllm', 'llamacpp'] as const;

export function knownServices(extra: readonly string[] = []): string[] {
  return [...new Set([...BUILTIN_SERVICES, ...ServiceFactory.listServices(), ...extra])].sort();
}
