/** `orchestration`: where the run happens (local processes or a Slurm job) and how nodes are split by role. */
import { z } from 'zod';
import { DISTRIBUTION_STRATEGIES, nonEmpty, nonNegativeInt, positiveInt } from '../../contracts/index.js';
import { parseSlurmTime, SLURM_TIME_HELP } from '../../util/slurm-time.js';

/** Slurm's `--time`, read by the same parser as the job-script renderer (src/util/slurm-time.ts). */
const slurmTime = z
  .string({ error: `expected ${SLURM_TIME_HELP}` })
  .refine((s) => parseSlurmTime(s) !== undefined, `expected ${SLURM_TIME_HELP}`);

const nodeRange = z
  .string({ error: "expected a node range such as '0-2', '1,3' or 'node[001-003]'" })
  .min(1, 'must not be empty');

export const serverAllocationSchema = z.object({
  nodes: positiveInt.default(1),
  node_range: nodeRange.optional(),
});

export const targetMappingSchema = z.object({
  client_group: nonEmpty,
  server_endpoints: z.array(nonEmpty, { error: 'expected a list of server endpoints' }),
});

export const clientAllocationSchema = z.object({
  nodes: positiveInt.default(1),
  clients_per_node: positiveInt.default(1),
  node_range: nodeRange.optional(),
  distribution_strategy: z
    .enum(DISTRIBUTION_STRATEGIES, { error: `expected one of ${DISTRIBUTION_STRATEGIES.join(', ')}` })
    .default('round-robin'),
  target_mapping: z
    .array(targetMappingSchema, { error: 'expected a list of {client_group, server_endpoints}' })
    .optional(),
});

export const monitorAllocationSchema = z.object({
  nodes: nonNegativeInt.max(1, 'at most 1 dedicated monitoring node').default(1),
  node_range: nodeRange.optional(),
});

export const jobConfigSchema = z.object({
  time_limit: slurmTime.default('02:00:00'),
  exclusive: z.boolean({ error: 'expected true or false' }).default(true),
  reservation: nonEmpty.optional(),
});

export const ORCHESTRATION_MODES = ['local', 'slurm'] as const;

/** What the run does after a failed benchmark: go on with the next one, or skip the rest. */
export const ON_FAILURE = ['continue', 'stop'] as const;

export const orchestrationSchema = z.object({
  mode: z
    .enum(ORCHESTRATION_MODES, {
      error: (iss) =>
        iss.input === 'kubernetes'
          ? 'kubernetes is not supported (it was never implemented in the first version): use local or slurm'
          : 'expected local or slurm',
    })
    .default('local'),
  total_nodes: positiveInt
    .optional()
    .meta({ description: 'nodes of the Slurm job; default: the sum of node_allocation' }),
  node_allocation: z
    .object({
      servers: serverAllocationSchema.prefault({}),
      clients: clientAllocationSchema.prefault({}),
      monitors: monitorAllocationSchema.optional(),
    })
    .prefault({}),
  job_config: jobConfigSchema.prefault({}),
  on_failure: z
    .enum(ON_FAILURE, { error: 'expected continue (run the next benchmark) or stop (skip the rest)' })
    .default('continue')
    .meta({ description: 'after a failed benchmark: run the next one (continue) or skip the rest (stop)' }),
});
export type Orchestration = z.infer<typeof orchestrationSchema>;
