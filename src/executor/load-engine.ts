/**
 * What the executor needs from the load generator and the metrics code. The executor owns this seam:
 * `defaultLoadEngine` wires the real `startLoad` / metrics functions; tests may inject another.
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

export interface LoadEngine {
  startLoad(spec: WorkloadSpec, opts: Omit<LoadOptions, 'onRecord'>): LoadRunLike;
  toExecutorMetrics(snapshot: MetricsSnapshot, elapsedSeconds: number): ExecutorMetrics;
  renderPrometheus(service: string, snapshot: MetricsSnapshot): string;
}
