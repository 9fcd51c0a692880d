/**
 * An executor's measurements rebuilt from its records file, when its GET /metrics cannot be fetched (it
 * was killed, or gone after a `scancel`): the same recorder settings the executor ran with (benchmark, SLO,
 * open loop and its share of the rate, window length, its measurement start from POST /start), so the
 * counters and histograms equal what it would have reported for those records (src/metrics/from-records.ts).
 * Open loop: the arrivals due by its last send recorded that it had not sent are its `dropped_sends`
 * (src/loadgen/schedule/replay.ts: those after it were not due yet), and a ramp's `requested_rps` is its
 * mean rate up to that send, the span `achieved_rps` is measured over.
 */
import { existsSync } from 'node:fs';
import type { ExecutorMetrics, WorkloadSpec } from '../contracts/index.js';
import { executorRecordsPath, type StartedWorkload } from '../controller/index.js';
import type { ExecutorTarget } from '../controller/types.js';
import {
  executorSchedule,
  recordedRequestedRps,
  type UnsentCount,
  unsentAtLastSend,
} from '../loadgen/schedule/index.js';
import { measuredSeconds, snapshotFromRecordsFile, toExecutorMetrics } from '../metrics/index.js';

/**
 * The `rebuild` of `getAvailableMetrics` for one benchmark; undefined without a records path. `sends`, when
 * given, hears per open-loop executor how its unsent arrivals were counted, or why they could not be.
 */
export function recordsRebuilder(
  spec: WorkloadSpec,
  recordsPath: string | undefined,
  warn: (message: string) => void,
  sends?: (node: string, count: UnsentCount) => void,
): ((t: ExecutorTarget, w: StartedWorkload) => Promise<ExecutorMetrics | undefined>) | undefined {
  if (!recordsPath) return undefined;
  return async (t, w) => {
    const path = executorRecordsPath(recordsPath, t.node);
    if (!existsSync(path)) return undefined;
    const own: WorkloadSpec = { ...spec, executor_index: w.index, executor_count: w.count };
    const schedule = executorSchedule(own);
    const { snapshot, skipped, unplannedTurns, frontier } = await snapshotFromRecordsFile(path, {
      benchmark: spec.benchmark,
      source: t.node,
      slo: spec.slo,
      openLoop: schedule !== undefined,
      requestedRps: recordedRequestedRps(own),
      windowSeconds: spec.window_seconds,
      windowStart: w.start?.window_start,
      unsent: schedule
        ? (f) => {
            const count = unsentAtLastSend(own, f);
            sends?.(t.node, count);
            return 'unsent' in count ? count.unsent : undefined;
          }
        : undefined,
    });
    // a ramp asked for its mean rate over what was measured (the span of achieved_rps)
    if (frontier && snapshot.window_start !== undefined && snapshot.requested_rps !== undefined)
      snapshot.requested_rps = recordedRequestedRps(own, (frontier.lastSend - snapshot.window_start) / 1000);
    if (skipped > 0) warn(`${path}: ${skipped} line(s) that are not a whole record skipped`);
    if (unplannedTurns > 0)
      warn(
        `${path}: ${unplannedTurns} session turn(s) without their session's planned turns (a records file of an older version): sessions.completed counts none of their sessions`,
      );
    return toExecutorMetrics(snapshot, spec.warmup + measuredSeconds(snapshot));
  };
}
