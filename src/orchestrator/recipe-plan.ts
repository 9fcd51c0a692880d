/**
 * A recipe (file or object) → the orchestrator's RunPlan. Loading, validation (E006 with file:line and
 * the field's path), defaults and benchmark_suite / sweep expansion are src/recipe's; this maps the
 * resolved recipe onto what the orchestrator and the local launcher read.
 */
import { ConfigValidationError } from '../errors.js';
import { parseLoggingConfig } from '../logs/index.js';
import { parseDuration } from '../util/duration.js';
import type { BenchmarkPlanLike, RunPlan } from './run-plan.js';

// biome-ignore lint/suspicious/noExplicitAny: the resolved recipe type lives in src/recipe
type AnyRecipe = any;

interface RecipeModule {
  loadRecipe(file: string): Promise<unknown>;
  expandBenchmarks(recipe: unknown): BenchmarkPlanLike[];
  resolveRecipe?(raw: unknown, file?: string): unknown;
}

async function recipeModule(): Promise<RecipeModule> {
  const path = '../recipe/index.js';
  return (await import(path)) as RecipeModule;
}

function unwrap(loaded: unknown): AnyRecipe {
  const l = loaded as { recipe?: unknown };
  return l && typeof l === 'object' && 'recipe' in l && l.recipe ? l.recipe : loaded;
}

export async function planFromRecipe(src: { configFile?: string; recipe?: unknown }): Promise<RunPlan> {
  const mod = await recipeModule();
  let recipe: AnyRecipe;
  if (src.configFile) recipe = unwrap(await mod.loadRecipe(src.configFile));
  else if (src.recipe !== undefined && mod.resolveRecipe) recipe = unwrap(mod.resolveRecipe(src.recipe));
  else if (src.recipe !== undefined) recipe = src.recipe;
  else throw new ConfigValidationError('the orchestrator needs a recipe: give configFile or recipe');
  return planFromResolved(recipe, mod.expandBenchmarks(recipe), src.configFile);
}

/** Maps a resolved recipe and its expanded benchmarks onto a RunPlan (pure). */
export function planFromResolved(
  recipe: AnyRecipe,
  benchmarks: BenchmarkPlanLike[],
  recipeFile?: string,
): RunPlan {
  const alloc = recipe.orchestration?.node_allocation ?? {};
  const mon = recipe.monitoring ?? {};
  return {
    scenario: String(recipe.scenario),
    service: String(recipe.workload.service),
    serverConfig: {
      health_check: recipe.servers?.health_check,
      service_config: recipe.servers?.service_config,
      model: recipe.workload.model,
    },
    benchmarks,
    resolved: recipe,
    recipeFile,
    clientNodes: alloc.clients?.nodes,
    serverNodes: alloc.servers?.nodes,
    distributionStrategy: alloc.clients?.distribution_strategy ?? recipe.distribution_strategy,
    mode: recipe.orchestration?.mode,
    servers: { endpoints: recipe.servers?.endpoints, command: recipe.servers?.command },
    plugins: recipe.plugins,
    monitoring: {
      enabled: mon.enabled === true,
      interval: parseDuration(mon.interval ?? mon.scrape_interval) ?? undefined,
      pushgateway: mon.pushgateway,
    },
    logging: parseLoggingConfig(recipe.logging, recipeFile),
  };
}
