/**
 * Open loop: requests leave at the times of this executor's arrival schedule, whether or not earlier ones
 * finished. With `max_concurrency`, arrivals wait for a free slot and may become late (the recorder counts
 * a measured request late from its record: sent − scheduled > LATE_MS); scheduled arrivals that could not
 * be sent before the end of the measurement are counted as dropped; warmup arrivals still unsent when the measurement begins
 * are skipped (not counted). Latencies are also recorded from the scheduled time.
 *
 * Pacing (docs/load-generation.md#pacing): until `pacer_poll_ms` before an arrival is due the loop sleeps on
 * a timer; from there it polls the clock once per event-loop turn (setImmediate, so responses keep being
 * read) and sends the request in the first turn at or after its time, never before. `pacer_poll_ms: 0`
 * uses timers alone (a request may then leave up to 0.5 ms early or about a millisecond late).
 */

import { type OpenLoop, PACER_POLL_MS } from '../../contracts/index.js';
import { nowMs } from '../record.js';
import { buildSchedule, type ScheduleOptions } from '../schedule/arrivals.js';
import type { RunContext } from './context.js';

/** Sends issued back to back before yielding to the event loop when catching up. */
const BATCH = 64;

const yieldNow = (): Promise<void> => new Promise((r) => setImmediate(r));

export async function runOpenLoop(ctx: RunContext, opts: ScheduleOptions, load: OpenLoop): Promise<void> {
  const sched = buildSchedule(opts);
  const cap = load.max_concurrency;
  const pollMs = load.pacer_poll_ms ?? PACER_POLL_MS;
  let at = ctx.t0 + sched.next() * 1000;
  let burst = 0;
  while (ctx.mayIssue(at)) {
    const now = nowMs();
    if (now >= ctx.measureEnd) break;
    if (at < ctx.warmupEnd && now >= ctx.warmupEnd) {
      // a warmup backlog is not worth sending once the measurement began: skip it
      at = ctx.t0 + sched.next() * 1000;
      continue;
    }
    const ahead = at - now;
    if (pollMs > 0 && ahead > 0) {
      burst = 0;
      // a timer to about pollMs before the time (timers wake late, by up to ~1 ms), then poll
      if (ahead > pollMs + 1) await ctx.sleep(Math.floor(ahead - pollMs));
      else await yieldNow();
      continue;
    }
    if (pollMs === 0 && ahead > 0.5) {
      burst = 0;
      await ctx.sleep(Math.max(1, Math.floor(ahead)));
      continue;
    }
    if (cap !== undefined && ctx.inflight.size >= cap) {
      await ctx.slotFree();
      continue;
    }
    void ctx.issue(at);
    at = ctx.t0 + sched.next() * 1000;
    if (++burst >= BATCH) {
      burst = 0;
      await yieldNow();
    }
  }
  // measured arrivals due before the end that were never sent (stop, overload, or the concurrency cap)
  const end = Math.min(ctx.measureEnd, nowMs());
  let dropped = 0;
  let quota = ctx.maxRequests === undefined ? Infinity : ctx.maxRequests - ctx.issuedMeasured;
  while (at < end && quota > 0 && dropped < 10_000_000) {
    if (at >= ctx.warmupEnd) {
      dropped++;
      quota--;
    }
    at = ctx.t0 + sched.next() * 1000;
  }
  if (dropped > 0) ctx.recorder.dropped(nowMs(), dropped);
}
