/** A server's launch command: a pure description (argv + environment), rendered before anything runs. */
import type { SlurmRecipe } from '../slurm/recipe-view.js';

export interface LaunchCommand {
  argv: string[];
  /** Variables the process needs, on top of the recipe's `environment` (already merged in). */
  env: Record<string, string>;
  /** The port the server will listen on. */
  port: number;
}

export interface LaunchContext {
  recipe: SlurmRecipe;
  /** Address to bind. */
  host: string;
  port: number;
  /** CPUs and GPUs the server's step gets. */
  cpus: number;
  gpus: number;
  /** How to run hpcbench itself on a node (for the simulated service): argv prefix. */
  self: string[];
}

export type CommandBuilder = (ctx: LaunchContext) => LaunchCommand;

/** The recipe's `environment` as strings. */
export function recipeEnv(recipe: SlurmRecipe): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(recipe.environment ?? {})) env[k] = String(v);
  return env;
}

export function serviceConfig(recipe: SlurmRecipe): Record<string, unknown> {
  return recipe.servers?.service_config ?? {};
}

export function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}
