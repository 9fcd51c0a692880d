/** The validity gate on the load generator (src/decide/generator-gate.ts) over merged summaries. */
import { describe, expect, it } from 'vitest';
import { generatorCheck, generatorNote, INVALID_LABEL } from '../../src/decide/generator-gate.js';
import type { BenchmarkSummary, LatencyStats } from '../../src/metrics/types.js';

const stats = (p99: number): LatencyStats => ({
  count: 100,
  mean: p99 / 2,
  min: 0,
  max: p99,
  std: 1,
  p50: p99 / 2,
  p90: p99,
  p95: p99,
  p99,
  p999: p99,
});

function summary(
  o: { sent?: number; dropped?: number | null; lagP99?: number; elu?: number; open?: boolean } = {},
) {
  const sent = o.sent ?? 1000;
  const s: BenchmarkSummary = {
    benchmark: 'b',
    requests: { sent, ok: sent, failed: 0, cancelled: 0 },
    errors_by_reason: {},
    duration_s: 10,
    throughput: { requests_per_s: sent / 10, output_tokens_per_s: 0, total_tokens_per_s: 0 },
    late_sends: 0,
    dropped_sends: o.dropped === undefined ? 0 : o.dropped,
    tokens: { prompt: 0, output: 0 },
    latency_ms: { schedule_lag: stats(o.lagP99 ?? 1.2) },
    executor_load: { cpu_cores: 0.3, event_loop_utilization: o.elu ?? 0.2 },
  };
  if (o.open !== false) {
    s.requested_rps = 100;
    s.achieved_rps = sent / 10;
  }
  return s;
}

describe('load generator validity gate', () => {
  it('dropped_sends not counted (null): the sent share is not judged, never taken as none dropped', () => {
    // 500 of the 1000 due sent would be invalid; unknown, it is labelled as not judged
    const check = generatorCheck(summary({ sent: 500, dropped: null }));
    expect(check).toMatchObject({
      valid: true,
      sent_share: null,
      label: 'valid (sent share not judged: the unsent arrivals were not counted)',
      reasons: [],
    });
    expect(generatorCheck(summary({ sent: 500, dropped: 500 }))?.valid).toBe(false);
  });

  it('a benchmark on schedule is valid, with the figures it was judged by', () => {
    const c = generatorCheck(summary());
    expect(c).toMatchObject({
      valid: true,
      label: 'valid',
      reasons: [],
      sent_share: 1,
      achieved_rate_ratio: 1,
      schedule_lag_p99_ms: 1.2,
      max_schedule_lag_ms: 50,
      executor_load: { cpu_cores: 0.3, event_loop_utilization: 0.2 },
    });
    expect(generatorNote(c)).toBeUndefined();
  });

  it('closed loop has no schedule: no verdict', () => {
    expect(generatorCheck(summary({ open: false }))).toBeUndefined();
  });

  it('unsent scheduled arrivals above 1% make it invalid, naming achieved against requested', () => {
    const c = generatorCheck(summary({ sent: 900, dropped: 100 }));
    expect(c?.valid).toBe(false);
    expect(c?.label).toBe(INVALID_LABEL);
    expect(c?.reasons[0]).toMatch(
      /sent 900 of 1000 scheduled sends \(90\.0%, below 99\.0%\): achieved 90\.00\/s of 100\.00\/s/,
    );
    expect(generatorNote(c)).toMatch(/^invalid \(load generator\): sent 900/);
    expect(generatorCheck(summary({ sent: 995, dropped: 5 }))?.valid).toBe(true);
  });

  it('schedule lag p99 above max_schedule_lag (default 50 ms, or the recipe’s) makes it invalid', () => {
    expect(generatorCheck(summary({ lagP99: 80 }))?.reasons).toEqual([
      'schedule lag p99 80.0 ms above max_schedule_lag 50 ms',
    ]);
    expect(generatorCheck(summary({ lagP99: 80 }), { maxScheduleLagMs: 100 })?.valid).toBe(true);
    expect(generatorCheck(summary({ lagP99: 8 }), { maxScheduleLagMs: 5 })?.valid).toBe(false);
  });

  it('an executor whose event loop was busy above 90% of the time makes it invalid', () => {
    const c = generatorCheck(summary({ elu: 0.97 }));
    expect(c?.reasons[0]).toMatch(/event loop was busy 97\.0% of the time \(above 90\.0%; 0\.30 CPU cores\)/);
  });

  it('with max_concurrency, waits for a free slot are the server’s: only the event loop is judged', () => {
    expect(generatorCheck(summary({ sent: 500, dropped: 500, lagP99: 900 }), { capped: true })).toMatchObject(
      {
        valid: true,
        capped: true,
      },
    );
    expect(generatorCheck(summary({ elu: 0.99 }), { capped: true })?.valid).toBe(false);
  });

  it('a sent share not judged (unsent arrivals not counted) is labelled so, still valid; invalid stays invalid', () => {
    const why = 'the unsent arrivals could not be counted for x: no records file';
    const c = generatorCheck(summary({ sent: 500, dropped: 0 }), { sendsUnknown: why });
    expect(c).toMatchObject({
      valid: true,
      label: `valid (sent share not judged: ${why})`,
      sent_share: null,
      reasons: [],
    });
    expect(generatorNote(c)).toBeUndefined();
    expect(generatorCheck(summary({ lagP99: 80 }), { sendsUnknown: why })).toMatchObject({
      valid: false,
      label: INVALID_LABEL,
      sent_share: null,
    });
    // with max_concurrency the sent share is no criterion: nothing left out
    expect(generatorCheck(summary(), { sendsUnknown: why, capped: true })?.label).toBe('valid');
  });
});
