/**
 * The simulated service's configuration: one table of fields (snake_case, as written in a recipe's
 * `servers.service_config`), from which both `parseDummyConfig` and the `hpcbench serve dummy` flags come.
 * See docs/simulated-service.md for the performance model these parameters drive.
 */
import { type ConfigIssue, ConfigValidationError } from '../../../errors.js';

export type OutputDistribution = 'fixed' | 'uniform' | 'normal' | 'exponential';

export interface DummyConfig {
  seed: number;
  models: string[];
  max_num_seqs: number;
  max_queue: number;
  load_ms: number;
  prefill_base_ms: number;
  prefill_ms_per_token: number;
  decode_step_ms: number;
  decode_batch_factor: number;
  output_tokens: number;
  output_tokens_distribution: OutputDistribution;
  output_tokens_min: number;
  output_tokens_max: number;
  output_tokens_stddev: number;
  max_model_len: number;
  kv_cache_tokens: number;
  error_rate: number;
  stall_rate: number;
  stall_ms: number;
  disconnect_rate: number;
  prefix_caching: boolean;
  block_size: number;
  trace_capacity: number;
  scheduler: 'shared' | 'timeout';
  spin_ms: number;
  spin_share: number;
}

type Kind = 'int' | 'number' | 'rate' | 'enum' | 'list' | 'bool';

export interface FieldSpec {
  key: keyof DummyConfig;
  kind: Kind;
  min?: number;
  /** For numbers: must be strictly above `min`. */
  exclusive?: boolean;
  values?: readonly string[];
  help: string;
}

export const DUMMY_DEFAULTS: DummyConfig = {
  seed: 0,
  models: [],
  max_num_seqs: 64,
  max_queue: 512,
  load_ms: 200,
  prefill_base_ms: 2,
  prefill_ms_per_token: 0.05,
  decode_step_ms: 10,
  decode_batch_factor: 0.02,
  output_tokens: 128,
  output_tokens_distribution: 'fixed',
  output_tokens_min: 1,
  output_tokens_max: 4096,
  output_tokens_stddev: 32,
  max_model_len: 8192,
  kv_cache_tokens: 262144,
  error_rate: 0,
  stall_rate: 0,
  stall_ms: 1000,
  disconnect_rate: 0,
  prefix_caching: true,
  block_size: 16,
  trace_capacity: 10000,
  scheduler: 'shared',
  spin_ms: 1,
  spin_share: 0.2,
};

export const DUMMY_FIELDS: readonly FieldSpec[] = [
  { key: 'seed', kind: 'int', help: 'seed of every random choice (output lengths, faults)' },
  { key: 'models', kind: 'list', help: 'extra model names served besides dummy-model' },
  { key: 'max_num_seqs', kind: 'int', min: 1, help: 'sequences decoded concurrently (batch limit)' },
  { key: 'max_queue', kind: 'int', min: 0, help: 'requests waiting beyond the batch; more get 503' },
  { key: 'load_ms', kind: 'number', min: 0, help: 'model load delay on its first request (ms)' },
  { key: 'prefill_base_ms', kind: 'number', min: 0, help: 'fixed prefill time per request (ms)' },
  { key: 'prefill_ms_per_token', kind: 'number', min: 0, help: 'prefill time per prompt token (ms)' },
  {
    key: 'decode_step_ms',
    kind: 'number',
    min: 0,
    exclusive: true,
    help: 'decode step with one sequence (ms)',
  },
  {
    key: 'decode_batch_factor',
    kind: 'number',
    min: 0,
    help: 'step grows by this fraction per extra sequence',
  },
  { key: 'output_tokens', kind: 'int', min: 1, help: 'mean output length without max_tokens/num_predict' },
  {
    key: 'output_tokens_distribution',
    kind: 'enum',
    values: ['fixed', 'uniform', 'normal', 'exponential'],
    help: 'distribution of output lengths',
  },
  { key: 'output_tokens_min', kind: 'int', min: 1, help: 'smallest sampled output length' },
  { key: 'output_tokens_max', kind: 'int', min: 1, help: 'largest sampled output length' },
  { key: 'output_tokens_stddev', kind: 'number', min: 0, help: 'standard deviation (normal distribution)' },
  { key: 'max_model_len', kind: 'int', min: 1, help: 'context length: prompt + output tokens' },
  { key: 'kv_cache_tokens', kind: 'int', min: 1, help: 'KV cache capacity for vllm:kv_cache_usage_perc' },
  { key: 'error_rate', kind: 'rate', help: 'fraction of requests answered with HTTP 500' },
  { key: 'stall_rate', kind: 'rate', help: 'fraction of requests that stall once mid-generation' },
  { key: 'stall_ms', kind: 'number', min: 0, help: 'length of a stall (ms)' },
  { key: 'disconnect_rate', kind: 'rate', help: 'fraction of streamed requests cut off mid-stream' },
  {
    key: 'prefix_caching',
    kind: 'bool',
    help: 'prefix cache: prompt blocks seen before are not prefilled again (vLLM default: on)',
  },
  { key: 'block_size', kind: 'int', min: 1, help: 'tokens per KV-cache block (the prefix cache unit)' },
  { key: 'trace_capacity', kind: 'int', min: 0, help: 'request traces kept for GET /hpcbench/requests' },
  {
    key: 'scheduler',
    kind: 'enum',
    values: ['shared', 'timeout'],
    help: 'chunk timing: one shared timer (default) or a setTimeout per chunk (for comparison)',
  },
  {
    key: 'spin_ms',
    kind: 'number',
    min: 0,
    help: 'busy-wait window before a due chunk (ms): precision vs CPU',
  },
  {
    key: 'spin_share',
    kind: 'rate',
    help: 'most of a core spent busy-waiting (0: never, 1: uncapped)',
  },
];

/** Keys of `service_config` that other layers use and the simulator accepts without complaint. */
const PASS_THROUGH = new Set(['model']);

function allowed(f: FieldSpec): string {
  switch (f.kind) {
    case 'int':
      return `an integer${f.min !== undefined ? ` >= ${f.min}` : ''}`;
    case 'number':
      return `a number ${f.exclusive ? '>' : '>='} ${f.min ?? 0}`;
    case 'rate':
      return 'a number from 0 to 1';
    case 'enum':
      return `one of ${f.values?.join(', ')}`;
    case 'list':
      return 'a list of model names (or one comma-separated string)';
    case 'bool':
      return 'true or false';
  }
}

function coerce(f: FieldSpec, v: unknown): unknown {
  if (f.kind === 'list') {
    const list = typeof v === 'string' ? v.split(',') : v;
    if (!Array.isArray(list) || !list.every((s) => typeof s === 'string')) return undefined;
    return list.map((s: string) => s.trim()).filter(Boolean);
  }
  if (f.kind === 'bool')
    return v === true || v === 'true' ? true : v === false || v === 'false' ? false : undefined;
  if (f.kind === 'enum') return typeof v === 'string' && f.values?.includes(v) ? v : undefined;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) return undefined;
  if (f.kind === 'int' && !Number.isInteger(n)) return undefined;
  if (f.kind === 'rate') return n >= 0 && n <= 1 ? n : undefined;
  const min = f.min ?? Number.NEGATIVE_INFINITY;
  return (f.exclusive ? n > min : n >= min) ? n : undefined;
}

/** Keys in `raw` the simulator does not know (they are ignored; the CLI warns about them). */
export function unknownDummyConfigKeys(raw: unknown): string[] {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return [];
  const known = new Set<string>(DUMMY_FIELDS.map((f) => f.key));
  return Object.keys(raw).filter((k) => !known.has(k) && !PASS_THROUGH.has(k));
}

/**
 * Validates a recipe's `servers.service_config` for the dummy service (or the CLI's `--config`) and fills
 * in defaults. Bad values throw ConfigValidationError (E006) naming `servers.service_config.<field>` and
 * what is allowed. Unknown keys are ignored; `model` is added to `models`.
 */
export function parseDummyConfig(raw: unknown, file?: string): DummyConfig {
  const base = 'servers.service_config';
  if (raw === undefined || raw === null) return { ...DUMMY_DEFAULTS, models: [] };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    const issue: ConfigIssue = {
      severity: 'error',
      path: base,
      message: 'must be a mapping of settings',
      file,
    };
    throw new ConfigValidationError('invalid simulated service configuration', [issue]);
  }
  const src = raw as Record<string, unknown>;
  const out: DummyConfig = { ...DUMMY_DEFAULTS, models: [] };
  const issues: ConfigIssue[] = [];
  for (const f of DUMMY_FIELDS) {
    const v = src[f.key];
    if (v === undefined) continue;
    const c = coerce(f, v);
    if (c === undefined) {
      const message = `${JSON.stringify(v)} is not allowed: expected ${allowed(f)} (${f.help})`;
      issues.push({ severity: 'error', path: `${base}.${f.key}`, message, file });
    } else (out as unknown as Record<string, unknown>)[f.key] = c;
  }
  if (src.model !== undefined) {
    if (typeof src.model !== 'string' || !src.model) {
      issues.push({ severity: 'error', path: `${base}.model`, message: 'must be a model name', file });
    } else if (!out.models.includes(src.model)) out.models.push(src.model);
  }
  if (out.output_tokens_min > out.output_tokens_max) {
    const message = `output_tokens_min (${out.output_tokens_min}) must be <= output_tokens_max (${out.output_tokens_max})`;
    issues.push({ severity: 'error', path: `${base}.output_tokens_min`, message, file });
  }
  if (issues.length > 0) {
    const where = file ? ` in ${file}` : '';
    throw new ConfigValidationError(`invalid simulated service configuration${where}`, issues);
  }
  return out;
}
