/**
 * An executor's measurements rebuilt from its records file, when its GET /metrics cannot be fetched (it
 * was killed, or gone after a `scancel`): the same recorder settings the executor ran with (benchmark, SLO,
 * open loop and its share of the rate, window length, its measurement start from POST /start), so the
 * counters and histograms equal what it would have reported for those records (src/metrics/from-records.ts).
 */
import { existsSync } from 'node:fs';
import type { ExecutorMetrics, WorkloadSpec } from '../contracts/index.js';
import { executorRecordsPath, type StartedWorkload } from '../controller/index.js';
import type { ExecutorTarget } from '../controller/types.js';
import { executorSchedule } from '../loadgen/schedule/share.js';
import { measuredSeconds, snapshotFromRecordsFile, toExecutorMetrics } from '../metrics/index.js';

/** The `rebuild` of `getAvailableMetrics` for one benchmark; undefined without a records path. */
export function recordsRebuilder(
  spec: WorkloadSpec,
  recordsPath: string | undefined,
  warn: (message: string) => void,
): ((t: ExecutorTarget, w: StartedWorkload) => Promise<ExecutorMetrics | undefined>) | undefined {
  if (!recordsPath) return undefined;
  return async (t, w) => {
    const path = executorRecordsPath(recordsPath, t.node);
    if (!existsSync(path)) return undefined;
    const own: WorkloadSpec = { ...spec, executor_index: w.index, executor_count: w.count };
    const schedule = executorSchedule(own);
    const { snapshot, skipped, unplannedTurns } = await snapshotFromRecordsFile(path, {
      benchmark: spec.benchmark,
      source: t.node,
      slo: spec.slo,
      openLoop: schedule !== undefined,
      requestedRps: schedule?.rate,
      windowSeconds: spec.window_seconds,
      windowStart: w.start?.window_start,
    });
    if (skipped > 0) warn(`${path}: ${skipped} line(s) that are not a whole record skipped`);
    if (unplannedTurns > 0)
      warn(
        `${path}: ${unplannedTurns} session turn(s) without their session's planned turns (a records file of an older version): sessions.completed counts none of their sessions`,
      );
    return toExecutorMetrics(snapshot, spec.warmup + measuredSeconds(snapshot));
  };
}
