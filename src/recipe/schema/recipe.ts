/**
 * The recipe schema: the single source of the recipe types. Field names are snake_case as users write
 * them. Parsing fills in the defaults; durations stay as written (see `seconds()` in ../durations.ts).
 * Rules that span fields (Slurm needs an account, node counts add up, ...) live in ../rules.ts.
 */
import { z } from 'zod';
import { nonEmpty, positiveInt } from '../../contracts/index.js';
import { orchestrationSchema } from './orchestration.js';
import { resourcesSchema } from './resources.js';
import { artifactsSchema, loggingSchema, monitoringSchema, reportingSchema } from './sections.js';
import { serversSchema } from './servers.js';
import { workloadSchema } from './workload.js';

const envValue = z.union([z.string(), z.number(), z.boolean()], {
  error: 'expected a string, number or boolean',
});

export const recipeSchema = z.object({
  scenario: z
    .string({ error: 'required: a scenario name' })
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9 ._-]*$/,
      'a name of letters, digits, space and . _ - (used in the results folder name)',
    ),
  partition: nonEmpty.optional().meta({ description: 'Slurm partition (required for mode slurm)' }),
  account: nonEmpty.optional().meta({ description: 'Slurm account (required for mode slurm)' }),
  qos: nonEmpty.optional(),
  modules: z.array(nonEmpty, { error: 'expected a list of module names' }).default([]),
  repetitions: positiveInt.default(1),
  orchestration: orchestrationSchema.prefault({}),
  resources: resourcesSchema.prefault({}),
  workload: workloadSchema,
  servers: serversSchema.prefault({}),
  artifacts: artifactsSchema.optional(),
  binds: z.array(nonEmpty, { error: 'expected a list of bind mounts src:dst[:opts]' }).default([]),
  environment: z.record(z.string(), envValue, { error: 'expected a mapping NAME: value' }).default({}),
  logging: loggingSchema.prefault({}),
  monitoring: monitoringSchema.prefault({}),
  reporting: reportingSchema.prefault({}),
  plugins: z.array(nonEmpty, { error: 'expected a list of plugin module paths' }).optional(),
});

/** A recipe with defaults applied (durations as written). */
export type Recipe = z.infer<typeof recipeSchema>;
/** A recipe as a user may write it (defaults optional). */
export type RecipeInput = z.input<typeof recipeSchema>;
