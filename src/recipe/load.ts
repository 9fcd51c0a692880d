/**
 * Loading and checking recipes. Every function reports every problem at once; each issue carries
 * file:line:column, the dotted path and what is allowed. Errors → ConfigValidationError (E006);
 * warnings (unknown keys, plausibility) never fail.
 */
import { readFile } from 'node:fs/promises';
import { type ConfigIssue, ConfigValidationError } from '../errors.js';
import { zodIssues } from './issues.js';
import { schemaForWalk } from './json-schema.js';
import { obj } from './loose.js';
import { resolveDefaults } from './resolve.js';
import { crossFieldRules } from './rules.js';
import { type Recipe, recipeSchema } from './schema/recipe.js';
import { knownServices } from './services.js';
import { parseSource, type RecipeSource, sourceFromObject } from './source.js';
import { unknownKeys } from './unknown-keys.js';
import { plausibilityWarnings } from './warnings.js';

export interface RecipeOptions {
  /** Service names registered besides the built-in ones and the ServiceFactory's. */
  extraServices?: string[];
  /** Environment for checks that depend on it (SLURM_JOB_NUM_NODES); default process.env. */
  env?: NodeJS.ProcessEnv;
}

/**
 * A checked recipe. `recipe` has every default filled in, durations as written (`'2m'`, `30`): read them
 * with `seconds()`, or use `expandBenchmarks(recipe)` whose workloads carry seconds. `raw` is the
 * document as written.
 */
export interface LoadedRecipe {
  file: string;
  recipe: Recipe;
  raw: unknown;
  warnings: ConfigIssue[];
}

export interface RecipeCheck {
  recipe?: Recipe;
  raw: unknown;
  issues: ConfigIssue[];
}

function byPosition(a: ConfigIssue, b: ConfigIssue): number {
  return (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
}

export function checkSource(src: RecipeSource, opts: RecipeOptions = {}): RecipeCheck {
  if (src.parseErrors.length) return { raw: undefined, issues: src.parseErrors };
  const data = src.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    const issue: ConfigIssue = {
      severity: 'error',
      path: '',
      file: src.file,
      line: 1,
      column: 1,
      message: 'a recipe is a mapping (scenario, workload, ...)',
    };
    return { raw: data, issues: [issue] };
  }
  const issues: ConfigIssue[] = [];
  const parsed = recipeSchema.safeParse(data);
  if (!parsed.success) issues.push(...zodIssues(src, parsed.error));
  issues.push(...unknownKeys(src, schemaForWalk()));
  issues.push(...crossFieldRules({ src, data: obj(data), services: knownServices(opts.extraServices) }));
  issues.push(...plausibilityWarnings(src, obj(data), opts.env));
  issues.sort(byPosition);
  const failed = issues.some((i) => i.severity === 'error');
  return { raw: data, issues, recipe: parsed.success && !failed ? resolveDefaults(parsed.data) : undefined };
}

function loaded(file: string, check: RecipeCheck): LoadedRecipe {
  const errors = check.issues.filter((i) => i.severity === 'error');
  if (!check.recipe || errors.length) {
    const n = errors.length;
    throw new ConfigValidationError(`invalid recipe ${file}: ${n} error${n === 1 ? '' : 's'}`, check.issues);
  }
  return {
    file,
    recipe: check.recipe,
    raw: check.raw,
    warnings: check.issues.filter((i) => i.severity === 'warning'),
  };
}

/** Checks recipe text (YAML or JSON) without throwing. */
export function checkRecipeText(text: string, file: string, opts?: RecipeOptions): RecipeCheck {
  return checkSource(parseSource(text, file), opts);
}

/** Parses and checks recipe text; throws ConfigValidationError (E006) listing every error. */
export function parseRecipeText(text: string, file: string, opts?: RecipeOptions): LoadedRecipe {
  return loaded(file, checkRecipeText(text, file, opts));
}

/** Checks a recipe given as an object (no line numbers); throws E006 listing every error. */
export function resolveRecipe(raw: unknown, file = '(recipe object)', opts?: RecipeOptions): LoadedRecipe {
  return loaded(file, checkSource(sourceFromObject(raw, file), opts));
}

async function readRecipe(path: string): Promise<string | ConfigIssue> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'is a directory' : e.message;
    return { severity: 'error', path: '', file: path, message: `cannot read recipe ${path}: ${why}` };
  }
}

/** Reads, checks and resolves a recipe file; throws ConfigValidationError (E006) listing every error. */
export async function loadRecipe(path: string, opts?: RecipeOptions): Promise<LoadedRecipe> {
  const text = await readRecipe(path);
  if (typeof text !== 'string') throw new ConfigValidationError(text.message, [text]);
  return parseRecipeText(text, path, opts);
}

/** Every problem of a recipe file (errors and warnings); never throws for bad content or a missing file. */
export async function validateRecipeFile(path: string, opts?: RecipeOptions): Promise<ConfigIssue[]> {
  const text = await readRecipe(path);
  if (typeof text !== 'string') return [text];
  return checkRecipeText(text, path, opts).issues;
}
