/** A capacity search's probe verdicts (src/orchestrator/search-runner.ts): SLO, over-saturation, the gate. */
import { describe, expect, it } from 'vitest';
import type { SearchSettings } from '../../src/decide/search.js';
import type { BenchmarkSummary } from '../../src/metrics/types.js';
import { judgeProbe } from '../../src/orchestrator/search-runner.js';
import type { BenchmarkResult } from '../../src/report/types.js';

const s: SearchSettings = {
  field: 'target_rps',
  start: 1,
  min: 0.1,
  max: 100,
  growth: 2,
  precision: 0.05,
  slo: ['e2e.p99 < 600ms', 'error_rate < 1%'],
  max_probes: 20,
};

function result(e2eP99: number, extra: Partial<BenchmarkResult> = {}): BenchmarkResult {
  const stats = { count: 50, mean: 1, min: 1, max: 1, std: 0, p50: 1, p90: 1, p95: 1, p99: e2eP99, p999: 1 };
  const summary = {
    requests: { sent: 50, ok: 50, failed: 0, cancelled: 0 },
    latency_ms: { e2e: stats },
  } as unknown as BenchmarkSummary;
  return { name: 'search_target_rps=20', status: 'completed', summary, ...extra };
}

const saturation = {
  saturated: true,
  reasons: ['TTFT rose 900 ms over 6 windows'],
  windows: 6,
  window_seconds: 1,
  rejected: { count: 0, share: 0, over: false },
  stopped_early: { at_s: 6, planned_s: 60 },
} as unknown as BenchmarkResult['saturation'];

describe('a probe’s verdict', () => {
  it('passes when every SLO condition holds, with the conditions kept as the result’s probe', () => {
    const r = result(450);
    expect(judgeProbe(r, s, 20)).toEqual({ benchmark: r.name, value: 20, verdict: 'pass', why: [] });
    expect(r.probe?.slo.map((c) => [c.condition, c.pass])).toEqual([
      ['e2e.p99 < 600ms', true],
      ['error_rate < 1%', true],
    ]);
  });

  it('fails on a condition, naming the figure and its value', () => {
    expect(judgeProbe(result(812), s, 20).why).toEqual(['e2e.p99 = 812.0ms (e2e.p99 < 600ms)']);
  });

  it('an over-saturated probe (stopped early) fails even when its figures met the SLO', () => {
    const p = judgeProbe(result(450, { saturation }), s, 20);
    expect(p.verdict).toBe('fail');
    expect(p.why[0]).toMatch(
      /^over-saturated: TTFT rose 900 ms over 6 windows; stopped early at 6 s of 60 s/,
    );
  });

  it('a probe whose generator fell behind is invalid, not a server result', () => {
    const gate = {
      valid: false,
      label: 'invalid (load generator)',
      reasons: ['schedule lag p99 812.0 ms above max_schedule_lag 50 ms'],
    } as BenchmarkResult['load_generator'];
    expect(judgeProbe(result(9000, { load_generator: gate, saturation }), s, 20)).toMatchObject({
      verdict: 'invalid',
      why: ['schedule lag p99 812.0 ms above max_schedule_lag 50 ms'],
    });
  });
});
