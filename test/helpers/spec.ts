/** A `WorkloadSpec` from a `POST /start` body, read the way an executor reads it (seed-style fields work). */
import type { StartBody, WorkloadSpec } from '../../src/contracts/index.js';
import { parseWorkloadSpec } from '../../src/executor/spec-schema.js';

export function specFrom(body: StartBody, service = 'dummy'): WorkloadSpec {
  const r = parseWorkloadSpec(body, service);
  if (!r.ok) throw new Error(r.error);
  return r.spec;
}

/**
 * The spec of a seed-style `POST /start` body for one closed-loop user against the simulator at `url`
 * (1 s, no warmup), with `extra` fields on top.
 */
export function simSpec(url: string, extra: Partial<StartBody>): WorkloadSpec {
  return specFrom({
    benchmark: 'b',
    server_url: url,
    model: 'dummy-model',
    duration: 1,
    warmup: 0,
    clients_per_node: 1,
    ...extra,
  } as StartBody);
}
