/** Hand-written summaries for tests of the pure report functions. */
import type { BenchmarkSummary, LatencyStats } from '../../src/metrics/types.js';

export function stats(p50: number, p99: number, count = 9): LatencyStats {
  return { count, mean: p50, min: p50 / 2, max: p99, std: 1, p50, p90: p99, p95: p99, p99, p999: p99 };
}

export function sampleSummary(name: string): BenchmarkSummary {
  return {
    benchmark: name,
    requests: { sent: 10, ok: 9, failed: 1, cancelled: 0 },
    errors_by_reason: { timeout: 1 },
    duration_s: 2,
    throughput: { requests_per_s: 5, output_tokens_per_s: 45, total_tokens_per_s: 95 },
    late_sends: 0,
    dropped_sends: 0,
    tokens: { prompt: 100, output: 90 },
    latency_ms: { ttft: stats(12.34, 40), itl: stats(2, 5), e2e: stats(100, 250) },
  };
}
