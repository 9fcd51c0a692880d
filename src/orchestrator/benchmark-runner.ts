/**
 * One benchmark: start the workload on every executor (E004), wait on their state (polling GET /status,
 * never a blind sleep; E007 when they outlive warmup + duration + timeout), stop them, collect and merge
 * their metrics (E005). An abort stops the workload early and still collects what was measured.
 */
import type { BaseWorkloadController } from '../controller/base-workload-controller.js';
import type { ExecutorStatus } from '../controller/types.js';
import { isHpcBenchError } from '../errors.js';
import type { WorkloadSpec } from '../loadgen/spec.js';
import type { BenchmarkResult } from '../report/types.js';
import type { OrchestratorEmitter } from './events.js';
import type { BenchmarkPlanLike } from './run-plan.js';

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
  const phases = new Set<string>();
  for (const { status } of statuses) {
    elapsed = Math.max(elapsed, status.elapsed_seconds);
    ok += status.requests_ok ?? 0;
    failed += status.requests_failed ?? 0;
    if (status.running) running++;
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
  });
}

/**
 * Runs one benchmark. Resolves with its result; `failure` is set when it failed for a reason other than
 * the run's abort signal (the orchestrator then ends the run with that error).
 */
export async function runBenchmark(
  plan: BenchmarkPlanLike,
  ctx: BenchmarkRunContext,
): Promise<{ result: BenchmarkResult; failure?: unknown }> {
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
  });
  let started = false;
  let failure: unknown;
  try {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    await controller.startWorkload(spec as WorkloadSpec & Record<string, unknown>);
    started = true;
    const statuses = await controller.waitForCompletion({
      timeout: spec.warmup + spec.duration + ctx.timeout,
      signal: ctx.signal,
      onStatus: (s) => progress(ctx, plan.name, s),
    });
    await controller.stopWorkload();
    result.metrics = await controller.getMetrics();
    result.summary = result.metrics.summary;
    const failures = statuses.flatMap((s) => {
      const why = (s.status as { error?: unknown }).error;
      return why ? [`${s.node}: ${String(why)}`] : [];
    });
    if (failures.length > 0) ctx.events.emit('warning', `benchmark ${plan.name}: ${failures.join('; ')}`);
    result.status = ctx.signal.aborted ? 'interrupted' : 'completed';
  } catch (err) {
    result.status = ctx.signal.aborted ? 'interrupted' : 'failed';
    result.error = errorInfo(err);
    if (started) await salvage(controller, result);
    if (!ctx.signal.aborted) failure = err;
  }
  result.ended_at = new Date().toISOString();
  return { result, failure };
}

/** After a failure mid-benchmark: stop the executors and keep whatever metrics they still give. */
async function salvage(controller: BaseWorkloadController, result: BenchmarkResult): Promise<void> {
  await controller.stopWorkload().catch(() => undefined);
  if (result.metrics) return;
  try {
    result.metrics = await controller.getMetrics();
    result.summary = result.metrics.summary;
  } catch {
    // nothing more to keep: the failure itself is recorded in result.error
  }
}
