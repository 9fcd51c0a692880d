import { describe, expect, it } from 'vitest';
import { deriveMetrics, meetsSlo } from '../../src/metrics/derive.js';
import { decodeHistogram } from '../../src/metrics/histogram.js';
import { MetricsRecorder } from '../../src/metrics/recorder.js';
import { summarize } from '../../src/metrics/summarize.js';
import { craft } from './records.js';

const T = 1_700_000_000_000;

describe('metric definitions on crafted records', () => {
  it('TTFT, E2E, TPOT, schedule lag and latency from scheduled', () => {
    const r = craft({
      scheduled: T - 5,
      sent: T,
      chunks: [T + 100, T + 120, T + 150, T + 190],
      end: T + 195,
      output: 4,
    });
    const m = deriveMetrics(r);
    expect(m.ttft).toBe(100);
    expect(m.e2e).toBe(190); // last content chunk, not the end of the response
    expect(m.tpot).toBeCloseTo(30, 12); // (190 - 100) / (4 - 1)
    expect(m.schedule_lag).toBe(5);
    expect(m.ttft_from_scheduled).toBe(105);
    expect(m.e2e_from_scheduled).toBe(195);
  });

  it('TPOT only when output_tokens > 1; non-streaming has E2E only', () => {
    expect(deriveMetrics(craft({ sent: T, chunks: [T + 10], output: 1 })).tpot).toBeUndefined();
    const ns = deriveMetrics(craft({ sent: T, end: T + 300, output: 50 }));
    expect(ns).toMatchObject({ e2e: 300, ttft: undefined, tpot: undefined });
    // server-reported counts drive TPOT: 2 chunks but 11 tokens
    expect(deriveMetrics(craft({ sent: T, chunks: [T + 10, T + 110], output: 11 })).tpot).toBe(10);
  });

  it('goodput: every given SLO must hold', () => {
    const m = deriveMetrics(craft({ sent: T, chunks: [T + 100, T + 200, T + 300], output: 3 }));
    expect(meetsSlo(m, undefined)).toBe(true);
    expect(meetsSlo(m, { ttft_ms: 100, tpot_ms: 100, e2e_ms: 300 })).toBe(true);
    expect(meetsSlo(m, { ttft_ms: 99 })).toBe(false);
    expect(meetsSlo(m, { tpot_ms: 99.9 })).toBe(false);
    expect(meetsSlo(m, { e2e_ms: 299 })).toBe(false);
    const ns = deriveMetrics(craft({ sent: T, end: T + 500 }));
    expect(meetsSlo(ns, { ttft_ms: 400 })).toBe(false); // non-streaming: first token arrives with the whole answer
  });

  it('recorder: ITL is every gap between content chunks; failures counted by reason, not timed', () => {
    const rec = new MetricsRecorder({ benchmark: 'b', slo: { ttft_ms: 50 } });
    rec.windowStart = T;
    rec.add(craft({ sent: T, chunks: [T + 40, T + 50, T + 70, T + 100], output: 4 }));
    rec.add(craft({ sent: T + 1, chunks: [T + 61, T + 66], output: 2 }));
    rec.add(craft({ sent: T + 2, end: T + 9, status: 'error', error: 'http_503' }));
    rec.add(craft({ sent: T + 3, end: T + 9, status: 'error', error: 'http_503' }));
    rec.add(craft({ sent: T + 4, end: T + 9, status: 'error', error: 'timeout' }));
    rec.add(craft({ sent: T + 5, end: T + 200, status: 'cancelled' }));
    const s = rec.snapshot();
    expect(s.counters).toMatchObject({ sent: 6, ok: 2, failed: 3, cancelled: 1, good: 1, output_tokens: 6 });
    expect(s.counters.sent).toBe(s.counters.ok + s.counters.failed + s.counters.cancelled);
    expect(s.errors_by_reason).toEqual({ http_503: 2, timeout: 1 });
    const itl = decodeHistogram(s.histograms.itl!);
    expect(itl.totalCount).toBe(4);
    expect(itl.minNonZeroValue).toBe(5000);
    expect(itl.maxValue).toBeGreaterThanOrEqual(29_990);
    const e2e = decodeHistogram(s.histograms.e2e!);
    expect(e2e.totalCount).toBe(2); // failures excluded from latency
    expect(s.histograms.ttft_from_scheduled).toBeUndefined(); // closed loop
    expect(s.window_end).toBe(T + 200);
    const sum = summarize(s, 'b');
    expect(sum.duration_s).toBeCloseTo(0.2, 9);
    expect(sum.throughput.requests_per_s).toBeCloseTo(10, 9);
    expect(sum.throughput.output_tokens_per_s).toBeCloseTo(30, 9);
    expect(sum.throughput.total_tokens_per_s).toBeCloseTo((6 + 20) / 0.2, 9);
    expect(sum.throughput.goodput_rps).toBeCloseTo(5, 9);
    expect(sum.latency_ms.ttft).toMatchObject({ count: 2, min: 40 });
    expect(Math.abs(sum.latency_ms.ttft!.max - 60) / 60).toBeLessThan(0.001); // within the 3-digit precision
    expect(sum.latency_ms.e2e?.p50).toBeCloseTo(65, 1);
    expect(sum.latency_ms.tpot?.mean).toBeCloseTo(12.5, 1); // ((100-40)/3 + (66-61)/1) / 2
  });

  it('windows: aligned to multiples of window_seconds since the epoch, by completion time', () => {
    const rec = new MetricsRecorder({ windowSeconds: 1, openLoop: true, requestedRps: 5 });
    const W = Math.floor(T / 1000) * 1000;
    rec.add(craft({ sent: W + 100, chunks: [W + 200, W + 300], output: 2 }));
    // late (sent 20 ms after its schedule): counted in its completion window
    rec.add(craft({ scheduled: W + 880, sent: W + 900, chunks: [W + 950, W + 1200], output: 2 }));
    rec.add(craft({ sent: W + 2500, chunks: [W + 2600], output: 1 }));
    const s = rec.snapshot();
    expect(s.windows.map((w) => [w.start - W, w.counters.ok, w.counters.late_sends])).toEqual([
      [0, 1, 0],
      [1000, 1, 1],
      [2000, 1, 0],
    ]);
    expect(decodeHistogram(s.windows[1].histograms.ttft!).totalCount).toBe(1);
    expect(decodeHistogram(s.histograms.e2e_from_scheduled!).totalCount).toBe(3);
    expect(s.counters.late_sends).toBe(1);
  });
});
