/**
 * A recipe → the benchmarks to run, in order: one per `benchmark_suite` entry (its fields override the
 * workload), or one per `sweep` point (named `field=value[,field=value]`), or both (each suite entry
 * swept: `entry_field=value`); a single `default` benchmark otherwise. Sweep `mode: cross` runs every
 * combination (the first field varies slowest), `zip` runs the i-th value of every list together.
 * `repetitions: N` (N > 1) runs the whole list N times, names suffixed `_rep1` ... `_repN`.
 */
import type { PromptSource, WorkloadSpec } from '../loadgen/spec.js';
import { optionalSeconds, seconds } from './durations.js';
import { DUMMY_MODEL } from './resolve.js';
import type { Recipe } from './schema/recipe.js';
import {
  type BenchmarkEntry,
  type DATASET_FORMATS,
  WORKLOAD_ALIASES,
  type Workload,
} from './schema/workload.js';
import { sweepField } from './sweep-rules.js';

/** What every executor runs for one benchmark, less the per-run fields the orchestrator fills in. */
export type PlanWorkload = Omit<
  WorkloadSpec,
  'server_url' | 'server_urls' | 'executor_index' | 'executor_count'
>;

export interface BenchmarkPlan {
  name: string;
  workload: PlanWorkload;
  /** The same object as `workload` (the orchestrator's `BenchmarkPlanLike` reads `spec`). */
  spec: PlanWorkload;
}

const DEFAULT_TOKENS = 128;

type Fields = Partial<Workload> & Record<string, unknown>;

function overrides(entry: Record<string, unknown>): Fields {
  const out: Fields = {};
  for (const [k, v] of Object.entries(entry)) {
    if (k === 'name' || v === undefined) continue;
    (out as Record<string, unknown>)[WORKLOAD_ALIASES[k] ?? k] = v;
  }
  return out;
}

function label(v: unknown): string {
  if (v !== null && typeof v === 'object') return Object.values(v).join('-');
  return String(v);
}

interface Point {
  name: string;
  fields: Fields;
}

/** The points of a sweep, in order. */
export function sweepPoints(sweep: { mode?: string; [field: string]: unknown } | undefined): Point[] {
  if (!sweep) return [];
  const axes = Object.entries(sweep).filter(([k]) => k !== 'mode') as [string, unknown[]][];
  const point = (picks: [string, unknown][]): Point => ({
    name: picks.map(([k, v]) => `${k}=${label(v)}`).join(','),
    fields: Object.fromEntries(picks.map(([k, v]) => [sweepField(k) ?? k, v])),
  });
  if (sweep.mode === 'zip') {
    const n = Math.min(...axes.map(([, vs]) => vs.length));
    return Array.from({ length: n }, (_, i) => point(axes.map(([k, vs]) => [k, vs[i]])));
  }
  let combos: [string, unknown][][] = [[]];
  for (const [k, vs] of axes)
    combos = combos.flatMap((c) => vs.map((v) => [...c, [k, v] as [string, unknown]]));
  return combos.map(point);
}

function prompts(w: Fields): PromptSource {
  const ds = w.dataset;
  if (ds !== undefined) {
    const d = typeof ds === 'string' ? { path: ds, format: undefined } : ds;
    return {
      source: d.format ?? datasetFormat(d.path),
      path: d.path,
      ...(w.gen_tokens !== undefined ? { output_tokens: w.gen_tokens } : {}),
    };
  }
  return {
    source: 'synthetic',
    input_tokens: w.prompt_len ?? DEFAULT_TOKENS,
    output_tokens: w.gen_tokens ?? DEFAULT_TOKENS,
  };
}

/** A dataset's format from its name when not given: *hellaswag* → hellaswag, *.json → sharegpt, else jsonl. */
export function datasetFormat(path: string): (typeof DATASET_FORMATS)[number] {
  const base = path.split('/').pop()?.toLowerCase() ?? '';
  if (base.includes('hellaswag')) return 'hellaswag';
  return base.endsWith('.json') ? 'sharegpt' : 'jsonl';
}

function toSpec(name: string, w: Fields, recipe: Recipe): PlanWorkload {
  const spec: PlanWorkload = {
    benchmark: name,
    service: w.service as string,
    model: w.model ?? (w.service === 'dummy' ? DUMMY_MODEL : ''),
    duration: seconds(w.duration as Workload['duration'], 'workload.duration'),
    warmup: seconds(w.warmup ?? 0, 'workload.warmup'),
    clients_per_node: w.clients_per_node ?? recipe.orchestration.node_allocation.clients.clients_per_node,
    sleep_seconds: w.sleep_seconds,
    api: w.api,
    stream: w.stream,
    target_rps: w.target_rps,
    request_distribution: w.request_distribution,
    burstiness: w.burstiness,
    max_concurrency: w.max_concurrency,
    max_requests: w.max_requests,
    prompts: prompts(w),
    max_tokens: typeof w.gen_tokens === 'number' ? w.gen_tokens : undefined,
    ignore_eos: w.ignore_eos,
    slo: w.slo,
    seed: w.seed,
    request_timeout: optionalSeconds(w.request_timeout, 'workload.request_timeout'),
    window_seconds: optionalSeconds(w.window, 'workload.window'),
    distribution_strategy: recipe.orchestration.node_allocation.clients.distribution_strategy,
  };
  for (const k of Object.keys(spec) as (keyof PlanWorkload)[]) if (spec[k] === undefined) delete spec[k];
  return spec;
}

function plan(name: string, w: Fields, recipe: Recipe): BenchmarkPlan {
  const spec = toSpec(name, w, recipe);
  return { name, workload: spec, spec };
}

/** The benchmarks of a resolved recipe (from loadRecipe / parseRecipeText), in the order they run. */
export function expandBenchmarks(recipe: Recipe): BenchmarkPlan[] {
  const { benchmark_suite: suite, sweep, ...base } = recipe.workload;
  const points = sweepPoints(sweep);
  const entries: { name?: string; fields: Fields }[] = suite?.length
    ? suite.map((e: BenchmarkEntry) => ({ name: e.name, fields: overrides(e) }))
    : [{ fields: {} }];
  const out: BenchmarkPlan[] = [];
  const used = new Set<string>();
  const unique = (n: string) => {
    let name = n;
    for (let i = 2; used.has(name); i++) name = `${n}_${i}`;
    used.add(name);
    return name;
  };
  const reps = recipe.repetitions ?? 1;
  for (let rep = 1; rep <= reps; rep++) {
    const suffix = reps > 1 ? `_rep${rep}` : '';
    for (const e of entries) {
      const merged: Fields = { ...base, ...e.fields };
      if (!points.length) out.push(plan(unique(`${e.name ?? 'default'}${suffix}`), merged, recipe));
      for (const p of points) {
        const name = e.name ? `${e.name}_${p.name}` : p.name;
        out.push(plan(unique(`${name}${suffix}`), { ...merged, ...p.fields }, recipe));
      }
    }
  }
  return out;
}
