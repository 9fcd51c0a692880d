/**
 * Validation of a `POST /start` body into a `WorkloadSpec`, with `startRequestSchema`
 * (src/contracts/executor-api.ts, built from the workload contract), and of a `POST /release` body.
 * Problems name every field.
 */
import type { z } from 'zod';
import {
  DEFAULT_RELEASE_TIMEOUT_S,
  releaseRequestSchema,
  startRequestSchema,
  type WorkloadSpec,
} from '../contracts/index.js';

export type SpecResult =
  | {
      ok: true;
      spec: WorkloadSpec;
      /** A held start (`await_release`): seconds it waits for its POST /release. */
      hold?: { releaseTimeoutS: number };
    }
  | { ok: false; error: string };

/** Validates a body; the error names every offending field (`clients_per_node: ...; model: ...`). */
export function parseWorkloadSpec(body: unknown, service: string): SpecResult {
  const r = startRequestSchema.safeParse(body);
  if (!r.success) return { ok: false, error: `invalid workload: ${issuesText(r.error)}` };
  const { await_release, release_timeout, ...spec } = r.data;
  return {
    ok: true,
    spec: { ...spec, service: spec.service ?? service },
    ...(await_release ? { hold: { releaseTimeoutS: release_timeout ?? DEFAULT_RELEASE_TIMEOUT_S } } : {}),
  };
}

/** A POST /release body (none, or `{start_at?}`): the instant it gives, or what is wrong with it. */
export function parseRelease(text: string): { ok: true; startAt?: number } | { ok: false; error: string } {
  let body: unknown = {};
  try {
    if (text.trim()) body = JSON.parse(text);
  } catch {
    return { ok: false, error: 'body is not valid JSON' };
  }
  const r = releaseRequestSchema.safeParse(body);
  if (!r.success) return { ok: false, error: `invalid release: ${issuesText(r.error)}` };
  return { ok: true, startAt: r.data.start_at };
}

function issuesText(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
}
