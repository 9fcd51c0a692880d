/** Building blocks of the recipe schema: durations, counts, token lengths, Slurm times, URLs. */
import { z } from 'zod';
import { DURATION_HELP, parseDuration } from '../../util/duration.js';

/** A duration as written: '30s', '15m', '2h', '1h30m', '500ms' or a number of seconds. Kept as written. */
const DURATION_MSG = `expected ${DURATION_HELP}`;
export const duration = z
  .union(
    [
      z.number().nonnegative(DURATION_MSG),
      z.string().refine((s) => parseDuration(s) !== undefined, DURATION_MSG),
    ],
    { error: DURATION_MSG },
  )
  .meta({ description: DURATION_HELP });
export type Duration = z.infer<typeof duration>;

export const positiveInt = z.int({ error: 'expected a whole number' }).min(1, 'must be at least 1');
export const nonNegativeInt = z.int({ error: 'expected a whole number' }).min(0, 'must be 0 or more');
export const positiveNumber = z.number({ error: 'expected a number' }).positive('must be > 0');
export const nonNegativeNumber = z.number({ error: 'expected a number' }).nonnegative('must be 0 or more');

/** A token length: fixed, or drawn (seeded) from a distribution. Same shape as WorkloadSpec's LengthSpec. */
export const lengthSpec = z.union(
  [
    positiveInt,
    z.object({ dist: z.literal('uniform'), min: positiveInt, max: positiveInt }),
    z.object({
      dist: z.enum(['normal', 'lognormal']),
      mean: positiveNumber,
      std: nonNegativeNumber,
      min: positiveInt.optional(),
      max: positiveInt.optional(),
    }),
  ],
  {
    error:
      'expected a number of tokens (>= 1) or a distribution: {dist: uniform, min, max} or ' +
      '{dist: normal|lognormal, mean, std, min?, max?} (for several values use workload.sweep)',
  },
);

/** Slurm's `--time` as the first version wrote it. */
export const hhmmss = z
  .string({ error: 'expected a time limit HH:MM:SS, e.g. "02:00:00"' })
  .regex(/^\d{2,}:[0-5]\d:[0-5]\d$/, 'expected a time limit HH:MM:SS, e.g. "02:00:00"');

export const httpUrl = z
  .string({ error: 'expected an http(s) URL' })
  .regex(/^https?:\/\/[^\s/]+/i, 'expected an http(s) URL such as http://127.0.0.1:11434');

export const nonEmpty = z.string({ error: 'expected a string' }).min(1, 'must not be empty');
