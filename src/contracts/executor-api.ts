/**
 * The executor's REST API, typed once and shared by the executor (server side) and the controller
 * (client side). Shapes follow the seed's API reference; extensions are additional fields.
 */
import { z } from 'zod';
import type { MetricsSnapshot } from './metrics.js';
import { durationSeconds, positiveSeconds } from './primitives.js';
import {
  loadFieldsSchema,
  loadFromFields,
  loadSchema,
  rampFieldIssues,
  type WorkloadSpec,
  workloadSpecSchema,
} from './workload.js';

/** GET /health (no auth). */
export interface HealthResponse {
  service: string;
  status: 'ok';
  node?: string;
  version?: string;
  running?: boolean;
}

const spec = workloadSpecSchema.shape;

/**
 * Seconds a held start (`await_release`) waits for its POST /release when its body gives no
 * `release_timeout`; after it the executor drops the prepared workload with an error.
 */
export const DEFAULT_RELEASE_TIMEOUT_S = 60;

/**
 * POST /start body: a `WorkloadSpec`, where the seed's bodies (`server_url`, `model`, `duration`,
 * `clients_per_node`, `warmup`) also work. Every extension has a default (`benchmark` 'default', `warmup`
 * 0, `service` the executor's own); durations may be seconds or strings such as '30s'; the load is either
 * `load: {mode, ...}` or the flat fields a recipe writes (`clients_per_node`, `target_rps`, ...), never
 * both. Unknown keys are kept (a custom executor may read its own).
 *
 * `await_release: true` holds the start: the executor prepares the run (reads its prompts or trace,
 * opens its records file), answers `{status: 'prepared'}` and starts only on POST /release, which gives
 * the clock's start; without a release within `release_timeout` seconds it drops the workload with an
 * error. Neither is part of the `WorkloadSpec` (parseWorkloadSpec takes them out).
 */
export const startRequestSchema = z
  .looseObject({
    ...spec,
    benchmark: spec.benchmark.default('default'),
    service: spec.service.optional(),
    warmup: durationSeconds.default(0),
    load: loadSchema.optional(),
    ...loadFieldsSchema.shape,
    await_release: z.boolean({ error: 'expected true or false' }).optional(),
    release_timeout: positiveSeconds.optional(),
  })
  .superRefine((b, ctx) => {
    if (b.load === undefined) return;
    for (const k of Object.keys(loadFieldsSchema.shape))
      if (b[k] !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [k],
          message: 'give the load either as `load` or as flat fields',
        });
  })
  .superRefine((b, ctx) => {
    if (b.load === undefined)
      for (const [path, message] of rampFieldIssues(b))
        ctx.addIssue({ code: 'custom', path: [path], message });
  })
  .superRefine((b, ctx) => {
    if (b.release_timeout !== undefined && b.await_release !== true)
      ctx.addIssue({
        code: 'custom',
        path: ['release_timeout'],
        message: 'only used with await_release: true (how long a held start waits for POST /release)',
      });
  })
  .superRefine((b, ctx) => {
    if (b.executor_count !== undefined && (b.executor_index ?? 0) >= b.executor_count)
      ctx.addIssue({ code: 'custom', path: ['executor_index'], message: 'must be less than executor_count' });
  })
  .transform(
    ({
      clients_per_node,
      sleep_seconds,
      target_rps,
      request_distribution,
      burstiness,
      max_concurrency,
      pacer_poll_ms,
      ramp,
      ramp_start_rps,
      ramp_end_rps,
      ramp_duration,
      ...b
    }) => ({
      ...b,
      load:
        b.load ??
        loadFromFields({
          clients_per_node,
          sleep_seconds,
          target_rps,
          request_distribution,
          burstiness,
          max_concurrency,
          pacer_poll_ms,
          ramp,
          ramp_start_rps,
          ramp_end_rps,
          ramp_duration,
        }),
    }),
  );

/** A POST /start body as `startRequestSchema` reads it (seed-style fields, durations as strings, ...). */
export type StartBody = z.input<typeof startRequestSchema>;
/** POST /start body as a sender writes it (a `WorkloadSpec`, or a seed-style body). */
export type StartRequest = StartBody | WorkloadSpec;

/**
 * POST /start response (and POST /release's). `threads` is the number of client loops started;
 * `window_start` the epoch ms this executor's measurement begins (after warmup), kept by the controller
 * to rebuild the executor's metrics from its records file if its GET /metrics cannot be fetched later;
 * `prepare_ms` what preparing the run took (reading its prompts or trace). A held start
 * (`await_release`) answers `status: 'prepared'` (no `window_start`: the release gives the clock).
 */
export interface StartResponse {
  status: 'started' | 'prepared';
  threads: number;
  window_start?: number;
  prepare_ms?: number;
}

/**
 * POST /release body: `start_at`, the epoch ms the held workload's clock starts on (as in POST /start,
 * within START_AT_TOLERANCE_MS of the executor's clock, else it starts now); none: now.
 */
export const releaseRequestSchema = z.object({ start_at: spec.start_at });
export type ReleaseRequest = z.infer<typeof releaseRequestSchema>;

/** GET /status. */
export interface StatusResponse {
  running: boolean;
  elapsed_seconds: number;
  threads_active: number;
  benchmark?: string;
  /** `prepared`: a held start (await_release) waiting for its POST /release. */
  phase?: 'idle' | 'prepared' | 'warmup' | 'measuring' | 'draining' | 'done';
  /** What preparing the current workload took (ms), once it is prepared. */
  prepare_ms?: number;
  requests_sent?: number;
  requests_ok?: number;
  requests_failed?: number;
  /** TTFT p50 (ms) of this executor's measured requests so far, for live progress (absent before any). */
  ttft_p50_ms?: number;
  /** Why the last workload ended abnormally (load generator error), if it did. */
  error?: string;
}

/** GET /metrics: the seed's fields plus `snapshot`, the mergeable detail (histograms, counters, windows). */
export interface ExecutorMetrics {
  requests_total: number;
  errors_total: number;
  latency: { avg: number; p50: number; p90: number; p99: number };
  throughput_rps: number;
  elapsed_seconds: number;
  snapshot?: MetricsSnapshot;
}

/** POST /stop response. */
export interface StopResponse {
  status: 'stopped';
  final_metrics: ExecutorMetrics;
}

/** Error body for 400/401/404/409/500. */
export interface ErrorResponse {
  error: string;
  code?: string;
}

/** Environment variable through which launchers hand the run's bearer token to executors. */
export const TOKEN_ENV = 'HPCBENCH_TOKEN';
export const MAX_BODY_BYTES = 1024 * 1024;
