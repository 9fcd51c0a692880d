/**
 * The original users' recipes and recipe-format schema (the first version's), kept outside the
 * repository: CI lays `shared/` beside the clone, so they are at `../shared/reference/original/`
 * relative to the repository root. Under CI=true a missing folder fails the test file; elsewhere the
 * tests that need it skip with a message. Tests that must always run use test/fixtures/recipes/.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const ORIGINAL_DIR = resolve(REPO_ROOT, '../shared/reference/original');
/** Recipes of this repository's own (always present) covering the originals' fields. */
export const FIXTURE_RECIPES = join(REPO_ROOT, 'test/fixtures/recipes');

let warned = false;

/** True when the original folder is there; throws under CI=true when it is not; else false with a message. */
export function haveOriginals(): boolean {
  if (existsSync(join(ORIGINAL_DIR, 'recipe-format.schema.yaml'))) return true;
  const why = `the original recipes are not at ${ORIGINAL_DIR} (lay shared/ beside the repository)`;
  if (process.env.CI === 'true') throw new Error(`CI=true but ${why}`);
  if (!warned) console.warn(`skipping tests of the original recipes: ${why}`);
  warned = true;
  return false;
}

/** A path under the original folder: `original('recipes', 'ollama_meluxina.yaml')`. */
export function original(...parts: string[]): string {
  return join(ORIGINAL_DIR, ...parts);
}

/** A recipe of test/fixtures/recipes/. */
export function fixtureRecipe(name: string): string {
  return join(FIXTURE_RECIPES, name);
}

/** `describe` that runs only when the original folder is there (see haveOriginals). */
export function describeOriginals(name: string, fn: () => void): void {
  describe.skipIf(!haveOriginals())(name, fn);
}
