/** The seed's `GET /metrics` figures (latencies in seconds, from the E2E histogram) plus the snapshot. */
import type { ExecutorMetrics, MetricsSnapshot } from '../contracts/index.js';
import { decodedStats, measuredSeconds } from './summarize.js';

export function toExecutorMetrics(snapshot: MetricsSnapshot, elapsedSeconds: number): ExecutorMetrics {
  const e2e = decodedStats(snapshot.histograms?.e2e);
  const s = (ms: number | undefined): number => (ms ?? 0) / 1000;
  const secs = measuredSeconds(snapshot);
  const c = snapshot.counters;
  return {
    requests_total: c.sent,
    errors_total: c.failed,
    latency: { avg: s(e2e?.mean), p50: s(e2e?.p50), p90: s(e2e?.p90), p99: s(e2e?.p99) },
    throughput_rps: secs > 0 ? c.ok / secs : elapsedSeconds > 0 ? c.ok / elapsedSeconds : 0,
    elapsed_seconds: elapsedSeconds,
    snapshot,
  };
}
