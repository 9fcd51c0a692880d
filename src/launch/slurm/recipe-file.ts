/**
 * Reading a recipe for the Slurm commands: the recipe loader (validation with file:line:column, E006 on
 * errors, defaults filled in); warnings are reported, not fatal.
 */

import { formatConfigIssue } from '../../errors.js';
import { loadRecipe, type Recipe } from '../../recipe/index.js';

export async function loadSlurmRecipe(
  file: string,
  warn: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<Recipe> {
  const loaded = await loadRecipe(file);
  for (const w of loaded.warnings) warn(formatConfigIssue(w));
  return loaded.recipe;
}
