/**
 * Loading and checking recipes. Every function reports every problem at once; each issue carries
 * file:line:column, the dotted path and what is allowed. Errors → ConfigValidationError (E006);
 * warnings (unknown keys, plausibility) never fail.
 */
import { dirname, resolve } from 'node:path';
import { type ConfigIssue, ConfigValidationError } from '../errors.js';
import { datasetIssues } from './datasets.js';
import { readRecipeFile } from './encoding.js';
import { firstVersionWarnings, normaliseFirstVersion, relocateMoved } from './first-version.js';
import { zodIssues } from './issues.js';
import { schemaForWalk } from './json-schema.js';
import { limitIssues } from './limits.js';
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
  /**
   * Folder relative `dataset` paths resolve against. Default: the recipe file's folder for loadRecipe /
   * validateRecipeFile, the process's cwd for recipe text and objects.
   */
  baseDir?: string;
  /**
   * Also read every dataset file the benchmarks use (with the executor's loaders); problems become issues
   * at the recipe's dataset field. Default off.
   */
  checkDatasets?: boolean;
  /**
   * Severity of a dataset file that does not exist. Default: warning when orchestration.mode is slurm
   * (node-local paths need not exist where the recipe is checked), else error.
   */
  missingDataset?: 'error' | 'warning';
  /** Every warning is an error (`--strict`). */
  strict?: boolean;
}

/**
 * A checked recipe. `recipe` has every default filled in, durations as written (`'2m'`, `30`): read them
 * with `seconds()`, or use `expandBenchmarks(recipe)` whose workloads carry seconds. `raw` is the
 * document as written.
 */
export interface LoadedRecipe {
  file: string;
  /** Folder relative dataset paths resolve against: `expandBenchmarks(recipe, { baseDir })`. */
  baseDir: string;
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
  const first = normaliseFirstVersion(src, src.data);
  const data1 = first.data;
  let issues: ConfigIssue[] = [...first.issues];
  const parsed = recipeSchema.safeParse(data1);
  if (!parsed.success) issues.push(...zodIssues(src, parsed.error));
  const named = firstVersionWarnings(src, data);
  const namedPaths = new Set(named.map((i) => i.path));
  // a field named by a first-version warning needs no second "unknown key" warning
  issues.push(...unknownKeys(src, schemaForWalk()).filter((i) => !namedPaths.has(i.path)), ...named);
  issues.push(...crossFieldRules({ src, data: obj(data1), services: knownServices(opts.extraServices) }));
  issues.push(...plausibilityWarnings(src, obj(data1), opts.env));
  const limits = limitIssues(src, obj(data1));
  issues.push(...limits);
  issues = relocateMoved(src, issues, first.moved);
  const resolved = parsed.success ? resolveDefaults(parsed.data) : undefined;
  // Datasets are read whenever the schema passed and the recipe is within its limits (a sweep beyond
  // them is not expanded), so that they are reported with the other rules' errors.
  if (resolved && opts.checkDatasets && !limits.length) {
    const missing = opts.missingDataset ?? (resolved.orchestration.mode === 'slurm' ? 'warning' : 'error');
    issues.push(...datasetIssues(src, resolved, { baseDir: baseDirOf(opts), missing }));
  }
  if (opts.strict) for (const i of issues) if (i.severity === 'warning') i.severity = 'error';
  issues.sort(byPosition);
  const failed = issues.some((i) => i.severity === 'error');
  return { raw: data, issues, recipe: failed ? undefined : resolved };
}

function baseDirOf(opts: RecipeOptions | undefined): string {
  return resolve(opts?.baseDir ?? '.');
}

function fileOpts(path: string, opts: RecipeOptions = {}): RecipeOptions {
  return { ...opts, baseDir: opts.baseDir ?? dirname(resolve(path)) };
}

function loaded(file: string, check: RecipeCheck, opts?: RecipeOptions): LoadedRecipe {
  const errors = check.issues.filter((i) => i.severity === 'error');
  if (!check.recipe || errors.length) {
    const n = errors.length;
    throw new ConfigValidationError(`invalid recipe ${file}: ${n} error${n === 1 ? '' : 's'}`, check.issues);
  }
  return {
    file,
    baseDir: baseDirOf(opts),
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
  return loaded(file, checkRecipeText(text, file, opts), opts);
}

/** Checks a recipe given as an object (no line numbers); throws E006 listing every error. */
export function resolveRecipe(raw: unknown, file = '(recipe object)', opts?: RecipeOptions): LoadedRecipe {
  return loaded(file, checkSource(sourceFromObject(raw, file), opts), opts);
}

/**
 * Reads, checks and resolves a recipe file (relative dataset paths: from the file's folder; with
 * `checkDatasets`, every dataset file is read too); throws ConfigValidationError (E006) listing every error. */
export async function loadRecipe(path: string, opts?: RecipeOptions): Promise<LoadedRecipe> {
  const text = await readRecipeFile(path);
  if (typeof text !== 'string') throw new ConfigValidationError(text.message, [text]);
  return parseRecipeText(text, path, fileOpts(path, opts));
}

/** Every problem of a recipe file (errors and warnings); never throws for bad content or a missing file. */
export async function validateRecipeFile(path: string, opts?: RecipeOptions): Promise<ConfigIssue[]> {
  return (await checkRecipeFile(path, opts)).issues;
}

/** As validateRecipeFile, with the resolved recipe when it has no error, and the dataset base folder. */
export async function checkRecipeFile(
  path: string,
  opts?: RecipeOptions,
): Promise<RecipeCheck & { baseDir: string }> {
  const o = fileOpts(path, opts);
  const text = await readRecipeFile(path);
  if (typeof text !== 'string') return { raw: undefined, issues: [text], baseDir: baseDirOf(o) };
  return { ...checkRecipeText(text, path, o), baseDir: baseDirOf(o) };
}

/** A recipe file's document as plain data, `undefined` when it cannot be read or parsed (read safely). */
export async function recipeDocument(path: string): Promise<unknown> {
  const text = await readRecipeFile(path);
  return typeof text === 'string' ? parseSource(text, path).data : undefined;
}
