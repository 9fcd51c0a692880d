/**
 * A recipe → the benchmarks to run, in order: one per `benchmark_suite` entry (its fields override the
 * workload), or one per `sweep` point (named `field=value[,field=value]`), or both (each suite entry
 * swept: `entry_field=value`); a single `default` benchmark otherwise. Sweep `mode: cross` runs every
 * combination (the first field varies slowest), `zip` runs the i-th value of every list together.
 * `repetitions: N` (N > 1) runs the whole list N times, names suffixed `_rep1` ... `_repN`.
 * Each plan carries its `thresholds`: the workload's followed by its suite entry's.
 */
import { isAbsolute, resolve } from 'node:path';
import {
  type CancelSpec,
  type DATASET_FORMATS,
  type Load,
  loadFromFields,
  type PromptSource,
  promptFile,
  type TraceFormat,
  type WorkloadSpec,
} from '../contracts/index.js';
import type { SearchSettings } from '../decide/search.js';
import { safeName } from '../util/names.js';
import { optionalSeconds, seconds } from './durations.js';
import type { Recipe } from './schema/recipe.js';
import { type BenchmarkEntry, WORKLOAD_ALIASES, type Workload } from './schema/workload.js';
import { serviceCapabilities } from './services.js';
import type { PathSegment } from './source.js';
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
  /** Threshold conditions (`ttft.p99 < 500ms`) evaluated on this benchmark's figures. */
  thresholds?: string[];
}

export interface ExpandOptions {
  /**
   * Folder that relative `dataset` paths are resolved against (the recipe file's folder); the plans then
   * carry absolute paths. Without it, paths stay as written (relative to the process's cwd).
   */
  baseDir?: string;
}

/** A plan and where in the recipe its dataset was named (`['workload', 'dataset']`, a suite entry's, a sweep value). */
export interface BenchmarkPlanWithOrigin extends BenchmarkPlan {
  datasetField?: PathSegment[];
}

const DEFAULT_TOKENS = 128;

type Fields = Partial<Workload> & Record<string, unknown>;

/** A suite entry's fields, aliases mapped; `null` stays (it unsets the base workload's field when merged). */
function overrides(entry: Record<string, unknown>): Fields {
  const out: Fields = {};
  for (const [k, v] of Object.entries(entry)) {
    if (k === 'name' || k === 'thresholds' || v === undefined) continue;
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
  /** Position of each axis's value in its list (by field as written). */
  index: Record<string, number>;
}

/** The points of a sweep, in order. */
export function sweepPoints(sweep: { mode?: string; [field: string]: unknown } | undefined): Point[] {
  if (!sweep) return [];
  const axes = Object.entries(sweep).filter(([k]) => k !== 'mode') as [string, unknown[]][];
  type Pick = [string, unknown, number];
  const point = (picks: Pick[]): Point => ({
    name: picks.map(([k, v]) => `${k}=${label(v)}`).join(','),
    fields: Object.fromEntries(picks.map(([k, v]) => [sweepField(k) ?? k, v])),
    index: Object.fromEntries(picks.map(([k, , i]) => [k, i])),
  });
  if (sweep.mode === 'zip') {
    const n = Math.min(...axes.map(([, vs]) => vs.length));
    return Array.from({ length: n }, (_, i) => point(axes.map(([k, vs]) => [k, vs[i], i])));
  }
  let combos: Pick[][] = [[]];
  for (const [k, vs] of axes) combos = combos.flatMap((c) => vs.map((v, i) => [...c, [k, v, i] as Pick]));
  return combos.map(point);
}

/** A recipe's `trace` as written: the path (resolved against `baseDir`), format and the rest. */
function traceOf(w: Fields, baseDir: string | undefined) {
  const t = w.trace;
  if (t === undefined || t === null) return undefined;
  const d = typeof t === 'string' ? { path: t } : t;
  return {
    ...d,
    path: baseDir !== undefined && !isAbsolute(d.path) ? resolve(baseDir, d.path) : d.path,
    format: d.format ?? traceFormat(d.path),
  };
}

/** A trace's format from its name when not given: *.csv → burstgpt, else mooncake. */
export function traceFormat(path: string): TraceFormat {
  return path.toLowerCase().endsWith('.csv') ? 'burstgpt' : 'mooncake';
}

function prompts(w: Fields, baseDir: string | undefined): PromptSource {
  const trace = traceOf(w, baseDir);
  if (trace)
    return {
      source: 'trace',
      format: trace.format,
      path: trace.path,
      ...(trace.block_tokens !== undefined ? { block_tokens: trace.block_tokens } : {}),
    };
  const ds = w.dataset;
  if (ds !== undefined && ds !== null) {
    const d = typeof ds === 'string' ? { path: ds, format: undefined } : ds;
    return {
      source: d.format ?? datasetFormat(d.path),
      path: baseDir !== undefined && !isAbsolute(d.path) ? resolve(baseDir, d.path) : d.path,
      ...(w.gen_tokens !== undefined ? { output_tokens: w.gen_tokens } : {}),
    };
  }
  if (w.shared_prefix)
    return { source: 'shared_prefix', ...w.shared_prefix, output_tokens: w.gen_tokens ?? DEFAULT_TOKENS };
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

/** The load: a trace replay when `trace` is given (its time_scale), else from the flat load fields. */
function loadOf(w: Fields, recipe: Recipe, baseDir: string | undefined): Load {
  const trace = traceOf(w, baseDir);
  if (trace)
    return { mode: 'trace', ...(trace.time_scale !== undefined && { time_scale: trace.time_scale }) };
  return loadFromFields({
    clients_per_node: w.clients_per_node ?? recipe.orchestration.node_allocation.clients.clients_per_node,
    sleep_seconds: w.sleep_seconds,
    target_rps: w.target_rps,
    request_distribution: w.request_distribution,
    burstiness: w.burstiness,
    max_concurrency: w.max_concurrency,
    pacer_poll_ms: w.pacer_poll_ms,
    ramp: w.ramp,
    ramp_start_rps: w.ramp_start_rps,
    ramp_end_rps: w.ramp_end_rps,
    ramp_duration: optionalSeconds(w.ramp_duration, 'workload.ramp_duration'),
  });
}

/** The recipe's `cancel` with its delay in seconds. */
function cancelOf(c: Fields['cancel']): CancelSpec | undefined {
  if (!c) return undefined;
  const after = optionalSeconds(c.after, 'workload.cancel.after');
  return {
    share: c.share,
    ...(after !== undefined && { after }),
    ...(c.after_tokens !== undefined && { after_tokens: c.after_tokens }),
  };
}

function toSpec(name: string, w: Fields, recipe: Recipe, baseDir: string | undefined): PlanWorkload {
  const caps = serviceCapabilities(String(w.service));
  const spec: PlanWorkload = {
    benchmark: name,
    service: w.service as string,
    model: w.model ?? caps?.default_model ?? '',
    duration: seconds(w.duration as Workload['duration'], 'workload.duration'),
    warmup: seconds(w.warmup ?? 0, 'workload.warmup'),
    load: loadOf(w, recipe, baseDir),
    // the service's default API when the recipe names none (the executor would pick the same)
    api: w.api ?? caps?.default_api,
    stream: w.stream,
    max_requests: w.max_requests,
    prompts: prompts(w, baseDir),
    max_tokens: typeof w.gen_tokens === 'number' ? w.gen_tokens : undefined,
    ignore_eos: w.ignore_eos,
    slo: w.slo,
    seed: w.seed,
    request_timeout: optionalSeconds(w.request_timeout, 'workload.request_timeout'),
    grace_period: optionalSeconds(w.grace_period, 'workload.grace_period'),
    unreachable_timeout: optionalSeconds(w.unreachable_timeout, 'workload.unreachable_timeout'),
    window_seconds: optionalSeconds(w.window, 'workload.window'),
    max_error_rate: w.max_error_rate,
    max_schedule_lag: optionalSeconds(w.max_schedule_lag, 'workload.max_schedule_lag'),
    stop_on_saturation: w.stop_on_saturation,
    cancel: cancelOf(w.cancel),
    session: w.session
      ? {
          ...(w.session.turns !== undefined && { turns: w.session.turns }),
          ...(w.session.think_time !== undefined && {
            think_seconds: seconds(w.session.think_time, 'workload.session.think_time'),
          }),
        }
      : undefined,
    distribution_strategy: recipe.orchestration.node_allocation.clients.distribution_strategy,
  };
  for (const k of Object.keys(spec) as (keyof PlanWorkload)[]) if (spec[k] === undefined) delete spec[k];
  return spec;
}

/** Name of the template a search's probes are made from (`expandBenchmarks` of a search recipe). */
export const SEARCH_BASE = 'search';

/** A recipe's `workload.search` as the strategy's settings (src/decide/search.ts); undefined without one. */
export function searchSettings(recipe: Recipe): SearchSettings | undefined {
  const s = recipe.workload.search;
  if (!s) return undefined;
  const field = s.field === 'target_rps' ? 'target_rps' : 'clients_per_node';
  return {
    field,
    start: s.start,
    min: s.min ?? (field === 'target_rps' ? s.start / 10 : 1),
    max: s.max,
    growth: s.growth,
    precision: s.precision,
    slo: s.slo,
    max_probes: s.max_probes,
    ...(recipe.workload.session ? { sessions: true } : {}),
  };
}

/**
 * The probe of a search at `value`: the template with its rate or users set, named `search_FIELD=VALUE`
 * (`_retry` added when the same value is probed again); an open-loop probe has `stop_on_saturation`.
 */
export function probePlan(
  base: BenchmarkPlan,
  field: SearchSettings['field'],
  value: number,
  retry = false,
): BenchmarkPlan {
  const load = base.spec.load;
  const name = `${SEARCH_BASE}_${field}=${value}${retry ? '_retry' : ''}`;
  const spec: PlanWorkload = {
    ...base.spec,
    benchmark: name,
    // an open-loop probe stops as soon as the server is over-saturated (unless the recipe says false)
    ...(load.mode === 'open' ? { stop_on_saturation: base.spec.stop_on_saturation ?? true } : {}),
    load:
      load.mode === 'open'
        ? { ...load, target_rps: value }
        : load.mode === 'closed'
          ? { ...load, clients_per_node: value }
          : load,
  };
  return { name, workload: spec, spec };
}

/** `{...base, ...entry}` where an entry's `null` removes the field ("not set"). */
function merge(base: Fields, over: Fields): Fields {
  const out: Fields = { ...base, ...over };
  for (const k of Object.keys(out)) if (out[k] === null) delete out[k];
  return out;
}

/**
 * The benchmarks of a resolved recipe (from loadRecipe / parseRecipeText), in the order they run. With
 * `baseDir`, relative dataset paths are resolved against it (loadRecipe's `baseDir`: the recipe's folder).
 */
export function expandBenchmarks(recipe: Recipe, opts: ExpandOptions = {}): BenchmarkPlan[] {
  return expandWithOrigins(recipe, opts).map(({ datasetField: _d, ...p }) => p);
}

/** As expandBenchmarks, each plan also telling which recipe field named its dataset. */
export function expandWithOrigins(recipe: Recipe, opts: ExpandOptions = {}): BenchmarkPlanWithOrigin[] {
  const { benchmark_suite: suite, sweep, thresholds: common, search, ...base } = recipe.workload;
  if (search) {
    // the probes' template: the workload at the search's start (src/orchestrator/search-runner.ts varies it)
    const field = search.field === 'target_rps' ? 'target_rps' : 'clients_per_node';
    const spec = toSpec(SEARCH_BASE, { ...base, [field]: search.start } as Fields, recipe, opts.baseDir);
    const p: BenchmarkPlanWithOrigin = { name: SEARCH_BASE, workload: spec, spec };
    if (promptFile(spec.prompts) !== undefined) p.datasetField = ['workload', 'dataset'];
    return [p];
  }
  const points = sweepPoints(sweep);
  const entries: { name?: string; fields: Fields; at?: PathSegment[]; thresholds?: string[] }[] =
    suite?.length
      ? suite.map((e: BenchmarkEntry, i) => ({
          name: e.name,
          fields: overrides(e),
          at: ['workload', 'benchmark_suite', i],
          thresholds: e.thresholds,
        }))
      : [{ fields: {} }];
  const out: BenchmarkPlanWithOrigin[] = [];
  const used = new Set<string>();
  // unique as folder names too: `a=1` and `a,1` both become benchmarks/a_1/
  const unique = (n: string) => {
    let name = n;
    for (let i = 2; used.has(safeName(name)); i++) name = `${n}_${i}`;
    used.add(safeName(name));
    return name;
  };
  const datasetKey = sweep ? Object.keys(sweep).find((k) => sweepField(k) === 'dataset') : undefined;
  const make = (
    name: string,
    w: Fields,
    field: PathSegment[] | undefined,
    own: string[] | undefined,
  ): BenchmarkPlanWithOrigin => {
    const spec = toSpec(name, w, recipe, opts.baseDir);
    const p: BenchmarkPlanWithOrigin = { name, workload: spec, spec };
    const thresholds = [...(common ?? []), ...(own ?? [])];
    if (thresholds.length) p.thresholds = thresholds;
    if (promptFile(spec.prompts) !== undefined) p.datasetField = field;
    return p;
  };
  const reps = recipe.repetitions ?? 1;
  for (let rep = 1; rep <= reps; rep++) {
    const suffix = reps > 1 ? `_rep${rep}` : '';
    for (const e of entries) {
      const merged = merge(base as Fields, e.fields);
      // the field naming the file: a trace's or a dataset's, the entry's own or the workload's
      const key = merged.trace !== undefined ? 'trace' : 'dataset';
      const field: PathSegment[] = e.at && e.fields[key] !== undefined ? [...e.at, key] : ['workload', key];
      if (!points.length)
        out.push(make(unique(`${e.name ?? 'default'}${suffix}`), merged, field, e.thresholds));
      for (const p of points) {
        const name = e.name ? `${e.name}_${p.name}` : p.name;
        const at: PathSegment[] = datasetKey ? ['workload', 'sweep', datasetKey, p.index[datasetKey]] : field;
        out.push(make(unique(`${name}${suffix}`), merge(merged, p.fields), at, e.thresholds));
      }
    }
  }
  return out;
}
