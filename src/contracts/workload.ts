/**
 * The workload, defined once. Every field a recipe's `workload` section or an executor's `POST /start`
 * carries has its schema here; `src/recipe/schema/workload.ts` and the start schema
 * (`./executor-api.ts`) are built from these, and the TypeScript types are inferred from them.
 *
 * The load is a discriminated union on `mode`: closed loop (a fixed number of users, each thinking
 * `sleep_seconds` between requests) or open loop (arrivals at `target_rps`). A new load mode (a rate
 * ramp, a capacity search, a trace replay, multi-turn sessions) is one more member of `loadSchema` and
 * one more case in `loadFromFields`. Multi-turn chat sessions (`session`) are a workload feature beside the
 * load: sessions are what a closed loop's users run and what an open loop's arrivals start.
 */
import { z } from 'zod';
import {
  duration,
  durationSeconds,
  httpUrl,
  lengthSpec,
  nonEmpty,
  nonNegativeNumber,
  positiveDuration,
  positiveInt,
  positiveNumber,
  positiveSeconds,
  turnsSpec,
} from './primitives.js';

export const APIS = ['completions', 'chat', 'generate'] as const;
export const apiSchema = z.enum(APIS, { error: `expected one of ${APIS.join(', ')}` });
export type Api = z.infer<typeof apiSchema>;

export const REQUEST_DISTRIBUTIONS = ['constant', 'poisson', 'burst'] as const;
export type RequestDistribution = (typeof REQUEST_DISTRIBUTIONS)[number];

export const RAMP_SHAPES = ['linear', 'exponential'] as const;
export type RampShape = (typeof RAMP_SHAPES)[number];

export const DATASET_FORMATS = ['hellaswag', 'sharegpt', 'jsonl'] as const;
export type DatasetFormat = (typeof DATASET_FORMATS)[number];

/**
 * Open loop: milliseconds before each due arrival at which the pacer stops sleeping (a timer, then the
 * sub-millisecond waker thread, src/loadgen/run/waker.ts) and polls the clock between I/O events instead
 * (setImmediate), so a request leaves within a loop turn of its time rather than the waker's wake-up
 * latency. Larger costs more CPU: while arrivals are closer together than this, the executor's event
 * loop never sleeps (about one core). 0: never polls. See docs/load-generation.md#pacing.
 */
export const PACER_POLL_MS = 0.1;
export const PACER_POLL_MAX_MS = 50;

/** Trace files a trace replay reads: Mooncake JSONL (ms, hash_ids) and BurstGPT CSV (seconds). */
export const TRACE_FORMATS = ['mooncake', 'burstgpt'] as const;
export type TraceFormat = (typeof TRACE_FORMATS)[number];
/** Tokens per `hash_ids` block of a Mooncake trace (its published traces use 512). */
export const MOONCAKE_BLOCK_TOKENS = 512;
/**
 * A scheduled load (open loop, ramp, trace replay) over several executors starts on one instant
 * (`start_at`): once every executor has prepared its run, the controller sets it this long after it sends
 * POST /release, time for the release to reach every executor; to an executor that does not know the
 * release, it is this long after POST /start.
 */
export const SHARED_START_LEAD_MS = 250;
/**
 * An executor takes `start_at` as its clock's start only when it is within this of its own clock
 * (ahead or behind); further off (a node's clock not synchronised), it starts when it got POST /start.
 */
export const START_AT_TOLERANCE_MS = 5000;

/**
 * Multi-turn chat sessions as a recipe writes them: `turns` per session (fixed or a distribution; a
 * ShareGPT dataset's conversations bring their own), `think_time` between a response and the next turn.
 */
export const sessionFieldSchema = z.object(
  {
    turns: turnsSpec
      .meta({
        description:
          'turns (requests) per session, or a distribution; with a ShareGPT dataset: at most this many of each conversation’s turns (default all)',
      })
      .optional(),
    think_time: duration
      .meta({ description: 'think time between a turn’s response and the next turn (default 0)' })
      .optional(),
  },
  { error: 'expected {turns, think_time}' },
);
export type SessionField = z.infer<typeof sessionFieldSchema>;

/** The resolved sessions of a workload (what `POST /start` carries): think time in seconds. */
export const sessionSpecSchema = z.object({
  /** Turns per session; undefined: a ShareGPT conversation's own (required for any other prompt source). */
  turns: turnsSpec.optional(),
  think_seconds: durationSeconds.optional(),
});
export type SessionSpec = z.infer<typeof sessionSpecSchema>;

/** Per-turn figures are kept for turns 1..MAX_TURN_FIGURES; later turns are counted in the last one. */
export const MAX_TURN_FIGURES = 64;

/**
 * Why a workload's sessions cannot run, or undefined when they can: only the chat API carries a
 * conversation (earlier prompts and responses as messages), and a trace replay has its own requests.
 * `hpcbench validate` (src/recipe/session-rules.ts) and the executor (startLoad) refuse with it.
 */
export function sessionRefusal(api: Api | undefined, mode: Load['mode'] | undefined): string | undefined {
  if (mode === 'trace') return 'a trace replay sends the trace’s own requests: remove session (or trace)';
  if (api !== 'chat')
    return `multi-turn sessions need api: chat (the conversation so far is sent as messages); api ${api ?? '(none)'} sends one prompt per request`;
  return undefined;
}

export const DISTRIBUTION_STRATEGIES = ['round-robin', 'random', 'all-to-all', 'static'] as const;

export const sloSchema = z.object({
  ttft_ms: positiveNumber.optional(),
  tpot_ms: positiveNumber.optional(),
  e2e_ms: positiveNumber.optional(),
});
export type Slo = z.infer<typeof sloSchema>;

/** Fractions of requests cancelled on purpose: above 0, at most 1. */
const cancelShare = z
  .number({ error: 'expected a fraction above 0 and at most 1, e.g. 0.1 for 10% of the requests' })
  .gt(0, 'must be above 0 and at most 1 (e.g. 0.1 for 10% of the requests)')
  .max(1, 'must be above 0 and at most 1 (e.g. 0.1 for 10% of the requests)');

/** A cancellation has one trigger: `after` (a delay) or `after_tokens` (tokens received), not both. */
function oneCancelPoint(v: { after?: unknown; after_tokens?: unknown }, ctx: z.RefinementCtx): void {
  if (v.after !== undefined && v.after_tokens !== undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['after_tokens'],
      message: 'give either after (a delay after sending) or after_tokens (tokens received), not both',
    });
  else if (v.after === undefined && v.after_tokens === undefined)
    ctx.addIssue({
      code: 'custom',
      path: [],
      message:
        'expected after (a delay after sending, e.g. 500ms) or after_tokens (tokens received, e.g. 16)',
    });
}

const CANCEL_HELP = 'expected {share, after: DELAY} or {share, after_tokens: N}';

/**
 * The workload's `cancel`: a seeded `share` of the requests is cancelled (its connection closed, so the
 * server sees the client go away) `after` a delay from sending, or `after_tokens` streamed tokens. As a
 * recipe writes it (the delay as written); `cancelSpecSchema` is the spec's form (the delay in seconds).
 */
export const cancelSchema = z
  .object(
    {
      share: cancelShare.meta({ description: 'fraction of the requests cancelled (seeded choice)' }),
      after: positiveDuration
        .meta({ description: 'cancel this long after the request was sent (e.g. 500ms)' })
        .optional(),
      after_tokens: positiveInt
        .meta({ description: 'streaming: cancel once this many tokens (text chunks) arrived' })
        .optional(),
    },
    { error: CANCEL_HELP },
  )
  .superRefine(oneCancelPoint);

export const cancelSpecSchema = z
  .object(
    {
      share: cancelShare,
      /** Seconds after `sent`. */
      after: positiveSeconds.optional(),
      after_tokens: positiveInt.optional(),
    },
    { error: CANCEL_HELP },
  )
  .superRefine(oneCancelPoint);
export type CancelSpec = z.infer<typeof cancelSpecSchema>;

/**
 * The workload fields under the names users write in a recipe (and the seed's `POST /start` body).
 * Durations are as written ('30s', 90); the spec below carries them as seconds.
 */
export const workloadFields = {
  service: nonEmpty.meta({
    description: 'registered service name: dummy, ollama, vllm, llamacpp or a plugin',
  }),
  model: nonEmpty,
  duration,
  warmup: duration,
  clients_per_node: positiveInt.meta({ description: 'closed loop: concurrent users per client node' }),
  sleep_seconds: nonNegativeNumber.meta({ description: 'closed loop think time between requests' }),
  api: apiSchema,
  stream: z.boolean({ error: 'expected true or false' }),
  target_rps: positiveNumber.meta({ description: 'open loop: requests/s across all client nodes' }),
  request_distribution: z.enum(REQUEST_DISTRIBUTIONS, {
    error: `expected one of ${REQUEST_DISTRIBUTIONS.join(', ')}`,
  }),
  burstiness: z.number({ error: 'expected a number' }).min(1, 'must be at least 1 (mean requests per burst)'),
  max_concurrency: positiveInt.meta({ description: 'open loop: at most this many requests in flight' }),
  pacer_poll_ms: z
    .number({ error: `expected a number of milliseconds from 0 to ${PACER_POLL_MAX_MS}` })
    .min(0, `must be from 0 to ${PACER_POLL_MAX_MS} (milliseconds)`)
    .max(PACER_POLL_MAX_MS, `must be from 0 to ${PACER_POLL_MAX_MS} (milliseconds)`)
    .meta({
      description: `open loop: ms before each arrival the pacer polls instead of sleeping (CPU for precision; default ${PACER_POLL_MS}, 0: never polls)`,
    }),
  max_requests: positiveInt,
  prompt_len: lengthSpec.meta({ description: 'synthetic prompt length in tokens (or a distribution)' }),
  gen_tokens: lengthSpec.meta({ description: 'output tokens per request (max_tokens) or a distribution' }),
  ignore_eos: z.boolean({ error: 'expected true or false' }),
  slo: sloSchema,
  seed: z.int({ error: 'expected a whole number' }),
  request_timeout: positiveDuration,
  grace_period: duration.meta({
    description:
      'after duration, how long in-flight requests may finish before they are cancelled (default 30s)',
  }),
  unreachable_timeout: positiveDuration.meta({
    description:
      'only connection errors for this long = server unreachable: the benchmark fails E008 (default 10s)',
  }),
  window: positiveDuration.meta({ description: 'time-series window of the per-window histograms' }),
  max_error_rate: z
    .number({ error: 'expected a fraction between 0 and 1, e.g. 0.05' })
    .min(0, 'must be between 0 and 1')
    .max(1, 'must be between 0 and 1')
    .meta({ description: 'failed / (ok + failed) above which a benchmark is degraded (default 0.05)' }),
  ramp: z.enum(RAMP_SHAPES, { error: `expected one of ${RAMP_SHAPES.join(', ')}` }).meta({
    description:
      'rate ramp: the open-loop rate goes from ramp_start_rps to ramp_end_rps, linear or exponential',
  }),
  ramp_start_rps: positiveNumber.meta({
    description: 'rate ramp: requests/s (all client nodes) at its start',
  }),
  ramp_end_rps: positiveNumber.meta({ description: 'rate ramp: requests/s (all client nodes) at its end' }),
  ramp_duration: positiveDuration.meta({
    description:
      'rate ramp: how long it takes from the end of warmup (default: the duration); the end rate holds after',
  }),
  max_schedule_lag: positiveDuration.meta({
    description:
      'open loop: schedule lag p99 above which the load generator fell behind: the benchmark is invalid (default 50ms)',
  }),
  cancel: cancelSchema.meta({
    description:
      'cancel a share of the requests after a delay or after N tokens, closing the connection (impatient users)',
  }),
  stop_on_saturation: z.boolean({ error: 'expected true or false' }).meta({
    description: 'open loop: stop a benchmark early once it is over-saturated (docs/load-generation.md)',
  }),
  session: sessionFieldSchema.meta({
    description:
      'multi-turn chat sessions: each turn sends the conversation so far; sessions are the closed loop’s unit of concurrency and the open loop’s unit of arrival',
  }),
};

/** Closed loop: `clients_per_node` users per executor, each sending one request at a time. */
export const closedLoopSchema = z.object({
  mode: z.literal('closed'),
  clients_per_node: workloadFields.clients_per_node,
  sleep_seconds: workloadFields.sleep_seconds.optional(),
});

/** Open loop: arrivals at `target_rps` across all executors, whether or not earlier requests finished. */
export const openLoopSchema = z.object({
  mode: z.literal('open'),
  target_rps: workloadFields.target_rps,
  request_distribution: workloadFields.request_distribution.optional(),
  burstiness: workloadFields.burstiness.optional(),
  max_concurrency: workloadFields.max_concurrency.optional(),
  pacer_poll_ms: workloadFields.pacer_poll_ms.optional(),
});

/**
 * Rate ramp: open-loop arrivals whose rate goes from `ramp_start_rps` to `ramp_end_rps` (all executors)
 * over `ramp_duration` seconds from the end of warmup, linear or exponential; warmup runs at the start
 * rate, the end rate holds after the ramp (src/loadgen/schedule/ramp.ts).
 */
export const rampLoadSchema = z.object({
  mode: z.literal('ramp'),
  ramp: workloadFields.ramp,
  ramp_start_rps: workloadFields.ramp_start_rps,
  ramp_end_rps: workloadFields.ramp_end_rps,
  /** Seconds; default the benchmark's duration. */
  ramp_duration: positiveSeconds.optional(),
  request_distribution: workloadFields.request_distribution.optional(),
  burstiness: workloadFields.burstiness.optional(),
  max_concurrency: workloadFields.max_concurrency.optional(),
  pacer_poll_ms: workloadFields.pacer_poll_ms.optional(),
});

/**
 * Trace replay: each request at its trace time (offset from the trace's first request, × `time_scale`),
 * whether or not earlier ones finished; the requests come from a `trace` prompt source.
 */
export const traceLoadSchema = z.object({
  mode: z.literal('trace'),
  time_scale: positiveNumber
    .meta({ description: 'multiplies the trace’s offsets: 0.5 replays twice as fast, 2 half as fast' })
    .optional(),
});

export const loadSchema = z.discriminatedUnion('mode', [
  closedLoopSchema,
  openLoopSchema,
  rampLoadSchema,
  traceLoadSchema,
]);
export type Load = z.infer<typeof loadSchema>;
export type ClosedLoop = z.infer<typeof closedLoopSchema>;
export type OpenLoop = z.infer<typeof openLoopSchema>;
export type TraceLoad = z.infer<typeof traceLoadSchema>;
export type RampLoad = z.infer<typeof rampLoadSchema>;
/** The loads that send on a schedule whether or not earlier requests finished. */
export type ScheduledLoad = OpenLoop | RampLoad;
export function isScheduledLoad(load: Load): load is ScheduledLoad {
  return load.mode === 'open' || load.mode === 'ramp';
}

/** The load fields as a recipe (and the seed's `/start`) writes them: flat, beside the other fields. */
export const loadFieldsSchema = z.object({
  clients_per_node: workloadFields.clients_per_node.optional(),
  sleep_seconds: workloadFields.sleep_seconds.optional(),
  target_rps: workloadFields.target_rps.optional(),
  request_distribution: workloadFields.request_distribution.optional(),
  burstiness: workloadFields.burstiness.optional(),
  max_concurrency: workloadFields.max_concurrency.optional(),
  pacer_poll_ms: workloadFields.pacer_poll_ms.optional(),
  ramp: workloadFields.ramp.optional(),
  ramp_start_rps: workloadFields.ramp_start_rps.optional(),
  ramp_end_rps: workloadFields.ramp_end_rps.optional(),
  /** Seconds (a recipe's duration string is read by the recipe layer). */
  ramp_duration: positiveSeconds.optional(),
});
export type LoadFields = z.infer<typeof loadFieldsSchema>;
export const LOAD_FIELDS = Object.keys(loadFieldsSchema.shape) as (keyof LoadFields)[];

/**
 * Which mode flat fields mean: `ramp` set → rate ramp (its two rates are required: `rampFieldIssues`),
 * `target_rps` set → open loop, else closed loop (one user by default).
 */
export function loadFromFields(f: LoadFields): Load {
  if (f.ramp !== undefined) {
    return {
      mode: 'ramp',
      ramp: f.ramp,
      ramp_start_rps: f.ramp_start_rps ?? Number.NaN,
      ramp_end_rps: f.ramp_end_rps ?? Number.NaN,
      ...(f.ramp_duration !== undefined && { ramp_duration: f.ramp_duration }),
      ...(f.request_distribution !== undefined && { request_distribution: f.request_distribution }),
      ...(f.burstiness !== undefined && { burstiness: f.burstiness }),
      ...(f.max_concurrency !== undefined && { max_concurrency: f.max_concurrency }),
      ...(f.pacer_poll_ms !== undefined && { pacer_poll_ms: f.pacer_poll_ms }),
    };
  }
  if (f.target_rps !== undefined) {
    return {
      mode: 'open',
      target_rps: f.target_rps,
      ...(f.request_distribution !== undefined && { request_distribution: f.request_distribution }),
      ...(f.burstiness !== undefined && { burstiness: f.burstiness }),
      ...(f.max_concurrency !== undefined && { max_concurrency: f.max_concurrency }),
      ...(f.pacer_poll_ms !== undefined && { pacer_poll_ms: f.pacer_poll_ms }),
    };
  }
  return {
    mode: 'closed',
    clients_per_node: f.clients_per_node ?? 1,
    ...(f.sleep_seconds !== undefined && { sleep_seconds: f.sleep_seconds }),
  };
}

/**
 * Shared-prefix prompts (a system prompt or few-shot template per group): `groups` exact prefixes of
 * `prefix_len` tokens, each prompt one group's prefix followed by its own `suffix_len` tokens.
 */
export const sharedPrefixSchema = z.object(
  {
    prefix_len: positiveInt.meta({ description: 'tokens of each group’s shared prefix' }),
    groups: positiveInt.meta({ description: 'number of distinct prefixes; requests rotate over them' }),
    suffix_len: lengthSpec.meta({
      description: 'tokens after the prefix, unique per request (or a distribution)',
    }),
  },
  { error: 'expected {prefix_len, groups, suffix_len}' },
);
export type SharedPrefix = z.infer<typeof sharedPrefixSchema>;

/**
 * The recipe's `trace`: a file path, or `{path, format?, time_scale?, block_tokens?}` (format from the
 * name when not given: `*.csv` → burstgpt, else mooncake).
 */
export const traceFieldSchema = z.union(
  [
    nonEmpty,
    z.object({
      path: nonEmpty,
      format: z.enum(TRACE_FORMATS, { error: `expected one of ${TRACE_FORMATS.join(', ')}` }).optional(),
      time_scale: traceLoadSchema.shape.time_scale,
      block_tokens: positiveInt.meta({ description: 'tokens per hash_ids block (default 512)' }).optional(),
    }),
  ],
  {
    error: `expected a trace file path or {path, format: ${TRACE_FORMATS.join(' | ')}, time_scale, block_tokens}`,
  },
);
export type TraceField = z.infer<typeof traceFieldSchema>;

/** Where an executor's prompts come from: synthetic lengths, shared prefixes, a dataset or a trace file. */
export const promptSourceSchema = z.union([
  z.object({ source: z.literal('synthetic'), input_tokens: lengthSpec, output_tokens: lengthSpec }),
  sharedPrefixSchema.extend({ source: z.literal('shared_prefix'), output_tokens: lengthSpec }),
  z.object({
    source: z.literal('trace'),
    format: z.enum(TRACE_FORMATS, { error: `expected one of ${TRACE_FORMATS.join(', ')}` }),
    path: nonEmpty,
    /** Tokens per `hash_ids` block (Mooncake; default MOONCAKE_BLOCK_TOKENS). */
    block_tokens: positiveInt.optional(),
  }),
  z.object({
    source: z.enum(DATASET_FORMATS, { error: `expected one of synthetic, ${DATASET_FORMATS.join(', ')}` }),
    path: nonEmpty,
    output_tokens: lengthSpec.optional(),
  }),
]);
export type PromptSource = z.infer<typeof promptSourceSchema>;

/** The file a prompt source reads (a dataset or a trace), or undefined for generated prompts. */
export function promptFile(p: PromptSource | undefined): string | undefined {
  return p && 'path' in p ? p.path : undefined;
}

/**
 * The resolved workload of one benchmark on one executor: what `POST /start` carries (durations in
 * seconds). The recipe layer expands `benchmark_suite` and `sweep` entries into one spec per benchmark;
 * the orchestrator fills in the servers and the executor's position.
 */
export const workloadSpecSchema = z.object({
  /** Name of the benchmark (suite entry or sweep point); `default` for a single run. */
  benchmark: nonEmpty,
  service: workloadFields.service,
  /** Seed field: the inference server this executor targets. */
  server_url: httpUrl,
  /** All servers this executor may target, per `distribution_strategy`; defaults to [server_url]. */
  server_urls: z.array(httpUrl).min(1).optional(),
  distribution_strategy: z.enum(DISTRIBUTION_STRATEGIES).optional(),
  model: workloadFields.model,
  /** Seconds of measurement after warmup. */
  duration: durationSeconds,
  /** Seconds of warmup, excluded from statistics. */
  warmup: durationSeconds,
  load: loadSchema,
  api: workloadFields.api.optional(),
  stream: workloadFields.stream.optional(),
  /** Stop after this many measured requests across all executors (each takes its share). */
  max_requests: workloadFields.max_requests.optional(),
  prompts: promptSourceSchema.optional(),
  /** Default max_tokens when the prompt source gives none. */
  max_tokens: positiveInt.optional(),
  ignore_eos: workloadFields.ignore_eos.optional(),
  /** Ollama only: `options.num_gpu` of every request, from `servers.service_config.gpu_layers`. */
  num_gpu: z.int().min(-1).optional(),
  slo: sloSchema.optional(),
  seed: workloadFields.seed.optional(),
  /** Position of this executor among all executors (0-based) and their number: splits rates and seeds. */
  executor_index: z.int().nonnegative().optional(),
  executor_count: positiveInt.optional(),
  /** Per-request timeout, seconds. */
  request_timeout: positiveSeconds.optional(),
  /** Seconds requests still in flight after the measurement may take before they are cancelled (default 30). */
  grace_period: durationSeconds.optional(),
  /** Seconds with only connection errors (no HTTP answer) after which the server is unreachable: E008 (default 10). */
  unreachable_timeout: positiveSeconds.optional(),
  /** Time-series window of the per-window histograms, seconds. */
  window_seconds: positiveSeconds.optional(),
  /** Orchestrator only: failed / (ok + failed) above which the benchmark is degraded (default 0.05). */
  max_error_rate: workloadFields.max_error_rate.optional(),
  /** Orchestrator only: seconds of schedule lag p99 above which the load generator fell behind (default 0.05). */
  max_schedule_lag: positiveSeconds.optional(),
  /** Orchestrator only: stop an open-loop benchmark as soon as it is over-saturated (src/decide/saturation.ts). */
  stop_on_saturation: workloadFields.stop_on_saturation.optional(),
  /** Requests cancelled on purpose: a seeded share, after a delay (seconds) or after N streamed tokens. */
  cancel: cancelSpecSchema.optional(),
  /** Multi-turn chat sessions (api chat): each turn sends the conversation so far. */
  session: sessionSpecSchema.optional(),
  /** Directory where the executor appends raw per-request records (JSONL). */
  records_path: nonEmpty.optional(),
  /**
   * Epoch ms at which the executor's clock starts (warmup, then the schedule's or trace's offset 0), shared
   * by the executors of a scheduled load so their phase-shifted schedules (or their rows of one trace) merge
   * into the arrival process asked for, none shifted by when its POST /start arrived; within
   * START_AT_TOLERANCE_MS of the executor's clock, else ignored (it starts when it got POST /start).
   */
  start_at: positiveNumber.optional(),
});
export type WorkloadSpec = z.infer<typeof workloadSpecSchema>;

/** What is wrong with flat ramp fields (field → message): the two rates are needed, target_rps excluded. */
export function rampFieldIssues(f: {
  ramp?: unknown;
  ramp_start_rps?: unknown;
  ramp_end_rps?: unknown;
  ramp_duration?: unknown;
  target_rps?: unknown;
}): [string, string][] {
  const out: [string, string][] = [];
  const set = (v: unknown) => v !== undefined && v !== null;
  if (!set(f.ramp)) {
    for (const k of ['ramp_start_rps', 'ramp_end_rps', 'ramp_duration'] as const)
      if (set(f[k])) out.push([k, 'only used with ramp: linear or exponential']);
    return out;
  }
  if (!set(f.ramp_start_rps)) out.push(['ramp_start_rps', 'required with ramp: requests/s at its start']);
  if (!set(f.ramp_end_rps)) out.push(['ramp_end_rps', 'required with ramp: requests/s at its end']);
  if (set(f.target_rps))
    out.push(['target_rps', 'give either target_rps (a fixed rate) or ramp (a changing rate), not both']);
  return out;
}
