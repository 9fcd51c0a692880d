/** The controller's public shapes: the seed's aggregated metrics, plus exact summaries. */
import type { MetricsSnapshot, StatusResponse, Wait } from '../contracts/index.js';
import type { BenchmarkSummary } from '../metrics/types.js';

/** One executor as the controller addresses it. */
export interface ExecutorTarget {
  node: string;
  /** Base URL, e.g. `http://node003:5000`. */
  url: string;
}

/** The seed's per-client entry: node, requests and the executor's own GET /metrics figures. */
export interface ClientMetrics {
  node: string;
  requests: number;
  errors: number;
  avg_latency: number;
  p50_latency: number;
  p90_latency: number;
  p99_latency: number;
  throughput_rps: number;
  elapsed_seconds: number;
  summary?: BenchmarkSummary;
  /** This executor's own snapshot (kept in memory for run totals; not written to metrics.json). */
  snapshot?: MetricsSnapshot;
}

/** `getMetrics()`: the seed's shape (latencies in seconds) computed from the exact merge of snapshots. */
export interface AggregatedMetrics {
  total_requests: number;
  total_errors: number;
  avg_latency: number;
  p50_latency: number;
  p90_latency: number;
  p99_latency: number;
  throughput_rps: number;
  per_client: ClientMetrics[];
  /** Full summary (TTFT, ITL, TPOT, tokens/s, goodput...) of the merged snapshot. */
  summary: BenchmarkSummary;
  /** The merged snapshot itself, for results files. */
  snapshot: MetricsSnapshot;
}

export interface ExecutorStatus extends ExecutorTarget {
  status: StatusResponse;
}

export interface WorkloadControllerOptions {
  /** The run's bearer token, sent on POST requests. */
  token?: string;
  /** Explicit `host:port` or URL per executor (same order as clientNodes), when ports differ. */
  endpoints?: string[];
  /** Seconds between /status polls in waitForCompletion and between health retries (default 1). */
  pollInterval?: number;
  /** Seconds verifyClientHealth keeps retrying (default min(timeout, 30)). */
  healthTimeout?: number;
  /** Called after every health round that left executors unanswered: what is awaited, last errors, elapsed. */
  onWait?: (wait: Wait) => void;
  /** Seconds for one control request (default min(timeout, 30)). */
  requestTimeout?: number;
  /**
   * Calls to executors in flight at once (default DEFAULT_FAN_OUT, 64): bounds the controller's sockets
   * and memory with many executors; a round of calls to unanswering executors takes
   * ceil(n / fanOut) × requestTimeout.
   */
  fanOut?: number;
}
