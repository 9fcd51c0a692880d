/** The seed's `GET /metrics` answer before any workload ran. */
import type { ExecutorMetrics } from '../contracts/index.js';

export function emptyExecutorMetrics(): ExecutorMetrics {
  return {
    requests_total: 0,
    errors_total: 0,
    latency: { avg: 0, p50: 0, p90: 0, p99: 0 },
    throughput_rps: 0,
    elapsed_seconds: 0,
  };
}
