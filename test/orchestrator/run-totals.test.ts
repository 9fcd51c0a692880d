/**
 * Run totals of a suite: per node, requests/errors/elapsed summed over the benchmarks and latencies from
 * the exact merge of that node's snapshots (not the first benchmark's figures, not averaged percentiles).
 */
import { describe, expect, it } from 'vitest';
import { aggregate } from '../../src/controller/aggregate.js';
import { MetricsRecorder, toExecutorMetrics } from '../../src/metrics/index.js';
import { runTotals } from '../../src/orchestrator/run-totals.js';
import type { BenchmarkResult } from '../../src/report/types.js';
import { craft } from '../metrics/records.js';

/** An executor's /metrics answer for `n` requests of `e2eMs` each. */
function executor(n: number, e2eMs: number, seconds: number) {
  const rec = new MetricsRecorder({ benchmark: 'b' });
  for (let i = 0; i < n; i++) rec.add(craft({ sent: 1000 + i, end: 1000 + i + e2eMs }));
  const snapshot = rec.snapshot();
  return { ...toExecutorMetrics(snapshot, seconds), snapshot };
}

function benchmark(name: string, perNode: [string, number, number][]): BenchmarkResult {
  const metrics = aggregate(
    perNode.map(([node, n, ms]) => ({ node, metrics: executor(n, ms, 10) })),
    name,
  );
  return { name, status: 'completed', metrics, summary: metrics.summary } as BenchmarkResult;
}

describe('runTotals', () => {
  it("a suite's per-node rows cover every benchmark, latencies from the exact merge", () => {
    // n1: 100 fast requests in the first benchmark, 300 slow ones in the second
    const a = benchmark('a', [
      ['n1', 100, 10],
      ['n2', 100, 20],
    ]);
    const b = benchmark('b', [
      ['n1', 300, 1000],
      ['n2', 100, 20],
    ]);
    const t = runTotals([a, b]);
    const n1 = t.per_client.find((c) => c.node === 'n1')!;
    const n2 = t.per_client.find((c) => c.node === 'n2')!;
    expect(n1.requests).toBe(400);
    expect(n1.elapsed_seconds).toBe(20);
    expect(n1.throughput_rps).toBeCloseTo(20, 6);
    // 300 of 400 at 1 s: p50 and p90 are the slow ones; mean (100 x 10 ms + 300 x 1000 ms) / 400
    expect(n1.p50_latency).toBeCloseTo(1, 2);
    expect(n1.avg_latency).toBeCloseTo((100 * 0.01 + 300 * 1) / 400, 2);
    expect(n2.requests).toBe(200);
    expect(n2.p99_latency).toBeCloseTo(0.02, 3);
    // nothing per executor left in the rows
    for (const c of t.per_client) {
      expect(c).not.toHaveProperty('snapshot');
      expect(c).not.toHaveProperty('summary');
    }
    // run level: the union of all 600 requests (300 of them 20 ms or less)
    expect(t.total_requests).toBe(600);
    expect(t.p50_latency).toBeCloseTo(0.02, 3);
  });

  it("one benchmark: its aggregate as is, without the executors' snapshots", () => {
    const a = benchmark('a', [['n1', 50, 10]]);
    const t = runTotals([a]);
    expect(t.per_client[0].requests).toBe(50);
    expect(t.per_client[0]).not.toHaveProperty('snapshot');
  });
});
