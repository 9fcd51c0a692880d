/**
 * Open loop: requests leave at the times of this executor's arrival schedule, whether or not earlier ones
 * finished. At most `cap` requests are in flight (`max_concurrency`, else the executor's in-flight cap):
 * arrivals then wait for a free slot and may become late (the recorder counts a measured request late
 * from its record: sent − scheduled > LATE_MS); scheduled arrivals that could not be sent before the end
 * of the measurement are counted as dropped; warmup arrivals still unsent when the measurement begins are
 * skipped (not counted). Latencies are also recorded from the scheduled time.
 *
 * Whatever the rate, the loop stays responsive: it awaits a timer, a free slot or setImmediate at least
 * every BATCH sends, and passes over a backlog (warmup, or the unsent rest at the end) in one step of the
 * schedule (`skipTo`), never arrival by arrival.
 *
 * Pacing (docs/load-generation.md#pacing): until `pollMs` (`pacer_poll_ms`) before an arrival is due the
 * loop sleeps, on a timer while the arrival is more than TIMER_MIN_MS beyond that, then on the waker
 * (waker.ts: a thread's futex timeout, microseconds); from `pollMs` before, it polls the clock once per
 * event-loop turn (setImmediate, so responses keep being read). It sends the request in the first turn at
 * or after its time, never before, and every arrival already due in that turn back to back.
 */

import { PACER_POLL_MS } from '../../contracts/index.js';
import type { Prompt } from '../datasets/types.js';
import { nowMs } from '../record.js';
import { type ArrivalSchedule, buildSchedule, type ScheduleOptions } from '../schedule/arrivals.js';
import type { RunContext } from './context.js';
import { yieldHelperThreads } from './helper-threads.js';
import type { Sessions } from './sessions.js';
import { giveBackWaker, hrMs, takeWaker, wakerThreads } from './waker.js';

/** Sends issued back to back before yielding to the event loop when catching up. */
const BATCH = 64;
/**
 * A wait longer than this (ms) starts on a timer, which ends 1 to 3 ms before the waker takes over (a
 * timer wakes up to ~1 ms early on a stale loop clock, or ~1 ms late): the thread is woken once per
 * arrival, not once per millisecond of a long gap.
 */
const TIMER_MIN_MS = 4;

const yieldNow = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * `schedule`: options of a built schedule, or a schedule itself (a trace replay's); `prompt`: the prompt
 * of the arrival being sent (a trace row's), else the prompt set's next; `sessions`: each arrival starts
 * a multi-turn session instead of sending one request, and `cap` bounds the sessions in progress.
 */
export async function runOpenLoop(
  ctx: RunContext,
  schedule: ScheduleOptions | ArrivalSchedule,
  cap: number,
  pollMs: number = PACER_POLL_MS,
  prompt?: () => Prompt,
  sessions?: Sessions,
): Promise<void> {
  const sched = 'next' in schedule ? schedule : buildSchedule(schedule);
  const toMs = (s: number): number => ctx.t0 + s * 1000;
  const toS = (ms: number): number => (ms - ctx.t0) / 1000;
  let s = sched.next();
  /** Passes the pending arrival and every later one before `ms`; returns how many were passed. */
  const passTo = (ms: number): number => {
    if (toMs(s) >= ms) return 0;
    const n = 1 + sched.skipTo(toS(ms));
    s = sched.next();
    return n;
  };
  const waker = takeWaker();
  const unhook = ctx.onStop(() => waker.wake());
  await waker.ready();
  // its thread now known: the helpers below the main thread, the waker not (helper-threads.ts)
  yieldHelperThreads(wakerThreads());
  let burst = 0;
  try {
    while (ctx.mayIssue(toMs(s))) {
      const at = toMs(s);
      const now = nowMs();
      if (now >= ctx.measureEnd) break;
      if (at < ctx.warmupEnd && now >= ctx.warmupEnd) {
        // a warmup backlog is not worth sending once the measurement began: skip it
        passTo(ctx.warmupEnd);
        continue;
      }
      const ahead = at - now;
      if (ahead > pollMs) {
        burst = 0;
        if (ahead > pollMs + TIMER_MIN_MS) await ctx.sleep(Math.floor(ahead - pollMs - 2));
        else await waker.until(hrMs() + ahead - pollMs);
        continue;
      }
      if (ahead > 0) {
        burst = 0;
        await yieldNow();
        continue;
      }
      if ((sessions ? sessions.active : ctx.inflight.size) >= cap) {
        burst = 0;
        await ctx.slotFree();
        continue;
      }
      if (sessions) sessions.start(at);
      else void ctx.issue(at, undefined, prompt?.());
      s = sched.next();
      if (++burst >= BATCH) {
        burst = 0;
        await yieldNow();
      }
    }
  } finally {
    unhook();
    giveBackWaker(waker);
  }
  // measured arrivals due before the end that were never sent (stop, overload, or the in-flight cap)
  const end = Math.min(ctx.measureEnd, nowMs());
  passTo(Math.min(ctx.warmupEnd, end));
  const quota = ctx.maxRequests === undefined ? Infinity : ctx.maxRequests - ctx.issuedMeasured;
  const dropped = Math.min(Math.max(0, quota), passTo(end));
  if (dropped > 0) ctx.recorder.dropped(nowMs(), dropped);
}
