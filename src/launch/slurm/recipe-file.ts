/**
 * Reading a recipe for the Slurm commands: the recipe loader (validation with file:line:column, E006 on
 * errors, defaults filled in); warnings are reported, not fatal.
 */

import { formatConfigIssue } from '../../errors.js';
import { loadRecipe, type Recipe, type RecipeOptions } from '../../recipe/index.js';

/**
 * `submit` and `sbatch` also read the dataset files (`{ checkDatasets: true, missingDataset: 'warning' }`):
 * a missing one is a warning (paths may be node-local, absent on the login node), a malformed one E006.
 */
export async function loadSlurmRecipe(
  file: string,
  opts: RecipeOptions = {},
  warn: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<Recipe> {
  const loaded = await loadRecipe(file, opts);
  for (const w of loaded.warnings) warn(formatConfigIssue(w));
  return loaded.recipe;
}
