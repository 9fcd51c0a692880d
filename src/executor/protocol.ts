/**
 * The executor's REST API, typed once and shared by the executor (server side) and the controller
 * (client side). Shapes follow the seed's API reference; extensions are additional fields.
 */
import type { WorkloadSpec } from '../loadgen/spec.js';
import type { MetricsSnapshot } from '../metrics/types.js';

/** GET /health (no auth). */
export interface HealthResponse {
  service: string;
  status: 'ok';
  node?: string;
  version?: string;
  running?: boolean;
}

/** POST /start body. */
export type StartRequest = WorkloadSpec;

/** POST /start response. `threads` is the number of client loops started. */
export interface StartResponse {
  status: 'started';
  threads: number;
}

/** GET /status. */
export interface StatusResponse {
  running: boolean;
  elapsed_seconds: number;
  threads_active: number;
  benchmark?: string;
  phase?: 'idle' | 'warmup' | 'measuring' | 'draining' | 'done';
  requests_sent?: number;
  requests_ok?: number;
  requests_failed?: number;
  /** TTFT p50 (ms) of this executor's measured requests so far, for live progress (absent before any). */
  ttft_p50_ms?: number;
  /** Why the last workload ended abnormally (load generator error), if it did. */
  error?: string;
}

/** GET /metrics: the seed's fields plus `snapshot`, the mergeable detail (histograms, counters, windows). */
export interface ExecutorMetrics {
  requests_total: number;
  errors_total: number;
  latency: { avg: number; p50: number; p90: number; p99: number };
  throughput_rps: number;
  elapsed_seconds: number;
  snapshot?: MetricsSnapshot;
}

/** POST /stop response. */
export interface StopResponse {
  status: 'stopped';
  final_metrics: ExecutorMetrics;
}

/** Error body for 400/401/404/409/500. */
export interface ErrorResponse {
  error: string;
  code?: string;
}

export const AUTH_HEADER = 'authorization';
/** Environment variable through which launchers hand the run's bearer token to executors. */
export const TOKEN_ENV = 'HPCBENCH_TOKEN';
export const MAX_BODY_BYTES = 1024 * 1024;
