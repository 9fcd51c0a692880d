/**
 * One benchmark: start the workload on every executor (E004), wait on their state (polling GET /status,
 * never a blind sleep; E007 when they outlive warmup + duration + timeout), stop them, collect and merge
 * their metrics (E005). An abort stops the workload early and still collects what was measured.
 */

import type { WorkloadSpec } from '../contracts/index.js';
import type { BaseWorkloadController } from '../controller/base-workload-controller.js';
import type { ExecutorStatus } from '../controller/types.js';
import { isHpcBenchError } from '../errors.js';
import { DEFAULT_GRACE_S } from '../loadgen/run/context.js';
import type { StartedExecutor, TraceDigest } from '../report/results-writer.js';
import type { BenchmarkResult } from '../report/types.js';
import { rebaseRates } from '../serverstats/view.js';
import type { ServerWindowTracker } from '../serverstats/window-tracker.js';
import type { OrchestratorEmitter } from './events.js';
import { notCountedDrops, recordsRebuilder } from './rebuild.js';
import type { BenchmarkPlanLike } from './run-plan.js';
import { benchmarkSaturation, type SaturationWatch, watchSaturation } from './saturation.js';
import { judgeThresholds } from './thresholds.js';

export interface BenchmarkRunContext {
  controller: BaseWorkloadController;
  events: OrchestratorEmitter;
  serverUrls: string[];
  /** `records-{node}.jsonl` path for this benchmark; `{node}` is filled in per executor. */
  recordsPath?: string;
  timeout: number;
  signal: AbortSignal;
  index: number;
  total: number;
  /** Planned warmup + measurement seconds of the benchmarks after this one (for the suite's ETA). */
  remainingSeconds?: number;
  /**
   * Per executor (by index), the server URLs it sends to (`distribution_strategy: static` with
   * `target_mapping`); it gets them as `server_urls`, the first as `server_url`.
   */
  executorTargets?: string[][];
  /** Adds the measurement window's energy to the result (before thresholds are evaluated on it). */
  energy?: (result: BenchmarkResult) => Promise<void>;
  /** Scrapes the servers' /metrics at the start and end of the measurement window (`server_metrics`). */
  serverWindow?: ServerWindowTracker;
  /** A trace replay's trace file digest at the start (metrics.json `trace`): what a rebuild checks it against. */
  trace?: TraceDigest;
  /** Called once every executor started: the benchmark (spec, start) and each executor's part. */
  onStarted?: (result: BenchmarkResult, executors: StartedExecutor[]) => Promise<void>;
}

/**
 * Seconds to wait for the executors after the start: warmup + duration + grace_period (they cancel what
 * is still in flight then) + up to 30 s of slack; with `max_requests` only (duration 0), + `timeout`.
 */
export function completionTimeout(spec: WorkloadSpec, timeout: number): number {
  if (!(spec.duration > 0)) return spec.warmup + timeout;
  return spec.warmup + spec.duration + (spec.grace_period ?? DEFAULT_GRACE_S) + Math.min(timeout, 30);
}

/** Whether every executor has left warmup (by its phase, or by elapsed time when it reports none). */
export function leftWarmup(statuses: ExecutorStatus[], warmup: number): boolean {
  return (
    statuses.length > 0 &&
    statuses.every(({ status }) =>
      status.phase !== undefined ? status.phase !== 'warmup' : status.elapsed_seconds >= warmup,
    )
  );
}

export function errorInfo(err: unknown): { code?: string; message: string } {
  if (isHpcBenchError(err)) return { code: err.code, message: err.message };
  return { message: err instanceof Error ? err.message : String(err) };
}

function progress(ctx: BenchmarkRunContext, name: string, statuses: ExecutorStatus[]): void {
  let elapsed = 0;
  let ok = 0;
  let failed = 0;
  let running = 0;
  let ttft: number | undefined;
  const phases = new Set<string>();
  for (const { status } of statuses) {
    elapsed = Math.max(elapsed, status.elapsed_seconds);
    ok += status.requests_ok ?? 0;
    failed += status.requests_failed ?? 0;
    if (status.running) running++;
    // percentiles do not average: the slowest executor's p50 is shown (live progress only)
    if (status.ttft_p50_ms !== undefined) ttft = Math.max(ttft ?? 0, status.ttft_p50_ms);
    if (status.phase) phases.add(status.phase);
  }
  const phase = ['warmup', 'measuring', 'draining', 'done', 'idle'].find((p) => phases.has(p)) ?? 'running';
  ctx.events.emit('benchmark-progress', {
    name,
    index: ctx.index,
    total: ctx.total,
    elapsed,
    phase,
    requestsOk: ok,
    requestsFailed: failed,
    executorsRunning: running,
    ...(ttft !== undefined ? { ttftP50Ms: ttft } : {}),
  });
}

/**
 * Runs one benchmark. Resolves with its result; `failure` is set when it failed for a reason other than
 * the run's abort signal (the orchestrator then ends the run with that error).
 */
export async function runBenchmark(
  plan: BenchmarkPlanLike,
  ctx: BenchmarkRunContext,
): Promise<{ result: BenchmarkResult; failure?: unknown; executorErrors: string[]; lost: string[] }> {
  const { controller } = ctx;
  const spec: WorkloadSpec = {
    ...plan.spec,
    benchmark: plan.name,
    server_url: plan.spec.server_url ?? ctx.serverUrls[0],
    server_urls: plan.spec.server_urls ?? ctx.serverUrls,
    ...(ctx.recordsPath ? { records_path: ctx.recordsPath } : {}),
  };
  const result: BenchmarkResult = {
    name: plan.name,
    status: 'running',
    started_at: new Date().toISOString(),
    spec,
  };
  ctx.events.emit('benchmark-start', {
    name: plan.name,
    index: ctx.index,
    total: ctx.total,
    warmup: spec.warmup,
    duration: spec.duration,
    executors: controller.executors.length,
    remainingSeconds: ctx.remainingSeconds ?? 0,
  });
  let started = false;
  let failure: unknown;
  const executorErrors: string[] = [];
  let lost: string[] = [];
  const lostBefore = new Set(controller.lost.keys());
  const rebuild = recordsRebuilder(
    spec,
    ctx.recordsPath,
    (m) => ctx.events.emit('warning', m),
    ctx.trace ? { kept: ctx.trace } : {},
  );
  const window = ctx.serverWindow;
  let warmupSeen = !(spec.warmup > 0);
  const sawStatuses = (s: ExecutorStatus[]): void => {
    if (warmupSeen || !leftWarmup(s, spec.warmup)) return;
    warmupSeen = true;
    // Seen only once everything finished: keep the start before the workload (warmup included, noted).
    if (s.some((x) => x.status.running)) void window?.begin('warmup-end');
  };
  let stopWarmupWatch = (): void => {};
  let saturation: SaturationWatch | undefined;
  try {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    // The window starts now when there is no warmup (exact: every request the servers see is measured);
    // else this is the fallback start, replaced when the executors are seen leaving warmup.
    await window?.begin('benchmark-start');
    const targets = ctx.executorTargets;
    await controller.startWorkload(
      spec,
      targets
        ? {
            perExecutor: (_t, i) =>
              targets[i] ? { server_url: targets[i][0], server_urls: targets[i] } : {},
          }
        : {},
    );
    started = true;
    await ctx.onStarted?.(
      result,
      controller.startedWorkloads().map(({ node, index, count, start }) => ({
        node,
        index,
        count,
        ...(start?.window_start !== undefined ? { window_start: start.window_start } : {}),
      })),
    );
    if (window && !warmupSeen) stopWarmupWatch = watchWarmupEnd(controller, spec.warmup, sawStatuses);
    saturation = watchSaturation(controller, spec, (report) =>
      ctx.events.emit(
        'warning',
        `benchmark ${plan.name} over-saturated: ${report.reasons.join('; ')}; stopped early (stop_on_saturation)`,
      ),
    );
    const statuses = await controller.waitForCompletion({
      timeout: completionTimeout(spec, ctx.timeout),
      signal: ctx.signal,
      onStatus: (s) => {
        progress(ctx, plan.name, s);
        sawStatuses(s);
      },
      // an executor lost mid-benchmark: the others run to the end
      tolerateLoss: true,
    });
    stopWarmupWatch();
    saturation?.stop();
    await controller.stopWorkload();
    const serverView = window?.end().catch((err: unknown) => {
      ctx.events.emit('warning', `server metrics of ${plan.name}: ${(err as Error).message}`);
      return undefined;
    });
    if ([...controller.lost.keys()].some((n) => !lostBefore.has(n))) {
      const got = await controller.getAvailableMetrics({ rebuild });
      lost = lostNames(got);
      result.metrics = got.metrics;
      if (got.metrics) notCountedDrops(got.metrics, spec, notRebuilt(got));
    } else result.metrics = await controller.getMetrics();
    result.summary = result.metrics?.summary;
    const saturated = result.metrics && benchmarkSaturation(spec, result.metrics.snapshot, saturation);
    if (saturated) result.saturation = saturated;
    const scraped = await serverView;
    const server = scraped && rebaseRates(scraped, result.summary?.duration_s ?? 0);
    if (server && server.window.start_trigger === 'benchmark-start' && spec.warmup > 0)
      server.notes.push('no executor was seen leaving warmup while running: this window includes the warmup');
    if (server) result.server_metrics = server;
    const failures = statuses.flatMap((s) => {
      const why = (s.status as { error?: unknown }).error;
      return why ? [`${s.node}: ${String(why)}`] : [];
    });
    executorErrors.push(...failures);
    if (failures.length > 0) ctx.events.emit('warning', `benchmark ${plan.name}: ${failures.join('; ')}`);
    result.status = ctx.signal.aborted ? 'interrupted' : 'completed';
  } catch (err) {
    stopWarmupWatch();
    saturation?.stop();
    window?.cancel();
    result.status = ctx.signal.aborted ? 'interrupted' : 'failed';
    result.error = errorInfo(err);
    if (started) lost = await salvage(controller, spec, result, rebuild);
    if (!ctx.signal.aborted) failure = err;
  }
  result.ended_at = new Date().toISOString();
  if (result.metrics) await ctx.energy?.(result);
  const thresholds = judgeThresholds(result, plan.thresholds);
  if (thresholds) result.thresholds = thresholds;
  return { result, failure, executorErrors, lost };
}

type Lost = { lost: string[]; rebuilt: string[] };

/** Whether a lost executor (`NODE (why)`) had its measurements rebuilt from its records file. */
const wasRebuilt = (got: Lost, l: string) => got.rebuilt.some((n) => l.startsWith(`${n} (`));

/** The lost executors whose measurements could not be rebuilt: `NODE: lost (why), its records not rebuilt`. */
function notRebuilt(got: Lost): string[] {
  return got.lost
    .filter((l) => !wasRebuilt(got, l))
    .map((l) => `${l.replace(' (', ': lost (')}, its records not rebuilt`);
}

/** The lost executors with why, and which measurements were rebuilt from their records file. */
function lostNames(got: Lost): string[] {
  return got.lost.map((l) =>
    wasRebuilt(got, l) ? `${l}, its measurements rebuilt from its records file` : l,
  );
}

/**
 * Asks the executors' status just after their warmup should have ended (and a little later, then every
 * 250 ms until seen), so the server window starts close to the client's instead of up to a status poll later.
 */
function watchWarmupEnd(
  controller: BaseWorkloadController,
  warmup: number,
  onStatus: (s: ExecutorStatus[]) => void,
): () => void {
  const handle = { t: undefined as NodeJS.Timeout | undefined, stopped: false };
  let tries = 0;
  const check = (): void => {
    if (handle.stopped) return;
    void controller
      .getStatus()
      .then((s) => {
        onStatus(s);
        return leftWarmup(s, warmup);
      })
      .catch(() => false)
      .then((left) => {
        if (!left && !handle.stopped && ++tries < 20) handle.t = setTimeout(check, tries < 3 ? 20 : 250);
      });
  };
  handle.t = setTimeout(check, warmup * 1000 + 10);
  return () => {
    handle.stopped = true;
    clearTimeout(handle.t);
  };
}

/**
 * After a failure mid-benchmark: stop the executors and keep what those still answering measured, with
 * the measurements of those that do not answer rebuilt from their records files; returns the lost ones.
 */
async function salvage(
  controller: BaseWorkloadController,
  spec: WorkloadSpec,
  result: BenchmarkResult,
  rebuild: ReturnType<typeof recordsRebuilder>,
): Promise<string[]> {
  await controller.stopWorkload().catch(() => undefined);
  if (result.metrics) return [];
  try {
    const got = await controller.getAvailableMetrics({ rebuild });
    if (got.metrics) {
      notCountedDrops(got.metrics, spec, notRebuilt(got));
      result.metrics = got.metrics;
      result.summary = got.metrics.summary;
    }
    const lost = lostNames(got);
    if (lost.length)
      result.reason = `${result.error?.message ?? 'failed'}; executor(s) lost: ${lost.join('; ')}`;
    return lost;
  } catch {
    // nothing more to keep: the failure itself is recorded in result.error
    return [];
  }
}
