/**
 * The recipe's `logging` section, e.g.
 *   logging: { type: tailer, create_jsonl: true, flush_interval: 3,
 *              outputs: { stdout: stdout.log, stderr: stderr.log, aggregated: aggregated.jsonl } }
 */
import { z } from 'zod';
import { ConfigValidationError } from '../errors.js';
import { DURATION_HELP, parseDuration } from '../util/duration.js';

export interface LoggingSettings {
  /** `logging.enabled: false` turns collection off (the caller checks it; default true). */
  enabled: boolean;
  /** Seconds between writes of collected lines (default 2). */
  flushInterval: number;
  createJsonl: boolean;
  outputs: { stdout: string; stderr: string; aggregated: string };
}

export const DEFAULT_LOGGING: LoggingSettings = {
  enabled: true,
  flushInterval: 2,
  createJsonl: true,
  outputs: { stdout: 'stdout.log', stderr: 'stderr.log', aggregated: 'aggregated.jsonl' },
};

const fileName = z
  .string()
  .min(1)
  .refine((s) => !s.startsWith('/') && !s.split(/[\\/]/).includes('..'), {
    message: 'must be a file name relative to the logs folder (no absolute path, no ..)',
  });

const schema = z
  .object({
    type: z.literal('tailer', { message: "only 'tailer' is supported" }).optional(),
    enabled: z.boolean().optional(),
    create_jsonl: z.boolean().optional(),
    flush_interval: z
      .union([z.number(), z.string()])
      .refine((v) => (parseDuration(v) ?? 0) > 0, { message: `must be ${DURATION_HELP}, > 0` })
      .optional(),
    outputs: z
      .object({ stdout: fileName.optional(), stderr: fileName.optional(), aggregated: fileName.optional() })
      .strict()
      .optional(),
  })
  .passthrough();

/** Validates a recipe's `logging` object; problems become E006 naming the file and the field. */
export function parseLoggingConfig(raw: unknown, file?: string): LoggingSettings {
  if (raw === undefined || raw === null) return DEFAULT_LOGGING;
  const r = schema.safeParse(raw);
  if (!r.success) {
    throw new ConfigValidationError(
      `invalid logging section${file ? ` in ${file}` : ''}`,
      r.error.issues.map((i) => ({
        severity: 'error' as const,
        path: ['logging', ...i.path.map(String)].join('.'),
        message: i.message,
        file,
      })),
    );
  }
  const v = r.data;
  return {
    enabled: v.enabled ?? true,
    flushInterval:
      v.flush_interval === undefined ? DEFAULT_LOGGING.flushInterval : parseDuration(v.flush_interval)!,
    createJsonl: v.create_jsonl ?? true,
    outputs: { ...DEFAULT_LOGGING.outputs, ...v.outputs },
  };
}
