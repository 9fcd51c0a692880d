/**
 * The run-level figures `Orchestrator.run()` resolves to (the seed's `throughput_rps` and the rest).
 * One benchmark: its aggregate as is. A suite: request and error counts summed, throughput over the sum
 * of the measurement windows, latencies from the exact merge of every benchmark's snapshot (never averaged
 * percentiles). per_client: one row per node, requests, errors and elapsed seconds summed over the suite, its latencies from the exact merge of that node's snapshots and
 * its throughput over its summed elapsed time.
 */

import type { MetricsSnapshot } from '../contracts/index.js';
import type { AggregatedMetrics, ClientMetrics } from '../controller/types.js';
import { mergeSnapshots, toExecutorMetrics } from '../metrics/index.js';
import type { BenchmarkResult } from '../report/types.js';

export type RunTotals = Omit<AggregatedMetrics, 'summary' | 'snapshot'> &
  Partial<Pick<AggregatedMetrics, 'summary'>>;

const EMPTY: RunTotals = {
  total_requests: 0,
  total_errors: 0,
  avg_latency: 0,
  p50_latency: 0,
  p90_latency: 0,
  p99_latency: 0,
  throughput_rps: 0,
  per_client: [],
};

export function runTotals(results: BenchmarkResult[]): RunTotals {
  const measured = results.filter((r) => r.metrics);
  if (measured.length === 0) return { ...EMPTY, per_client: [] };
  if (measured.length === 1) {
    const { snapshot: _s, per_client, ...single } = measured[0].metrics!;
    return { ...single, per_client: per_client.map(({ snapshot: _n, ...c }) => c) };
  }
  const totals: RunTotals = { ...EMPTY, per_client: [] };
  let seconds = 0;
  const perNode = new Map<string, { row: ClientMetrics; snaps: MetricsSnapshot[]; n: number }>();
  for (const r of measured) {
    const m = r.metrics!;
    totals.total_requests += m.total_requests;
    totals.total_errors += m.total_errors;
    seconds += r.summary?.duration_s ?? 0;
    for (const c of m.per_client) {
      const { summary: _s, snapshot, ...row } = c;
      const prev = perNode.get(c.node);
      const node = prev ?? { row: { ...row, requests: 0, errors: 0, elapsed_seconds: 0 }, snaps: [], n: 0 };
      node.row.requests += c.requests;
      node.row.errors += c.errors;
      node.row.elapsed_seconds += c.elapsed_seconds;
      node.n++;
      if (snapshot) node.snaps.push(snapshot);
      perNode.set(c.node, node);
    }
  }
  totals.throughput_rps = seconds > 0 ? totals.total_requests / seconds : 0;
  totals.per_client = [...perNode.values()].map(({ row, snaps, n }) => {
    row.throughput_rps = row.elapsed_seconds > 0 ? row.requests / row.elapsed_seconds : 0;
    const lat =
      snaps.length === n
        ? toExecutorMetrics(mergeSnapshots(snaps), row.elapsed_seconds).latency
        : { avg: 0, p50: 0, p90: 0, p99: 0 };
    return { ...row, avg_latency: lat.avg, p50_latency: lat.p50, p90_latency: lat.p90, p99_latency: lat.p99 };
  });
  const snaps = measured.flatMap((r) => (r.metrics?.snapshot ? [r.metrics.snapshot] : []));
  if (snaps.length === measured.length) {
    const lat = toExecutorMetrics(mergeSnapshots(snaps), seconds).latency;
    Object.assign(totals, {
      avg_latency: lat.avg,
      p50_latency: lat.p50,
      p90_latency: lat.p90,
      p99_latency: lat.p99,
    });
  }
  return totals;
}
