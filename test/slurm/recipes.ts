/**
 * Recipes the golden tests render: the original users' recipes (when present), examples/, this folder's
 * fixtures and the valid recipes of test/fixtures/recipes/ (our own, in the original format).
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { SlurmRecipe } from '../../src/launch/slurm/recipe-view.js';
import { loadRecipe } from '../../src/recipe/index.js';
import { FIXTURE_RECIPES, haveOriginals, original } from '../helpers/originals.js';

/** The original recipes when ../shared is there (see test/helpers/originals.ts). */
export const ORIGINAL_DIR = original('recipes');
const here = new URL('.', import.meta.url).pathname;
export const EXAMPLES_DIR = join(here, '../../examples');
export const FIXTURES_DIR = join(here, 'fixtures');

export interface NamedRecipe {
  name: string;
  file: string;
  recipe: SlurmRecipe;
}

/** Every recipe file of a folder, loaded (validated, defaults filled in) by the recipe loader. */
async function recipesIn(dir: string, prefix: string): Promise<NamedRecipe[]> {
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort();
  const out: NamedRecipe[] = [];
  for (const f of files) {
    const file = join(dir, f);
    const name = `${prefix}-${basename(f).replace(/\.(ya?ml|json)$/, '')}`;
    out.push({ name, file, recipe: (await loadRecipe(file)).recipe });
  }
  return out;
}

export async function goldenRecipes(): Promise<NamedRecipe[]> {
  return [
    ...(haveOriginals() ? await recipesIn(ORIGINAL_DIR, 'original') : []),
    ...(await recipesIn(EXAMPLES_DIR, 'example')),
    ...(await recipesIn(FIXTURES_DIR, 'fixture')),
    ...(await recipesIn(FIXTURE_RECIPES, 'format')),
  ];
}
