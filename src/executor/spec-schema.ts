/**
 * Validation of a `POST /start` body into a `WorkloadSpec`, with `startRequestSchema`
 * (src/contracts/executor-api.ts, built from the workload contract). Problems name every field.
 */
import { startRequestSchema, type WorkloadSpec } from '../contracts/index.js';

export type SpecResult = { ok: true; spec: WorkloadSpec } | { ok: false; error: string };

/** Validates a body; the error names every offending field (`clients_per_node: ...; model: ...`). */
export function parseWorkloadSpec(body: unknown, service: string): SpecResult {
  const r = startRequestSchema.safeParse(body);
  if (!r.success) {
    const msgs = r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
    return { ok: false, error: `invalid workload: ${msgs.join('; ')}` };
  }
  return { ok: true, spec: { ...r.data, service: r.data.service ?? service } };
}
