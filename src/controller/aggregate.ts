/**
 * Aggregation across executors: snapshots are merged exactly (histograms added, counters summed) and the
 * seed's figures are derived from the merged snapshot, never from averaged percentiles.
 */

import type { ExecutorMetrics, MetricsSnapshot } from '../contracts/index.js';
import { MetricsCollectionError } from '../errors.js';
import { mergeSnapshots, summarize, toExecutorMetrics } from '../metrics/index.js';
import type { AggregatedMetrics, ClientMetrics } from './types.js';

export function aggregate(
  per: { node: string; metrics: ExecutorMetrics }[],
  benchmark: string,
): AggregatedMetrics {
  const snaps: MetricsSnapshot[] = [];
  const perClient: ClientMetrics[] = per.map(({ node, metrics: m }) => {
    if (!m.snapshot) {
      throw new MetricsCollectionError(
        `executor ${node}: GET /metrics has no snapshot, so its metrics cannot be merged`,
      );
    }
    const snap = { ...m.snapshot, source: m.snapshot.source ?? node };
    snaps.push(snap);
    return {
      node,
      requests: m.requests_total,
      errors: m.errors_total,
      avg_latency: m.latency.avg,
      p50_latency: m.latency.p50,
      p90_latency: m.latency.p90,
      p99_latency: m.latency.p99,
      throughput_rps: m.throughput_rps,
      elapsed_seconds: m.elapsed_seconds,
      summary: summarize(snap, benchmark),
      snapshot: snap,
    };
  });
  const merged = mergeSnapshots(snaps);
  const elapsed = Math.max(0, ...per.map((p) => p.metrics.elapsed_seconds));
  const total = toExecutorMetrics(merged, elapsed);
  return {
    total_requests: total.requests_total,
    total_errors: total.errors_total,
    avg_latency: total.latency.avg,
    p50_latency: total.latency.p50,
    p90_latency: total.latency.p90,
    p99_latency: total.latency.p99,
    throughput_rps: total.throughput_rps,
    per_client: perClient,
    summary: summarize(merged, benchmark),
    snapshot: merged,
  };
}
