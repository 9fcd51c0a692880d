import { describe, expect, it } from 'vitest';
import type { MetricsSnapshot } from '../../src/contracts/index.js';
import { mergeSnapshots } from '../../src/metrics/merge.js';
import { MetricsRecorder } from '../../src/metrics/recorder.js';
import { summarize } from '../../src/metrics/summarize.js';
import type { LatencyStats } from '../../src/metrics/types.js';
import { mulberry32 } from '../../src/util/rng.js';
import { craft } from './records.js';

const T = 1_700_000_000_000;

/** Exact percentile of raw values, the way HdrHistogram defines it (smallest value covering p%). */
function exact(sorted: number[], p: number): number {
  const idx = Math.max(0, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[idx];
}

describe('exact merge across executors', () => {
  it('merged percentiles equal those over the union of raw values within 1% (4 executors, different shapes)', () => {
    const rng = mulberry32(42);
    const shapes: (() => number)[] = [
      () => 5 + rng() * 20, // uniform 5..25 ms
      () => 50 * Math.exp(0.8 * Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng())), // lognormal
      () => -Math.log(1 - rng()) * 200, // exponential, long tail
      () => (rng() < 0.9 ? 2 + rng() : 2000 + rng() * 3000), // bimodal with 10% slow outliers
    ];
    const raw: number[] = [];
    const rawTtft: number[] = [];
    const snaps: MetricsSnapshot[] = shapes.map((draw, i) => {
      const rec = new MetricsRecorder({ source: `n${i}`, windowSeconds: 1 });
      rec.windowStart = T;
      for (let k = 0; k < 5000 + i * 1000; k++) {
        const e2e = draw();
        const ttft = e2e / 4;
        const sent = T + k;
        raw.push(e2e);
        rawTtft.push(ttft);
        rec.add(craft({ sent, chunks: [sent + ttft, sent + e2e], output: 2 }));
      }
      return rec.snapshot();
    });
    const merged = mergeSnapshots(snaps);
    const sum = summarize(merged, 'b');
    raw.sort((a, b) => a - b);
    rawTtft.sort((a, b) => a - b);
    const check = (st: LatencyStats | undefined, values: number[]) => {
      expect(st?.count).toBe(values.length);
      for (const [p, key] of [
        [50, 'p50'],
        [90, 'p90'],
        [95, 'p95'],
        [99, 'p99'],
        [99.9, 'p999'],
      ] as const) {
        const want = exact(values, p);
        expect(Math.abs(st![key] - want) / want).toBeLessThan(0.01);
      }
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      expect(Math.abs(st!.mean - mean) / mean).toBeLessThan(0.01);
      // std: the population standard deviation of the union (what HdrHistogram reports), not an average
      const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
      expect(Math.abs(st!.std - std) / std).toBeLessThan(0.01);
      expect(Math.abs(st!.max - values[values.length - 1]) / values[values.length - 1]).toBeLessThan(0.01);
      // 1 µs is the smallest unit recorded
      expect(Math.abs(st!.min - values[0])).toBeLessThan(0.001 + values[0] * 0.01);
    };
    check(sum.latency_ms.e2e, raw);
    check(sum.latency_ms.ttft, rawTtft);
    // averaging per-executor p99s would be far off: the merge is not an average
    const avgP99 = snaps.map((s) => summarize(s, 'b').latency_ms.e2e!.p99).reduce((a, b) => a + b, 0) / 4;
    expect(Math.abs(avgP99 - exact(raw, 99)) / exact(raw, 99)).toBeGreaterThan(0.1);
    // nor is the std the average of the executors' stds (the union also spreads between their means)
    const avgStd = snaps.map((s) => summarize(s, 'b').latency_ms.e2e!.std).reduce((a, b) => a + b, 0) / 4;
    expect(Math.abs(avgStd - sum.latency_ms.e2e!.std) / sum.latency_ms.e2e!.std).toBeGreaterThan(0.1);
    expect(merged.counters.ok).toBe(raw.length);
    expect(merged.source).toBe('n0,n1,n2,n3');
  });

  it('counters, reasons, windows, rates and server figures add up', () => {
    const mk = (i: number, rps: number) => {
      const rec = new MetricsRecorder({
        windowSeconds: 1,
        openLoop: true,
        requestedRps: rps,
        source: `e${i}`,
      });
      rec.windowStart = T + i * 100;
      const r = craft({ sent: T + 500, chunks: [T + 600 + i, T + 1500 + i], output: 2 });
      r.output_tokens_server = 2;
      r.tokens_source = 'server';
      r.server_figures = { eval_count: 2, eval_duration_ns: 1e9 };
      rec.add(r);
      rec.add(craft({ sent: T + 10, end: T + 20, status: 'error', error: i ? 'timeout' : 'http_500' }));
      rec.dropped(T + 1600, i + 1);
      const s = rec.snapshot();
      s.last_send = T + 900 + i;
      return s;
    };
    const m = mergeSnapshots([mk(0, 10), mk(1, 20), mk(2, 30)]);
    expect(m.counters).toMatchObject({ sent: 6, ok: 3, failed: 3, dropped_sends: 6, output_tokens: 6 });
    expect(m.errors_by_reason).toEqual({ http_500: 1, timeout: 2 });
    expect(m.requested_rps).toBe(60);
    expect(m.window_start).toBe(T);
    expect(m.last_send).toBe(T + 902);
    expect(m.windows.map((w) => w.counters.sent).reduce((a, b) => a + b, 0)).toBe(6);
    expect(m.windows.map((w) => w.start)).toEqual([...m.windows.map((w) => w.start)].sort((a, b) => a - b));
    expect(m.server_reported).toMatchObject({
      ollama_eval_count: 6,
      ollama_eval_duration_ns: 3e9,
      requests_with_server_tokens: 3,
    });
    const s = summarize(m, 'b');
    expect(s.requested_rps).toBe(60);
    expect(s.achieved_rps).toBeCloseTo(6 / 0.902, 6);
    expect(s.server_reported?.ollama_eval_tokens_per_s).toBeCloseTo(2, 9);
    expect(mergeSnapshots([]).counters.sent).toBe(0);
  });

  it('every server_reported key: summed over ok requests by the recorder, added by the merge, rates derived', () => {
    // per executor: an Ollama request with both counts, one with a cached prompt (no prompt_eval_count),
    // an OpenAI-style request with `usage`, one with client estimates only, and a failure (left out)
    const mk = (i: number) => {
      const rec = new MetricsRecorder({ source: `e${i}` });
      rec.windowStart = T;
      const both = craft({ sent: T, chunks: [T + 10, T + 20], output: 4, prompt: 9 });
      Object.assign(both, {
        prompt_tokens_server: 10,
        output_tokens_server: 5,
        prompt_tokens: 10,
        output_tokens: 5,
        tokens_source: 'server',
        server_figures: {
          prompt_eval_count: 10,
          eval_count: 5,
          total_duration_ns: 300e6,
          load_duration_ns: 50e6,
          prompt_eval_duration_ns: 20e6,
          eval_duration_ns: 200e6,
        },
      });
      rec.add(both);
      const cached = craft({ sent: T, chunks: [T + 10, T + 20], output: 3, prompt: 7 });
      Object.assign(cached, {
        output_tokens_server: 3,
        output_tokens: 3,
        tokens_source: 'mixed',
        server_figures: {
          eval_count: 3,
          total_duration_ns: 100e6,
          load_duration_ns: 0,
          // Ollama omits a zero prompt_eval_count and prompt_eval_duration alike
          eval_duration_ns: 100e6,
        },
      });
      rec.add(cached);
      const usage = craft({ sent: T, chunks: [T + 10, T + 20], output: 6, prompt: 8 });
      Object.assign(usage, {
        prompt_tokens_server: 8,
        output_tokens_server: 6,
        prompt_tokens: 8,
        output_tokens: 6,
        tokens_source: 'server',
      });
      rec.add(usage);
      rec.add(craft({ sent: T, chunks: [T + 10], output: 2, prompt: 5 }));
      const failed = craft({ sent: T, end: T + 5, status: 'error', error: 'http_500', prompt: 100 });
      Object.assign(failed, { prompt_tokens_server: 100, tokens_source: 'mixed' });
      failed.server_figures = { eval_count: 100, eval_duration_ns: 1 };
      rec.add(failed);
      return rec.snapshot();
    };
    const one = {
      requests_with_server_tokens: 2,
      requests_with_mixed_tokens: 1,
      requests_with_client_tokens: 1,
      server_prompt_tokens: 18,
      server_output_tokens: 14,
      client_prompt_tokens: 9 + 7 + 8 + 5,
      client_output_tokens: 4 + 3 + 6 + 2,
      ollama_requests: 2,
      ollama_prompt_eval_count: 10,
      ollama_eval_count: 8,
      ollama_total_duration_ns: 400e6,
      ollama_load_duration_ns: 50e6,
      ollama_prompt_eval_duration_ns: 20e6,
      ollama_eval_duration_ns: 300e6,
    };
    const snaps = [mk(0), mk(1), mk(2)];
    expect(snaps[0].server_reported).toEqual(one);
    const merged = mergeSnapshots(snaps);
    const three = Object.fromEntries(Object.entries(one).map(([k, v]) => [k, 3 * v]));
    expect(merged.server_reported).toEqual(three);
    expect(summarize(merged, 'b').server_reported).toEqual({
      ...three,
      // Σ eval_count / Σ eval_duration: 24 / 0.9 s; Σ prompt_eval_count / Σ prompt_eval_duration: 30 / 0.06 s
      ollama_eval_tokens_per_s: 24 / 0.9,
      ollama_prompt_eval_tokens_per_s: 30 / 0.06,
    });
  });
});
