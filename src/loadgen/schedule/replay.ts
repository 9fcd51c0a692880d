/**
 * The sends an open-loop executor (or a trace replay's) had not made by a moment, from its records alone
 * (a killed executor or orchestrator: src/orchestrator/rebuild.ts). Its loop (src/loadgen/run/open-loop.ts)
 * sends the arrivals of its schedule (seeded, or its rows of the trace) in schedule order, so every
 * arrival before the latest `scheduled` it recorded was sent (one due at that same instant, as rows of a
 * trace may be, and not recorded was either in flight when it stopped or never sent: said, not counted);
 * the arrivals due after that one and before its last send measured (`lastSend`: of an arrival, with
 * multi-turn sessions a first turn — a later turn is sent on a response, not on the schedule) were due
 * and not yet sent: the backlog the loop would have counted as dropped had it ended at that send,
 * counted the way it counts them (one step of the schedule, `passTo`: constant schedules exactly, random
 * ones drawn from their distribution). Arrivals after `lastSend` were not due by the last moment measured
 * and are not counted. The schedule is replayed from the start of the load (the measurement start −
 * warmup) as the loop went through it — a warmup backlog passed in one step at the measurement start when
 * the loop was behind then — and must reproduce the recorded scheduled times; when it does not (or the
 * measurement start is not known), nothing is counted and the answer says why.
 */
import type { WorkloadSpec } from '../../contracts/index.js';
import type { SendFrontier } from '../../metrics/index.js';
import type { ArrivalSchedule } from './arrivals.js';
import { executorMaxRequests } from './share.js';

/** Tolerance (ms) when matching replayed arrival times with recorded ones (float rounding of the clock). */
const MATCH_MS = 1e-3;

export type UnsentCount =
  | {
      /** Arrivals due by `until` that were never sent. */
      unsent: number;
      /** Measured arrivals due by `until` (sent or not). */
      due: number;
      /** Epoch ms the count is made at: the last send measured (the end of the measurement, if before). */
      until: number;
      /**
       * Arrivals due at the instant of the latest one recorded (rows of a trace sharing it) that are not
       * in the records: sent and unfinished when the executor stopped, or never sent; not in `unsent`.
       */
      unrecordedAtLast: number;
    }
  | { why: string };

/**
 * The arrivals of the executor's schedule (`spec` is its own: index and count set; `schedule` makes a fresh
 * copy of its schedule, from the start of the load; `source`: where it comes from, for the reason it does
 * not reproduce the records, `the spec` or a trace replay's `the trace file PATH`) unsent at its last send.
 */
export function unsentAtLastSend(
  spec: WorkloadSpec,
  f: SendFrontier,
  schedule: () => ArrivalSchedule,
  source: string,
): UnsentCount {
  const w = f.windowStart;
  if (w === undefined)
    return { why: 'the executor’s measurement start (metrics.json executors[].window_start) is not on disk' };
  const t0 = w - spec.warmup * 1000;
  const toMs = (s: number) => t0 + s * 1000;
  const end = spec.duration > 0 ? w + spec.duration * 1000 : Number.POSITIVE_INFINITY;
  const until = Math.min(f.lastSend, end);
  // the loop passes a warmup backlog in one step at the measurement start; that changes a random
  // schedule's later draws, so both ways are tried: as sent, and with the backlog passed after the warmup
  // arrivals recorded
  for (const skipped of spec.warmup > 0 ? [false, true] : [false]) {
    const sched = schedule();
    let s = sched.next();
    if (skipped) {
      for (let i = 0; i < f.warmup; i++) s = sched.next();
      if (toMs(s) >= w) continue; // no backlog then: the first way
      sched.skipTo((w - t0) / 1000);
      s = sched.next();
    }
    let issued = 0;
    let first = false;
    let atLast = 0;
    for (; toMs(s) <= f.last + MATCH_MS && toMs(s) < end; s = sched.next()) {
      const at = toMs(s);
      if (at < w) continue;
      issued++;
      if (Math.abs(at - f.first) <= MATCH_MS) first = true;
      if (Math.abs(at - f.last) <= MATCH_MS) atLast++;
    }
    const last = atLast > 0;
    if (!first || !last || issued < f.count) continue;
    // s: the first arrival after the last one sent; the rest before `until` as the loop counts a backlog
    let unsent = toMs(s) < until ? 1 + sched.skipTo((until - t0) / 1000) : 0;
    const quota = executorMaxRequests(spec);
    if (quota !== undefined)
      unsent = Math.min(unsent, Math.max(0, quota - (spec.session ? f.measured : issued)));
    return { unsent, due: issued + unsent, until, unrecordedAtLast: Math.max(0, atLast - f.atLast) };
  }
  return {
    why: `its arrival schedule replayed from ${source} does not reproduce the scheduled times recorded`,
  };
}
