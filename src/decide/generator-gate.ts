/**
 * The validity gate on the load generator (docs/load-generation.md, "Did the generator keep up?"): an
 * open-loop benchmark's figures describe the server only when hpcbench sent on its schedule. Judged from
 * the merged summary; a benchmark that fails it is `invalid (load generator)` in every output, and a
 * capacity search never counts it as a server result.
 *
 *   - sends made ≥ MIN_SENT_SHARE of those scheduled in the measurement window: sent / (sent + dropped)
 *     (the achieved/requested rate counted per send, exact whatever the arrival distribution); arrivals
 *     due in the window's last `max_schedule_lag` are allowed to go unsent (a lag within the tolerance
 *     leaves them behind when the window closes);
 *   - schedule lag p99 (sent − scheduled) ≤ `max_schedule_lag` (DEFAULT_MAX_SCHEDULE_LAG_MS);
 *   - the busiest executor's event loop busy ≤ MAX_EVENT_LOOP of the time (above it, sends and the
 *     timestamps of responses wait for the loop).
 * With `max_concurrency`, sends also wait for a free slot (the server being slow, not the generator):
 * then only the event-loop criterion applies. Closed loop has no schedule to keep: no gate. A figure the
 * summary does not have is not judged: no `executor_load` (a benchmark rebuilt from records files), no
 * event-loop criterion; `sendsUnknown` (its unsent arrivals could not be counted: why; also when the
 * summary's `dropped_sends` is null), no sent-share
 * criterion, `sent_share: null`, and a check the other criteria pass is labelled `valid (sent share not
 * judged: why)` — still `valid: true` (nothing was found against it), but never shown as plain `valid`.
 */
import type { BenchmarkSummary } from '../metrics/types.js';
import type { GeneratorCheck } from '../results-folder/types.js';

export type { GeneratorCheck };

export const DEFAULT_MAX_SCHEDULE_LAG_MS = 50;
export const MIN_SENT_SHARE = 0.99;
export const MAX_EVENT_LOOP = 0.9;
/** How an invalid benchmark is labelled in every output. */
export const INVALID_LABEL = 'invalid (load generator)';
/** The label of a valid check whose sent share could not be judged (why). */
export const notJudgedLabel = (why: string) => `valid (sent share not judged: ${why})`;

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** The gate's verdict on an open-loop benchmark's summary; undefined for closed loop (no schedule). */
export function generatorCheck(
  s: BenchmarkSummary | undefined,
  opts: { maxScheduleLagMs?: number; capped?: boolean; sendsUnknown?: string } = {},
): GeneratorCheck | undefined {
  if (!s || s.requested_rps === undefined) return undefined;
  const tolerance = opts.maxScheduleLagMs ?? DEFAULT_MAX_SCHEDULE_LAG_MS;
  // dropped_sends null: not counted (a rebuilt run; the caller may say why)
  const unknown =
    opts.sendsUnknown ?? (s.dropped_sends === null ? 'the unsent arrivals were not counted' : undefined);
  const dropped = s.dropped_sends ?? 0;
  const due = s.requests.sent + dropped;
  const share = unknown !== undefined ? null : due > 0 ? s.requests.sent / due : 0;
  const lag = s.latency_ms.schedule_lag?.count ? s.latency_ms.schedule_lag.p99 : undefined;
  const achieved = s.achieved_rps ?? 0;
  const reasons: string[] = [];
  const allowed = Math.ceil((s.requested_rps * tolerance) / 1000);
  if (!opts.capped) {
    if (share !== null && share < MIN_SENT_SHARE && dropped > allowed)
      reasons.push(
        `sent ${s.requests.sent} of ${due} scheduled sends (${pct(share)}, below ${pct(MIN_SENT_SHARE)}): achieved ${achieved.toFixed(2)}/s of ${s.requested_rps.toFixed(2)}/s requested`,
      );
    if (lag !== undefined && lag > tolerance)
      reasons.push(`schedule lag p99 ${lag.toFixed(1)} ms above max_schedule_lag ${tolerance} ms`);
  }
  const load = s.executor_load;
  if (load && load.event_loop_utilization > MAX_EVENT_LOOP)
    reasons.push(
      `an executor's event loop was busy ${pct(load.event_loop_utilization)} of the time (above ${pct(MAX_EVENT_LOOP)}; ${load.cpu_cores.toFixed(2)} CPU cores)`,
    );
  // with max_concurrency the sent share is no criterion: not judging it leaves nothing out
  const unjudged = unknown !== undefined && !opts.capped;
  return {
    valid: reasons.length === 0,
    label: reasons.length ? INVALID_LABEL : unjudged ? notJudgedLabel(unknown) : 'valid',
    reasons,
    requested_rps: s.requested_rps,
    achieved_rps: achieved,
    achieved_rate_ratio: s.requested_rps > 0 ? achieved / s.requested_rps : 0,
    sent_share: share,
    schedule_lag_p99_ms: lag ?? null,
    max_schedule_lag_ms: tolerance,
    ...(load ? { executor_load: load } : {}),
    ...(opts.capped ? { capped: true } : {}),
  };
}

/** `invalid (load generator): reason; reason` for an invalid check, undefined otherwise. */
export function generatorNote(check: GeneratorCheck | undefined): string | undefined {
  return check && !check.valid ? `${INVALID_LABEL}: ${check.reasons.join('; ')}` : undefined;
}
