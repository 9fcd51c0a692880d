/**
 * Validation of a `POST /start` body into a `WorkloadSpec`. Seed-style bodies (`server_url`, `model`,
 * `duration`, `clients_per_node`, `warmup`) work: every extension has a default. Durations may be numbers
 * of seconds or strings such as '30s'. Problems name the field.
 */
import { z } from 'zod';
import type { WorkloadSpec } from '../loadgen/spec.js';
import { parseDuration } from '../util/duration.js';

const duration = z.preprocess(
  (v) => (typeof v === 'string' ? (parseDuration(v) ?? v) : v),
  z.number({ error: "expected seconds or a duration such as '30s'" }).nonnegative(),
);
const positiveInt = z.number().int().positive();
const length = z.union([
  z.number().int().positive(),
  z.object({ dist: z.literal('uniform'), min: z.number().positive(), max: z.number().positive() }),
  z.object({
    dist: z.enum(['normal', 'lognormal']),
    mean: z.number().positive(),
    std: z.number().nonnegative(),
    min: z.number().optional(),
    max: z.number().optional(),
  }),
]);
const url = z.string().regex(/^https?:\/\/[^\s/]+/i, 'expected an http(s) URL such as http://node001:11434');

export const workloadSpecSchema = z.looseObject({
  benchmark: z.string().min(1).default('default'),
  service: z.string().min(1).optional(),
  server_url: url,
  server_urls: z.array(url).min(1).optional(),
  distribution_strategy: z.enum(['round-robin', 'random', 'all-to-all', 'static']).optional(),
  model: z.string().min(1),
  duration,
  warmup: duration.default(0),
  clients_per_node: positiveInt.default(1),
  sleep_seconds: z.number().nonnegative().optional(),
  api: z.enum(['completions', 'chat', 'generate']).optional(),
  stream: z.boolean().optional(),
  target_rps: z.number().positive().optional(),
  request_distribution: z.enum(['constant', 'poisson', 'burst']).optional(),
  burstiness: z.number().min(1).optional(),
  max_concurrency: positiveInt.optional(),
  max_requests: positiveInt.optional(),
  prompts: z
    .union([
      z.object({ source: z.literal('synthetic'), input_tokens: length, output_tokens: length }),
      z.object({
        source: z.enum(['hellaswag', 'sharegpt', 'jsonl']),
        path: z.string().min(1),
        output_tokens: length.optional(),
      }),
    ])
    .optional(),
  max_tokens: positiveInt.optional(),
  ignore_eos: z.boolean().optional(),
  num_gpu: z.number().int().min(-1).optional(),
  slo: z
    .object({ ttft_ms: z.number().positive(), tpot_ms: z.number().positive(), e2e_ms: z.number().positive() })
    .partial()
    .optional(),
  seed: z.number().int().optional(),
  executor_index: z.number().int().nonnegative().optional(),
  executor_count: positiveInt.optional(),
  request_timeout: z.number().positive().optional(),
  grace_period: duration.optional(),
  unreachable_timeout: z.number().positive().optional(),
  window_seconds: z.number().positive().optional(),
  records_path: z.string().min(1).optional(),
});

export type SpecResult = { ok: true; spec: WorkloadSpec } | { ok: false; error: string };

/** Validates a body; the error names every offending field (`clients_per_node: ...; model: ...`). */
export function parseWorkloadSpec(body: unknown, service: string): SpecResult {
  const r = workloadSpecSchema.safeParse(body);
  if (!r.success) {
    const msgs = r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
    return { ok: false, error: `invalid workload: ${msgs.join('; ')}` };
  }
  const spec = { ...r.data, service: r.data.service ?? service } as WorkloadSpec;
  if (spec.executor_count !== undefined && (spec.executor_index ?? 0) >= spec.executor_count) {
    return { ok: false, error: 'invalid workload: executor_index: must be less than executor_count' };
  }
  return { ok: true, spec };
}
