/**
 * Building blocks of every schema: durations, counts, token lengths, URLs. Messages say what is allowed,
 * in the words a recipe author reads (the recipe and the executor's `POST /start` share them).
 */
import { z } from 'zod';
import { DURATION_HELP, parseDuration } from '../util/duration.js';

const DURATION_MSG = `expected ${DURATION_HELP}`;

/** A duration as written: '30s', '15m', '2h', '1h30m', '500ms' or a number of seconds. Kept as written. */
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

/** A duration read as a number of seconds (what the executor runs with). */
export const durationSeconds = z.union(
  [
    z.number().nonnegative(DURATION_MSG),
    z.string().transform((s, ctx) => {
      const n = parseDuration(s);
      if (n !== undefined) return n;
      ctx.addIssue({ code: 'custom', message: DURATION_MSG });
      return z.NEVER;
    }),
  ],
  { error: DURATION_MSG },
);

/** A duration that must be more than zero (a timeout, a window length). */
// (checked only on a valid duration: `-1s` is one error, "expected a duration ...", not also this one)
const valid = { when: (p: { issues: readonly unknown[] }) => p.issues.length === 0 };
export const positiveDuration = duration.refine((v) => (parseDuration(v) ?? 0) > 0, {
  message: 'must be more than 0',
  ...valid,
});
export const positiveSeconds = durationSeconds.refine((n) => n > 0, {
  message: 'must be more than 0',
  ...valid,
});

export const positiveInt = z.int({ error: 'expected a whole number' }).min(1, 'must be at least 1');
export const nonNegativeInt = z.int({ error: 'expected a whole number' }).min(0, 'must be 0 or more');
export const positiveNumber = z.number({ error: 'expected a number' }).positive('must be > 0');
export const nonNegativeNumber = z.number({ error: 'expected a number' }).nonnegative('must be 0 or more');
export const nonEmpty = z.string({ error: 'expected a string' }).min(1, 'must not be empty');

export const httpUrl = z
  .string({ error: 'expected an http(s) URL' })
  .regex(/^https?:\/\/[^\s/]+/i, 'expected an http(s) URL such as http://127.0.0.1:11434');

const LENGTH_HELP =
  'expected a number of tokens (>= 1) or a distribution: {dist: uniform, min, max} or ' +
  '{dist: normal|lognormal, mean, std, min?, max?}';

/** `min <= max` wherever both bounds are given (an inverted range draws nothing sensible). */
const ordered = (d: { min?: number; max?: number }) =>
  d.min === undefined || d.max === undefined || d.min <= d.max;
const ORDER_MSG = { message: 'min must not exceed max', path: ['max'] };

/** A count (tokens, turns): fixed, or drawn (seeded) from a distribution; `help` says what is allowed. */
const countSpec = (help: string) =>
  z.union(
    [
      positiveInt,
      z.object({ dist: z.literal('uniform'), min: positiveInt, max: positiveInt }).refine(ordered, ORDER_MSG),
      z
        .object({
          dist: z.enum(['normal', 'lognormal']),
          mean: positiveNumber,
          std: nonNegativeNumber,
          min: positiveInt.optional(),
          max: positiveInt.optional(),
        })
        .refine(ordered, ORDER_MSG),
    ],
    { error: help },
  );

/** A token length: fixed, or drawn (seeded) from a distribution. */
export const lengthSpec = countSpec(LENGTH_HELP);
export type LengthSpec = z.infer<typeof lengthSpec>;

/** Most turns a session may have (fixed, or a distribution's min, max or mean): far beyond any model's context. */
export const MAX_TURNS = 100_000;
const turnsBound = (t: number | { min?: number; max?: number; mean?: number }) =>
  typeof t === 'number' ? t : Math.max(t.min ?? 0, t.max ?? 0, t.mean ?? 0);

/** Turns per session: the same forms as a length, counted in turns, at most MAX_TURNS. */
export const turnsSpec = countSpec(
  LENGTH_HELP.replace('a number of tokens (>= 1)', 'a whole number of turns (>= 1)'),
).refine((t) => turnsBound(t) <= MAX_TURNS, `at most ${MAX_TURNS} turns per session`);
