/**
 * The parameters of one benchmark as flat columns (pure): load mode, users per executor and in total,
 * rate, prompt and output lengths, durations, ... from the spec the executors ran. The same record is
 * written to each benchmark's entry in summary.json (`parameters`), to benchmarks.csv and used by the HTML
 * report's sweep plots and the terminal table's load column.
 */
import {
  type LengthSpec,
  type Load,
  loadFieldsSchema,
  loadFromFields,
  type WorkloadSpec,
} from '../contracts/index.js';

export type ParamValue = string | number | boolean | undefined;
export type BenchmarkParameters = Record<string, ParamValue>;

/** The fixed columns, in order (every benchmark has them; empty when not applicable). */
export const PARAMETER_COLUMNS = [
  'load_mode',
  'executors',
  'users_per_executor',
  'total_users',
  'target_rps',
  'request_distribution',
  'burstiness',
  'max_concurrency',
  'sleep_seconds',
  'prompt_source',
  'input_tokens',
  'output_tokens',
  'api',
  'stream',
  'model',
  'duration_s',
  'warmup_s',
  'max_requests',
] as const;

/** Spec fields that are plumbing, not parameters of the measurement. */
const NOT_PARAMETERS = new Set([
  'benchmark',
  'service',
  'server_url',
  'server_urls',
  'records_path',
  'executor_index',
  'executor_count',
  'prompts',
  'slo',
  'session',
  'load',
  // already in the fixed columns under their own names
  'duration',
  'warmup',
  'clients_per_node',
  'target_rps',
  'request_distribution',
  'burstiness',
  'max_concurrency',
  'sleep_seconds',
  'max_requests',
  'max_tokens',
  'model',
  'api',
  'stream',
]);

/** `128`, or `uniform(64..256)`, `normal(128±32)`, `lognormal(128±32)`. */
export function lengthText(l: LengthSpec | undefined): ParamValue {
  if (l === undefined || typeof l === 'number') return l;
  if (l.dist === 'uniform') return `uniform(${l.min}..${l.max})`;
  return `${l.dist}(${l.mean}±${l.std})`;
}

type SpecLike = Partial<WorkloadSpec>;

/** The spec's load; a results folder written before the load union has the flat fields instead. */
function loadOf(spec: SpecLike): Load | undefined {
  if (spec.load) return spec.load;
  const flat = loadFieldsSchema.safeParse(spec);
  return flat.success ? loadFromFields(flat.data) : undefined;
}

/** The columns of one benchmark; `executors` = how many executors ran it. */
export function benchmarkParameters(spec: SpecLike | undefined, executors: number): BenchmarkParameters {
  if (!spec) return { executors };
  const load = loadOf(spec);
  const open = load?.mode === 'open' ? load : undefined;
  const ramp = load?.mode === 'ramp' ? load : undefined;
  const scheduled = open ?? ramp;
  const closed = load?.mode === 'closed' ? load : undefined;
  const users = closed?.clients_per_node;
  const prompts = spec.prompts;
  const p: BenchmarkParameters = {
    load_mode: load?.mode,
    executors,
    users_per_executor: users,
    total_users: users === undefined ? undefined : users * executors,
    target_rps: open?.target_rps,
    request_distribution: scheduled?.request_distribution,
    burstiness: scheduled?.request_distribution === 'burst' ? scheduled.burstiness : undefined,
    max_concurrency: scheduled?.max_concurrency,
    sleep_seconds: closed?.sleep_seconds,
    prompt_source: prompts
      ? 'path' in prompts
        ? `${prompts.source}:${prompts.path}`
        : prompts.source
      : undefined,
    input_tokens:
      prompts?.source === 'synthetic'
        ? lengthText(prompts.input_tokens)
        : prompts?.source === 'shared_prefix'
          ? `${prompts.prefix_len}+${lengthText(prompts.suffix_len)}`
          : undefined,
    output_tokens:
      lengthText(prompts && 'output_tokens' in prompts ? prompts.output_tokens : undefined) ??
      spec.max_tokens,
    api: spec.api,
    stream: spec.stream,
    model: spec.model,
    duration_s: spec.duration,
    warmup_s: spec.warmup,
    max_requests: spec.max_requests,
  };
  for (const [k, v] of Object.entries(spec)) {
    if (NOT_PARAMETERS.has(k)) continue;
    if (v === undefined || v === null || typeof v === 'object') continue;
    p[k] = v as ParamValue;
  }
  if (ramp) {
    p.ramp = ramp.ramp;
    p.ramp_start_rps = ramp.ramp_start_rps;
    p.ramp_end_rps = ramp.ramp_end_rps;
    p.ramp_duration_s = ramp.ramp_duration ?? spec.duration;
  }
  if (prompts?.source === 'shared_prefix') p.prefix_groups = prompts.groups;
  if (load?.mode === 'trace') p.time_scale = load.time_scale ?? 1;
  if (spec.session) {
    // multi-turn sessions: target_rps is of sessions; the turns, fixed or drawn (a conversation's own: 'dataset')
    p.session_turns = lengthText(spec.session.turns) ?? 'dataset';
    p.session_think_s = spec.session.think_seconds ?? 0;
  }
  if (spec.slo) for (const [k, v] of Object.entries(spec.slo)) p[`slo_${k}`] = v;
  return p;
}

/** Column names for a set of benchmarks: the fixed ones, then extra keys any of them has. */
export function parameterColumns(list: BenchmarkParameters[]): string[] {
  const cols: string[] = [...PARAMETER_COLUMNS];
  for (const p of list) for (const k of Object.keys(p)) if (!cols.includes(k)) cols.push(k);
  return cols;
}

/** The parameters whose value differs between benchmarks (what a suite or sweep varies), in column order. */
export function varyingParameters(list: BenchmarkParameters[]): string[] {
  if (list.length < 2) return [];
  return parameterColumns(list).filter((k) => new Set(list.map((p) => String(p[k]))).size > 1);
}

/**
 * `8 users` (closed loop, all executors) or `20/s` (open loop; `20 sess/s` with multi-turn sessions, whose
 * arrivals are sessions); `-` without a spec.
 */
export function loadText(p: BenchmarkParameters): string {
  const unit = p.session_turns !== undefined ? ' sess/s' : '/s';
  if (p.load_mode === 'open') return `${p.target_rps}${unit}`;
  if (p.load_mode === 'ramp') return `${p.ramp_start_rps}→${p.ramp_end_rps}${unit}`;
  if (p.load_mode === 'trace') return p.time_scale === 1 ? 'trace' : `trace x${p.time_scale}`;
  if (p.total_users !== undefined) return `${p.total_users} user${p.total_users === 1 ? '' : 's'}`;
  return '-';
}
