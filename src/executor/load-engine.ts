/**
 * What the executor needs from the load generator and the metrics code. The executor owns this seam:
 * `defaultLoadEngine` wires the real `prepareLoad` / metrics functions; tests may inject another.
 */
import type { ExecutorMetrics, MetricsSnapshot, StatusResponse, WorkloadSpec } from '../contracts/index.js';
import type { LoadOptions } from '../loadgen/index.js';

export interface LoadRunLike {
  /** Number of client loops started. */
  threads: number;
  /** Epoch ms the measurement begins (after warmup), when the engine knows it. */
  windowStart?: number;
  status(): Partial<StatusResponse>;
  snapshot(): MetricsSnapshot;
  stop(): Promise<MetricsSnapshot>;
  done: Promise<MetricsSnapshot>;
}

/** A workload prepared to run, its clock not started (the load generator's `PreparedLoad`). */
export interface PreparedLoadLike {
  threads: number;
  /** Milliseconds preparing took, when the engine measures it. */
  prepareMs?: number;
  /** Starts the run; a scheduled load's clock on `startAt` (epoch ms); `by`: who gave it. */
  start(startAt?: number, by?: 'start' | 'release'): LoadRunLike;
  /** Closes what preparing opened when the run will not start. */
  discard(): Promise<void>;
}

export interface LoadEngine {
  /** Prepares a workload (configuration problems throw); the executor starts it at once or on release. */
  prepareLoad(spec: WorkloadSpec, opts: Omit<LoadOptions, 'onRecord'>): PreparedLoadLike;
  toExecutorMetrics(snapshot: MetricsSnapshot, elapsedSeconds: number): ExecutorMetrics;
  renderPrometheus(service: string, snapshot: MetricsSnapshot): string;
}
