/**
 * The executor's main thread before its helpers (docs/load-generation.md#pacing). A Node process runs
 * V8's platform threads (concurrent GC marking and sweeping, the optimising compiler) and libuv's pool
 * beside the main thread. Where the executor shares a core with them (pinned, or on a busy node) the
 * kernel lets them run while the main thread is runnable, and the sends and the stamps it owes wait
 * meanwhile: on a 2-core VM with the executor pinned, runs of late sends were mostly such waits.
 * `yieldHelperThreads` sets every thread of the process but the main thread and the pacer's waker
 * threads to nice HELPER_NICE, at each load's start and in an open loop once its waker runs (a thread
 * may always lower its own process's priority, never raise it back without privileges; Linux treats
 * the id given to setpriority as one thread's). Threads started later (libuv's pool starts on first
 * use) keep the main thread's priority until the next load. With cores to spare it changes nothing:
 * the helpers still run, only not before the main thread. Elsewhere than Linux (no /proc/self/task)
 * it does nothing.
 */
import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

export const HELPER_NICE = 19;

/**
 * Lowers the helper threads (all but the main thread and `keep`); returns how many it lowered. With
 * `keep` undefined (a waker's thread is starting: which thread it is is not known yet) it does nothing,
 * since a thread lowered cannot be raised again without privileges.
 */
export function yieldHelperThreads(keep: readonly number[] | undefined): number {
  if (keep === undefined) return 0;
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return 0;
  }
  let lowered = 0;
  for (const t of tids) {
    const tid = Number(t);
    if (tid === process.pid || keep.includes(tid)) continue;
    try {
      if (getPriority(tid) >= HELPER_NICE) continue;
      setPriority(tid, HELPER_NICE);
      lowered++;
    } catch {
      // the thread ended meanwhile, or the priority is not ours to change: leave it
    }
  }
  return lowered;
}
