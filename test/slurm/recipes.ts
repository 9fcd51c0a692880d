/** Recipes the golden tests render: the original users' recipes, examples/, and this folder's fixtures. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import type { SlurmRecipe } from '../../src/launch/slurm/recipe-view.js';

export const ORIGINAL_DIR = '/work/shared/reference/original/recipes';
const here = new URL('.', import.meta.url).pathname;
export const EXAMPLES_DIR = join(here, '../../examples');
export const FIXTURES_DIR = join(here, 'fixtures');

export interface NamedRecipe {
  name: string;
  file: string;
  recipe: SlurmRecipe;
}

function yamlIn(dir: string, prefix: string): NamedRecipe[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .map((f) => {
      const file = join(dir, f);
      return {
        name: `${prefix}-${basename(f).replace(/\.(ya?ml|json)$/, '')}`,
        file,
        recipe: parse(readFileSync(file, 'utf8')),
      };
    });
}

export function goldenRecipes(): NamedRecipe[] {
  const examples = yamlIn(EXAMPLES_DIR, 'example').filter((r) => r.recipe?.workload?.service);
  return [...yamlIn(ORIGINAL_DIR, 'original'), ...examples, ...yamlIn(FIXTURES_DIR, 'fixture')];
}
