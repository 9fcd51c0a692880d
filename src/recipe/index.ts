/** Recipes: the schema (the single source of the recipe types), loading, checking, defaults, benchmark expansion. */

export { type DatasetCheckOptions, datasetFolders, datasetIssues } from './datasets.js';
export { optionalSeconds, seconds } from './durations.js';
export {
  type BenchmarkPlan,
  type BenchmarkPlanWithOrigin,
  datasetFormat,
  type ExpandOptions,
  expandBenchmarks,
  expandWithOrigins,
  type PlanWorkload,
  probePlan,
  SEARCH_BASE,
  searchSettings,
  sweepPoints,
} from './expand.js';
export { recipeJsonSchema } from './json-schema.js';
export {
  checkRecipeFile,
  checkRecipeText,
  type LoadedRecipe,
  loadRecipe,
  parseRecipeText,
  type RecipeCheck,
  type RecipeOptions,
  recipeDocument,
  resolveRecipe,
  validateRecipeFile,
} from './load.js';
export { loadRecipePlugins, pluginList } from './plugins.js';
export type { Recipe, RecipeInput } from './schema/recipe.js';
export { recipeSchema } from './schema/recipe.js';
export type { ResourceConfig } from './schema/resources.js';
export type { BenchmarkEntry, Sweep, Workload, WorkloadField } from './schema/workload.js';
export { BUILTIN_SERVICES, knownServices } from './services.js';
