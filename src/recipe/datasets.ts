/**
 * Dataset files checked before anything runs: every expanded benchmark whose prompts come from a file
 * has that file read with the executor's own loaders (src/loadgen/datasets), each distinct file once.
 * A failure becomes an issue at the recipe field that named the file (`workload.dataset`,
 * `workload.benchmark_suite[1].dataset`, `workload.sweep.dataset[0]`) whose message names the dataset
 * file and line and what the format allows. A missing file is an error, or a warning where the file may
 * exist only on other machines (Slurm: node-local paths); a readable malformed file is always an error.
 */
import { dirname, resolve } from 'node:path';
import { type ConfigIssue, ConfigValidationError } from '../errors.js';
import {
  loadHellaswagRows,
  loadJsonlRows,
  loadSharegptRows,
  loadTraceRows,
} from '../loadgen/datasets/index.js';
import { expandWithOrigins } from './expand.js';
import type { Recipe } from './schema/recipe.js';
import { issueAt, type RecipeSource } from './source.js';

export interface DatasetCheckOptions {
  /** Folder relative dataset paths resolve against (the recipe's folder). */
  baseDir?: string;
  /** Severity of a dataset file that does not exist; default error ('warning' for Slurm submissions). */
  missing?: 'error' | 'warning';
}

const ALLOWED: Record<string, string> = {
  jsonl:
    'format jsonl: one JSON object per line with a non-empty string "prompt" and optionally "max_tokens" (a positive integer)',
  hellaswag: 'format hellaswag: one JSON object per line with a non-empty "ctx" (or "ctx_a" and "ctx_b")',
  sharegpt:
    'format sharegpt: a JSON array of {"conversations": [{"from": "human", "value": ...}, {"from": "gpt", "value": ...}]}',
  mooncake:
    'trace format mooncake: one JSON object per line {"timestamp": ms >= 0, "input_length": tokens >= 1, "output_length": tokens >= 1, "hash_ids": [block ids]}',
  burstgpt:
    'trace format burstgpt: CSV with the header Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type (Timestamp in seconds)',
};

const LOADERS: Record<string, (path: string) => unknown> = {
  jsonl: loadJsonlRows,
  hellaswag: loadHellaswagRows,
  sharegpt: loadSharegptRows,
  mooncake: (p) => loadTraceRows(p, 'mooncake'),
  burstgpt: (p) => loadTraceRows(p, 'burstgpt'),
};

interface Failure {
  message: string;
  line?: number;
  missing: boolean;
}

function tryLoad(format: string, path: string): Failure | undefined {
  try {
    LOADERS[format](path);
    return undefined;
  } catch (err) {
    if (!(err instanceof ConfigValidationError)) throw err;
    const issue = err.issues[0];
    const message = issue?.message ?? err.message;
    return { message, line: issue?.line, missing: /^file not found/.test(message) };
  }
}

/** Issues (at the recipe's dataset fields) for every dataset file the recipe's benchmarks would fail to load. */
export function datasetIssues(
  src: RecipeSource,
  recipe: Recipe,
  opts: DatasetCheckOptions = {},
): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const seen = new Map<string, Failure | undefined>();
  const reported = new Set<string>();
  for (const plan of expandWithOrigins(recipe, { baseDir: opts.baseDir })) {
    const p = plan.workload.prompts;
    if (!p || !('path' in p) || !plan.datasetField) continue;
    const format = p.source === 'trace' ? p.format : p.source;
    const key = `${format}\u0000${p.path}`;
    if (!seen.has(key)) seen.set(key, tryLoad(format, p.path));
    const fail = seen.get(key);
    if (!fail) continue;
    // one issue per file and recipe field (a field shared by many benchmarks is reported once)
    const where = `${key}\u0000${plan.datasetField.join('.')}`;
    if (reported.has(where)) continue;
    reported.add(where);
    const at = fail.line !== undefined ? `${p.path}:${fail.line}` : p.path;
    const severity = fail.missing ? (opts.missing ?? 'error') : 'error';
    const hint = fail.missing
      ? 'give the path of a local file (relative paths are relative to the recipe file)'
      : ALLOWED[format];
    const what = p.source === 'trace' ? 'trace' : 'dataset';
    out.push(issueAt(src, severity, plan.datasetField, `${what} ${at}: ${fail.message}; ${hint}`));
  }
  return out;
}

/**
 * Folders of every dataset file a recipe names (`workload.dataset`, suite entries', sweep values),
 * relative paths resolved against `baseDir`: what an executor is started with as `--dataset-dir`.
 */
export function datasetFolders(raw: unknown, baseDir: string): string[] {
  const w = (raw as { workload?: Record<string, unknown> } | undefined)?.workload ?? {};
  const values: unknown[] = [w.dataset, w.trace];
  if (Array.isArray(w.benchmark_suite))
    for (const e of w.benchmark_suite) {
      const entry = e as Record<string, unknown> | null;
      values.push(entry?.dataset, entry?.trace);
    }
  for (const k of ['dataset', 'trace']) {
    const sweep = (w.sweep as Record<string, unknown> | undefined)?.[k];
    if (Array.isArray(sweep)) values.push(...sweep);
  }
  const dirs = new Set<string>();
  for (const v of values) {
    const p = typeof v === 'string' ? v : (v as { path?: unknown } | null)?.path;
    if (typeof p === 'string' && p) dirs.add(dirname(resolve(baseDir, p)));
  }
  return [...dirs];
}
