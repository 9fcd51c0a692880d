/**
 * A benchmark's recipe thresholds, one definition for a run and for its recovery: which conditions apply
 * to a benchmark (its plan's `thresholds`, from the recipe by expandBenchmarks: the workload's followed by
 * its suite entry's) and how they are judged (evaluateThresholds on figureSource of the result, after its
 * energy is in). A figure without a value fails its threshold (src/decide/evaluate.ts).
 */
import { evaluateThresholds } from '../decide/evaluate.js';
import { figureSource } from '../decide/figures.js';
import { expandBenchmarks, type Recipe } from '../recipe/index.js';
import type { BenchmarkResult } from '../report/types.js';
import type { ThresholdResult } from '../results-folder/index.js';

/** The conditions evaluated on `result`'s figures; undefined when it has none. */
export function judgeThresholds(
  result: BenchmarkResult,
  conditions: readonly string[] | undefined,
): ThresholdResult[] | undefined {
  return conditions?.length ? evaluateThresholds(conditions, figureSource(result)) : undefined;
}

/**
 * Per benchmark name, the thresholds a resolved recipe (a results folder's recipe.resolved.json) gives
 * it, as the run planned them; empty when there is none or it is not a recipe this version reads.
 */
export function recipeThresholds(resolved: unknown): Map<string, readonly string[]> {
  if (!resolved) return new Map();
  try {
    return new Map(
      expandBenchmarks(resolved as Recipe).flatMap((p) =>
        p.thresholds?.length ? [[p.name, p.thresholds] as const] : [],
      ),
    );
  } catch {
    return new Map(); // not a resolved recipe this version reads
  }
}
