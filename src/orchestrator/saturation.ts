/**
 * Over-saturation of an open-loop benchmark (the detector is src/decide/saturation.ts) as a run uses it:
 * the report on the final merged snapshot, and — when the workload sets `stop_on_saturation` — a live
 * watch that reads the executors' snapshots once per window and stops the benchmark as soon as it is
 * over-saturated (what was measured until then is kept; docs/load-generation.md "Over-saturation").
 */
import { isScheduledLoad, type MetricsSnapshot, type WorkloadSpec } from '../contracts/index.js';
import type { BaseWorkloadController } from '../controller/base-workload-controller.js';
import { detectSaturation, LIVE_SATURATION, type SaturationReport } from '../decide/saturation.js';
import { requestedBetween } from '../loadgen/schedule/index.js';

/**
 * Whether the load is open loop or a rate ramp (a rate, not users) of single requests: the loads
 * saturation is judged for. Not multi-turn sessions: their rate is of sessions, and their TTFT grows
 * with the turns in progress, which the detector would read as rising latency.
 */
export function isOpenLoad(spec: WorkloadSpec): boolean {
  return isScheduledLoad(spec.load) && spec.session === undefined;
}

/**
 * The saturation report of a finished open-loop benchmark (undefined for closed loop): judged on its
 * final snapshot up to the last send or, when the live watch stopped it, the live report that made it
 * stop (the evidence of the decision) with `stopped_early`.
 */
export function benchmarkSaturation(
  spec: WorkloadSpec,
  snapshot: MetricsSnapshot,
  watch?: Pick<SaturationWatch, 'stoppedAt' | 'report'>,
): SaturationReport | undefined {
  if (!isOpenLoad(spec)) return undefined;
  if (watch?.report && watch.stoppedAt !== undefined)
    return {
      ...watch.report,
      stopped_early: {
        at_s: Math.max(0, (watch.stoppedAt - (snapshot.window_start ?? watch.stoppedAt)) / 1000),
        planned_s: spec.duration,
      },
    };
  return detectSaturation(snapshot, { requested: requestedBetween(spec, snapshot.window_start) });
}

export interface SaturationWatch {
  /** Epoch ms when the watch stopped the benchmark (undefined: it did not). */
  stoppedAt?: number;
  /** The live report that made it stop. */
  report?: SaturationReport;
  stop(): void;
}

/** Default window length of the executors' time series, seconds (src/metrics/recorder.ts). */
const DEFAULT_WINDOW_S = 10;

/**
 * With `stop_on_saturation` on an open-loop spec: from the end of warmup, once per window (at least every
 * second) until the end of sending, merges the executors' live snapshots, judges them up to now with the
 * stricter thresholds of repeated looks (`LIVE_SATURATION`) and, when over-saturated, stops the workload
 * and calls `onStop`. Undefined when there is nothing to watch. A failed fetch is skipped.
 */
export function watchSaturation(
  controller: BaseWorkloadController,
  spec: WorkloadSpec,
  onStop: (report: SaturationReport) => void,
): SaturationWatch | undefined {
  if (!spec.stop_on_saturation || !isOpenLoad(spec)) return undefined;
  const everyMs = Math.max(1, spec.window_seconds ?? DEFAULT_WINDOW_S) * 1000;
  const watch: SaturationWatch & { timer?: NodeJS.Timeout; stopped: boolean } = {
    stopped: false,
    stop: () => {
      watch.stopped = true;
      clearTimeout(watch.timer);
    },
  };
  const check = async (): Promise<void> => {
    if (watch.stopped) return;
    const now = Date.now();
    const metrics = await controller.getMetrics().catch(() => undefined);
    if (watch.stopped) return;
    const start = metrics?.snapshot.window_start;
    // sending is over: nothing left to stop, the final report judges the whole benchmark
    if (start !== undefined && now >= start + spec.duration * 1000) return;
    const report =
      metrics &&
      detectSaturation(metrics.snapshot, {
        ...LIVE_SATURATION,
        until: now,
        requested: requestedBetween(spec, start),
      });
    if (report?.saturated) {
      watch.stopped = true;
      watch.stoppedAt = now;
      watch.report = report;
      await controller.stopWorkload().catch(() => undefined);
      onStop(report);
      return;
    }
    watch.timer = setTimeout(() => void check(), everyMs);
  };
  watch.timer = setTimeout(() => void check(), spec.warmup * 1000 + 2 * everyMs);
  return watch;
}
