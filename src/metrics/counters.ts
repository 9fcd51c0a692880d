/** Counters of a snapshot: zero value, sums, and the invariant sent = ok + failed + cancelled. */
import type { Counters } from '../contracts/index.js';

export function zeroCounters(): Counters {
  return {
    sent: 0,
    ok: 0,
    failed: 0,
    cancelled: 0,
    cancelled_by_workload: 0,
    prompt_tokens: 0,
    output_tokens: 0,
    good: 0,
    late_sends: 0,
    dropped_sends: 0,
  };
}

export function addCounters(into: Counters, from: Counters): Counters {
  for (const k of Object.keys(into) as (keyof Counters)[]) into[k] += from[k] ?? 0;
  return into;
}

export function addReasons(into: Record<string, number>, from: Record<string, number> | undefined): void {
  if (!from) return;
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}
