/**
 * The `workload` section: what every executor runs. Each field's schema is the workload contract's
 * (`src/contracts/workload.ts`, shared with the executor's `POST /start`); this file adds what only a
 * recipe has: `component`, `dataset`, the old aliases, suite entries, sweeps and the defaults.
 * `workloadFields` are the fields without defaults (a `benchmark_suite` entry may override any of them);
 * `workloadSchema` adds the defaults.
 */
import { z } from 'zod';
import {
  workloadFields as contractFields,
  DATASET_FORMATS,
  nonEmpty,
  positiveInt,
  positiveNumber,
  sharedPrefixSchema,
  traceFieldSchema,
} from '../../contracts/index.js';

export const datasetSchema = z.union(
  [
    nonEmpty,
    z.object({
      path: nonEmpty,
      format: z.enum(DATASET_FORMATS, { error: `expected one of ${DATASET_FORMATS.join(', ')}` }).optional(),
    }),
  ],
  { error: `expected a file path or {path, format: ${DATASET_FORMATS.join(' | ')}}` },
);

/**
 * `thresholds:` conditions over reported figures (`ttft.p99 < 500ms`); each is checked against the figure
 * registry (src/decide/) by the recipe rules, which report a bad one at its line.
 */
export const thresholdsSchema = z
  .array(z.string({ error: "expected a condition such as 'ttft.p99 < 500ms'" }), {
    error: "expected a list of conditions, e.g. ['ttft.p99 < 500ms', 'error_rate < 1%']",
  })
  .meta({ description: 'pass/fail conditions over reported figures; a failing one makes the run exit 99' });

/** Every workload field a suite entry or a sweep may set. */
export const workloadFields = {
  component: z.literal('inference', { error: 'hpcbench benchmarks inference services: use "inference"' }),
  ...contractFields,
  dataset: datasetSchema,
  trace: traceFieldSchema.meta({
    description:
      'trace replay: requests at the times and lengths of a Mooncake JSONL or BurstGPT CSV trace (instead of clients_per_node / target_rps)',
  }),
  shared_prefix: sharedPrefixSchema.meta({
    description:
      'shared-prefix prompts: groups of prompts that share an exact prefix (instead of prompt_len)',
  }),
};

export type WorkloadField = keyof typeof workloadFields;

/** Old names still accepted: `num_threads` (suite entries of the first version), `concurrency`. */
export const WORKLOAD_ALIASES: Record<string, WorkloadField> = {
  num_threads: 'clients_per_node',
  concurrency: 'clients_per_node',
};

const optionalFields = Object.fromEntries(
  Object.entries(workloadFields).map(([k, s]) => [k, s.optional()]),
) as { [K in WorkloadField]: z.ZodOptional<(typeof workloadFields)[K]> };

/**
 * Fields a suite entry may unset with `null` ("not set" for that entry, e.g. `target_rps: null` makes an
 * open-loop base closed loop): the optional fields without a default. The others always have a value.
 */
export const UNSETTABLE_FIELDS = [
  'api',
  'target_rps',
  'burstiness',
  'max_concurrency',
  'max_requests',
  'prompt_len',
  'gen_tokens',
  'dataset',
  'shared_prefix',
  'trace',
  'ignore_eos',
  'slo',
  'seed',
  'request_timeout',
  'window',
  'cancel',
  'session',
] as const satisfies readonly WorkloadField[];

const entryFields = Object.fromEntries(
  Object.entries(workloadFields).map(([k, s]) => [
    k,
    (UNSETTABLE_FIELDS as readonly string[]).includes(k) ? s.nullable().optional() : s.optional(),
  ]),
) as {
  [K in WorkloadField]: K extends (typeof UNSETTABLE_FIELDS)[number]
    ? z.ZodOptional<z.ZodNullable<(typeof workloadFields)[K]>>
    : z.ZodOptional<(typeof workloadFields)[K]>;
};

export const benchmarkEntrySchema = z.object({
  name: z
    .string({ error: 'expected a name' })
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._=,+-]*$/,
      'a name of letters, digits and . _ = , + - (used as a folder name)',
    ),
  ...entryFields,
  num_threads: positiveInt.optional().meta({ description: 'alias of clients_per_node (first version)' }),
  concurrency: positiveInt.optional().meta({ description: 'alias of clients_per_node' }),
  thresholds: thresholdsSchema.optional().meta({ description: "added to the workload's thresholds" }),
});
export type BenchmarkEntry = z.infer<typeof benchmarkEntrySchema>;

/** `sweep:` lists of values per workload field; `mode` cross (every combination) or zip (position by position). */
export const sweepSchema = z
  .object({ mode: z.enum(['cross', 'zip'], { error: 'expected cross or zip' }).default('cross') })
  .catchall(
    z
      .array(z.unknown(), { error: 'expected a list of values, e.g. [1, 8, 32]' })
      .min(1, 'expected at least one value'),
  );
export type Sweep = z.infer<typeof sweepSchema>;

/**
 * `search:` a capacity search (src/decide/search.ts): probes of `field` from `start`, growing to the first
 * SLO failure, then bisected to `precision`. Each probe is one benchmark of the workload's warmup and
 * duration. Cross-field rules (bounds in order, no suite or sweep beside it) are in ../search-rules.ts.
 */
export const searchSchema = z
  .object({
    field: z
      .enum(['target_rps', 'clients_per_node', 'concurrency'], {
        error: 'expected target_rps (open-loop rate) or clients_per_node (closed-loop users per client node)',
      })
      .default('target_rps')
      .meta({ description: 'what is searched: target_rps (open loop) or clients_per_node (closed loop)' }),
    start: positiveNumber.meta({ description: 'the first probe' }),
    min: positiveNumber
      .optional()
      .meta({ description: 'lowest probe when start fails (default start/10; 1 for clients_per_node)' }),
    max: positiveNumber.meta({
      description: 'highest probe: a pass there ends the search (capacity >= max)',
    }),
    growth: z
      .number({ error: 'expected a number above 1' })
      .gt(1, 'must be above 1 (the factor between probes while they pass)')
      .default(2),
    precision: z
      .number({ error: 'expected a fraction, e.g. 0.05 for 5%' })
      .gt(0, 'must be above 0 (e.g. 0.05 for 5%)')
      .lt(1, 'must be below 1 (e.g. 0.05 for 5%)')
      .default(0.05)
      .meta({ description: 'stop when the lowest failing probe is within this fraction above the answer' }),
    slo: z
      .array(z.string({ error: "expected a condition such as 'e2e.p99 < 500ms'" }), {
        error: "expected a list of conditions, e.g. ['ttft.p99 < 500ms', 'error_rate < 1%']",
      })
      .min(1, "expected at least one condition, e.g. 'ttft.p99 < 500ms'")
      .meta({ description: 'conditions (thresholds language) every passing probe meets' }),
    max_probes: positiveInt.default(20),
  })
  .meta({ description: 'capacity search: the highest target_rps or clients_per_node meeting the SLO' });
export type Search = z.infer<typeof searchSchema>;

export const workloadSchema = z.object({
  ...optionalFields,
  component: workloadFields.component.default('inference'),
  service: workloadFields.service,
  duration: workloadFields.duration,
  warmup: workloadFields.warmup.default('30s'),
  api: workloadFields.api.optional(),
  stream: workloadFields.stream.default(true),
  sleep_seconds: workloadFields.sleep_seconds.default(0),
  request_distribution: workloadFields.request_distribution.default('constant'),
  num_threads: positiveInt.optional().meta({ description: 'alias of clients_per_node (first version)' }),
  concurrency: positiveInt.optional().meta({ description: 'alias of clients_per_node' }),
  thresholds: thresholdsSchema.optional(),
  benchmark_suite: z
    .array(benchmarkEntrySchema, { error: 'expected a list of {name, ...overrides}' })
    .optional(),
  sweep: sweepSchema.optional(),
  search: searchSchema.optional(),
});
export type Workload = z.infer<typeof workloadSchema>;
