/** A `WorkloadSpec` from a `POST /start` body, read the way an executor reads it (seed-style fields work). */
import type { StartBody, WorkloadSpec } from '../../src/contracts/index.js';
import { parseWorkloadSpec } from '../../src/executor/spec-schema.js';

export function specFrom(body: StartBody, service = 'dummy'): WorkloadSpec {
  const r = parseWorkloadSpec(body, service);
  if (!r.ok) throw new Error(r.error);
  return r.spec;
}
