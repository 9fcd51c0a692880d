/**
 * A recipe (file or object) → the orchestrator's RunPlan. Loading, validation (E006 with file:line and
 * the field's path), defaults and benchmark_suite / sweep expansion are src/recipe's; this loads the
 * recipe's plugins first (so their services validate and run) and maps the resolved recipe onto what the
 * orchestrator and the local launcher read.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ConfigValidationError, formatConfigIssue } from '../errors.js';
import { parseLoggingConfig } from '../logs/index.js';
import {
  expandBenchmarks,
  type LoadedRecipe,
  loadRecipe,
  loadRecipePlugins,
  pluginList,
  type Recipe,
  resolveRecipe,
  searchSettings,
} from '../recipe/index.js';
import { ServiceFactory } from '../services/factory.js';
import { loadPlugins } from '../services/plugins.js';
import { parseDuration } from '../util/duration.js';
import type { BenchmarkPlanLike, RunPlan } from './run-plan.js';

/**
 * Written by `hpcbench submit` (prepareJob) beside the recipe's copy in `<results>/slurm/`: `{recipe, dataset_base_dir}`,
 * the submitted file and its folder, which relative dataset paths resolve against inside the job.
 */
export const RECIPE_ORIGIN_FILE = 'recipe-origin.json';

/** Folder relative dataset paths of a recipe file resolve against: its own, or the submitted original's. */
async function datasetBaseDir(file: string): Promise<string> {
  try {
    const origin = JSON.parse(await readFile(join(dirname(resolve(file)), RECIPE_ORIGIN_FILE), 'utf8'));
    if (typeof origin?.dataset_base_dir === 'string') return origin.dataset_base_dir;
  } catch {
    // no origin file: a recipe in its own folder
  }
  return dirname(resolve(file));
}

export async function planFromRecipe(src: {
  configFile?: string;
  recipe?: unknown;
  /** Severity of a missing dataset file (default: warning for slurm recipes, else error). */
  missingDataset?: 'error' | 'warning';
  /** Every recipe warning is an error (`--strict`). */
  strict?: boolean;
}): Promise<RunPlan> {
  let loaded: LoadedRecipe;
  let plugins: string[];
  if (src.configFile) {
    const loadedPlugins = await loadRecipePlugins(src.configFile);
    if (loadedPlugins.issues.length)
      throw new ConfigValidationError(
        `invalid recipe ${src.configFile}: a plugin could not be loaded`,
        loadedPlugins.issues,
      );
    plugins = loadedPlugins.paths;
    // Dataset files are read now (E006 before any server starts), relative paths from the recipe's folder.
    loaded = await loadRecipe(src.configFile, {
      checkDatasets: true,
      missingDataset: src.missingDataset,
      strict: src.strict,
      baseDir: await datasetBaseDir(src.configFile),
    });
  } else if (src.recipe !== undefined) {
    plugins = pluginList(src.recipe).map((p) => resolve(p));
    await loadPlugins(plugins);
    loaded = resolveRecipe(src.recipe, undefined, { checkDatasets: true, strict: src.strict });
  } else {
    throw new ConfigValidationError('the orchestrator needs a recipe: give configFile or recipe');
  }
  const benchmarks = expandBenchmarks(loaded.recipe, { baseDir: loaded.baseDir });
  const plan = planFromResolved(loaded, benchmarks, src.configFile, plugins);
  plan.warnings = loaded.warnings.map((w) => formatConfigIssue(w).replace(': warning: ', ': '));
  return plan;
}

/** Maps a resolved recipe and its expanded benchmarks onto a RunPlan (pure). */
export function planFromResolved(
  loaded: Pick<LoadedRecipe, 'recipe' | 'raw'>,
  benchmarks: BenchmarkPlanLike[],
  recipeFile?: string,
  plugins: string[] = [],
): RunPlan {
  const recipe: Recipe = loaded.recipe;
  const alloc = recipe.orchestration.node_allocation;
  const mon = recipe.monitoring;
  // Monitoring runs when the recipe has a monitoring section not switched off (its default is on, but a
  // recipe without the section gets none), or when the caller asks for it (--enable-monitoring).
  const wroteMonitoring = (loaded.raw as { monitoring?: unknown } | null)?.monitoring !== undefined;
  const planned = withPerRequestConfig(recipe, benchmarks);
  const search = searchSettings(recipe);
  return {
    scenario: recipe.scenario,
    service: recipe.workload.service,
    serverConfig: {
      health_check: recipe.servers.health_check,
      service_config: recipe.servers.service_config,
      model: recipe.workload.model,
    },
    benchmarks: search ? [] : planned,
    ...(search && planned[0] ? { search: { settings: search, base: planned[0] } } : {}),
    resolved: recipe,
    recipeFile,
    clientNodes: alloc.clients.nodes,
    serverNodes: alloc.servers.nodes,
    distributionStrategy: alloc.clients.distribution_strategy,
    ...(alloc.clients.target_mapping ? { targetMapping: alloc.clients.target_mapping } : {}),
    mode: recipe.orchestration.mode,
    onFailure: recipe.orchestration.on_failure,
    servers: {
      endpoints: recipe.servers.endpoints,
      command: recipe.servers.command,
      port: recipe.servers.port,
    },
    plugins,
    monitoring: {
      enabled: wroteMonitoring && mon.enabled,
      interval: parseDuration(mon.interval),
      pushgateway: mon.pushgateway,
      pushInterval: parseDuration(mon.push_interval),
      keepGroups: mon.keep_pushgateway_groups,
    },
    logging: parseLoggingConfig(recipe.logging, recipeFile),
    reporting: {
      formats: recipe.reporting.formats,
      outputDirectory: recipe.reporting.output_directory,
    },
  };
}

/**
 * The `servers.service_config` keys the service declares as per-request options (`per_request_config`,
 * e.g. Ollama's `gpu_layers`, which has no server flag): every benchmark's spec carries their values under
 * the workload field named (`num_gpu`, sent as `options.num_gpu`).
 */
function withPerRequestConfig(recipe: Recipe, benchmarks: BenchmarkPlanLike[]): BenchmarkPlanLike[] {
  const cfg = (recipe.servers.service_config ?? {}) as Record<string, unknown>;
  const service = recipe.workload.service;
  const map = ServiceFactory.listServices().includes(service)
    ? ServiceFactory.getCapabilities(service).per_request_config
    : undefined;
  const fields = Object.entries(map ?? {}).flatMap(([key, field]) =>
    Number.isInteger(cfg[key]) ? [[field, cfg[key] as number] as const] : [],
  );
  if (!fields.length) return benchmarks;
  return benchmarks.map((b) => ({ ...b, spec: { ...b.spec, ...Object.fromEntries(fields) } }));
}
