/**
 * The server-side window math on crafted Prometheus text: counter deltas over label sets, a counter reset
 * (server restarted) that must give a warning-flag and no negative numbers, histogram deltas and
 * PromQL-style bucket quantiles, sums over servers, vLLM and llama.cpp names, and the simulator's
 * ground-truth summary.
 */
import { describe, expect, it } from 'vitest';
import { summarizeGroundTruth, type TraceEntry } from '../../src/serverstats/ground-truth.js';
import {
  bucketQuantile,
  counterDelta,
  histogramDelta,
  mergeBuckets,
  parseScrape,
} from '../../src/serverstats/prom-delta.js';
import { computeServerView, rebaseRates } from '../../src/serverstats/view.js';

/** A vLLM-style exposition: two engines, a TTFT histogram with buckets 0.1, 0.5, 1 (seconds). */
function vllm(o: {
  gen: [number, number];
  prompt: number;
  stop: number;
  length?: number;
  abort?: number;
  ttft: [number, number, number, number];
  ttftSum: number;
  running?: number;
  kv?: number;
  preempt?: number;
}): string {
  const l = 'model_name="m"';
  const [b1, b2, b3, inf] = o.ttft;
  return [
    '# HELP vllm:generation_tokens_total Number of generation tokens processed.',
    '# TYPE vllm:generation_tokens_total counter',
    `vllm:generation_tokens_total{${l},engine="0"} ${o.gen[0]}`,
    `vllm:generation_tokens_total{${l},engine="1"} ${o.gen[1]}`,
    `vllm:prompt_tokens_total{${l},engine="0"} ${o.prompt}`,
    `vllm:request_success_total{${l},engine="0",finished_reason="stop"} ${o.stop}`,
    ...(o.length !== undefined
      ? [`vllm:request_success_total{${l},engine="0",finished_reason="length"} ${o.length}`]
      : []),
    `vllm:request_success_total{${l},engine="0",finished_reason="abort"} ${o.abort ?? 0}`,
    ...(o.preempt !== undefined ? [`vllm:num_preemptions_total{${l},engine="0"} ${o.preempt}`] : []),
    `vllm:num_requests_running{${l},engine="0"} ${o.running ?? 0}`,
    `vllm:num_requests_waiting{${l},engine="0"} 0`,
    `vllm:kv_cache_usage_perc{${l},engine="0"} ${o.kv ?? 0}`,
    '# TYPE vllm:time_to_first_token_seconds histogram',
    `vllm:time_to_first_token_seconds_bucket{${l},engine="0",le="0.1"} ${b1}`,
    `vllm:time_to_first_token_seconds_bucket{${l},engine="0",le="0.5"} ${b2}`,
    `vllm:time_to_first_token_seconds_bucket{${l},engine="0",le="1.0"} ${b3}`,
    `vllm:time_to_first_token_seconds_bucket{${l},engine="0",le="+Inf"} ${inf}`,
    `vllm:time_to_first_token_seconds_sum{${l},engine="0"} ${o.ttftSum}`,
    `vllm:time_to_first_token_seconds_count{${l},engine="0"} ${inf}`,
    '',
  ].join('\n');
}

describe('counter deltas', () => {
  it('sums the increase over label sets; a series that appears in the window counts from zero', () => {
    const a = parseScrape('x_total{e="0"} 10\nx_total{e="1"} 5\n', 0);
    const b = parseScrape('x_total{e="0"} 25\nx_total{e="1"} 5\nx_total{e="2"} 7\n', 1000);
    expect(counterDelta(a, b, 'x_total')).toEqual({ delta: 15 + 0 + 7, reset: false });
    expect(counterDelta(a, b, 'missing_total')).toBeUndefined();
  });

  it('a counter that went down (server restarted) counts from zero and is flagged, never negative', () => {
    const a = parseScrape('x_total 1000\n', 0);
    const b = parseScrape('x_total 40\n', 1000);
    expect(counterDelta(a, b, 'x_total')).toEqual({ delta: 40, reset: true });
  });
});

describe('histogram deltas and bucket quantiles', () => {
  const start = parseScrape(vllm({ gen: [0, 0], prompt: 0, stop: 0, ttft: [1, 1, 1, 1], ttftSum: 0.05 }), 0);
  const end = parseScrape(
    vllm({ gen: [0, 0], prompt: 0, stop: 0, ttft: [3, 9, 11, 11], ttftSum: 3.05 }),
    10_000,
  );

  it('subtracts bucket by bucket and keeps sum and count deltas', () => {
    const d = histogramDelta(start, end, 'vllm:time_to_first_token_seconds');
    expect(d?.reset).toBe(false);
    expect(d?.hist.bounds).toEqual([0.1, 0.5, 1, Number.POSITIVE_INFINITY]);
    expect(d?.hist.cum).toEqual([2, 8, 10, 10]);
    expect(d?.hist.count).toBe(10);
    expect(d?.hist.sum).toBeCloseTo(3, 9);
  });

  it('interpolates linearly inside the bucket holding the rank (PromQL histogram_quantile)', () => {
    const h = { bounds: [0.1, 0.5, 1, Number.POSITIVE_INFINITY], cum: [2, 8, 10, 10], sum: 3, count: 10 };
    // rank 5 lies in (0.1, 0.5] which holds ranks 3..8: 0.1 + 0.4 × (5 − 2) / 6 = 0.3
    expect(bucketQuantile(h, 0.5)).toBeCloseTo(0.3, 12);
    // rank 1 in the first bucket, which starts at 0: 0.1 × 1/2
    expect(bucketQuantile(h, 0.1)).toBeCloseTo(0.05, 12);
    // rank 9.9 in (0.5, 1]: 0.5 + 0.5 × (9.9 − 8) / 2
    expect(bucketQuantile(h, 0.99)).toBeCloseTo(0.975, 12);
    expect(bucketQuantile({ ...h, cum: [0, 0, 0, 0] }, 0.5)).toBeNaN();
  });

  it('a rank in the +Inf bucket gives the largest finite bound', () => {
    const h = { bounds: [0.1, 1, Number.POSITIVE_INFINITY], cum: [1, 2, 10], sum: 50, count: 10 };
    expect(bucketQuantile(h, 0.9)).toBe(1);
  });

  it('a histogram whose count went down is a reset: its end state is the delta', () => {
    const d = histogramDelta(end, start, 'vllm:time_to_first_token_seconds');
    expect(d?.reset).toBe(true);
    expect(d?.hist.count).toBe(1);
    expect(d?.hist.cum.every((c) => c >= 0)).toBe(true);
  });

  it('adds histograms with shared bounds exactly, and different bounds over their union', () => {
    const a = { bounds: [1, 2, Number.POSITIVE_INFINITY], cum: [1, 3, 4], sum: 5, count: 4 };
    const b = { bounds: [1, 2, Number.POSITIVE_INFINITY], cum: [2, 2, 2], sum: 1, count: 2 };
    expect(mergeBuckets([a, b])).toEqual({
      bounds: [1, 2, Number.POSITIVE_INFINITY],
      cum: [3, 5, 6],
      sum: 6,
      count: 6,
    });
    const c = { bounds: [1.5, Number.POSITIVE_INFINITY], cum: [1, 1], sum: 1, count: 1 };
    // union [1, 1.5, 2, +Inf]; c counts at its largest bound ≤ x
    expect(mergeBuckets([a, c])?.cum).toEqual([1, 2, 4, 5]);
  });
});

describe('computeServerView', () => {
  it('sums two vLLM servers: counters, finished reasons, rates, TTFT estimate and sampled gauges', () => {
    const s1a = parseScrape(
      vllm({ gen: [100, 50], prompt: 20, stop: 3, ttft: [1, 1, 1, 1], ttftSum: 0.05, preempt: 1 }),
      1_000,
    );
    const s1b = parseScrape(
      vllm({
        gen: [300, 150],
        prompt: 60,
        stop: 7,
        length: 2,
        abort: 1,
        ttft: [3, 9, 11, 11],
        ttftSum: 3.05,
        running: 4,
        kv: 0.5,
        preempt: 3,
      }),
      11_000,
    );
    const s2a = parseScrape(vllm({ gen: [0, 0], prompt: 0, stop: 0, ttft: [0, 0, 0, 0], ttftSum: 0 }), 1_000);
    const s2b = parseScrape(
      vllm({ gen: [100, 0], prompt: 10, stop: 4, ttft: [0, 4, 4, 4], ttftSum: 1, running: 2, kv: 0.1 }),
      11_000,
    );
    const view = computeServerView({
      servers: [
        { url: 'http://a', start: s1a, end: s1b },
        { url: 'http://b', start: s2a, end: s2b },
        { url: 'http://c', error: 'GET http://c/metrics answered HTTP 500' },
      ],
      startTrigger: 'benchmark-start',
    });
    expect(view).toBeDefined();
    if (!view) return;
    expect(view.families).toEqual(['vllm']);
    expect(view.window.duration_s).toBe(10);
    expect(view.counters.generation_tokens).toBe(200 + 100 + 100);
    expect(view.counters.prompt_tokens).toBe(40 + 10);
    expect(view.counters.requests_succeeded).toBe(4 + 2 + 4);
    expect(view.counters.requests_aborted).toBe(1);
    expect(view.counters.preemptions).toBe(2);
    expect(view.finished_reasons).toEqual({ stop: 8, length: 2, abort: 1 });
    expect(view.rate_basis).toBe('scrape-window');
    expect(view.rates.output_tokens_per_s).toBe(40);
    expect(view.rates.requests_per_s).toBe(1);
    expect(view.rates.total_tokens_per_s).toBe(45);
    // On the client's measurement window (8 s of the 10 s between scrapes): same deltas, its seconds.
    const rebased = rebaseRates(view, 8);
    expect(rebased.rate_basis).toBe('client-window');
    expect(rebased.rates.output_tokens_per_s).toBe(50);
    expect(rebased.counters).toEqual(view.counters);
    expect(rebaseRates(view, 0)).toBe(view);
    const ttft = view.latency_ms.ttft;
    expect(ttft?.metric).toBe('vllm:time_to_first_token_seconds');
    expect(ttft?.estimate).toBe('bucket');
    expect(ttft?.count).toBe(14);
    expect(ttft?.mean).toBeCloseTo((4 / 14) * 1000, 9);
    // merged buckets [2, 12, 14, 14]: rank 7 in (0.1, 0.5]: 100 + 400 × 5/10 ms
    expect(ttft?.p50).toBeCloseTo(300, 9);
    expect(view.gauges.running_requests).toEqual({
      metric: 'vllm:num_requests_running',
      max: 6,
      mean: 3,
      samples: 2,
    });
    expect(view.gauges.kv_cache_usage?.max).toBeCloseTo(0.3, 12);
    expect(view.servers.map((s) => s.scraped)).toEqual([true, true, false]);
    expect(view.servers.map((s) => s.generation_tokens)).toEqual([300, 100, undefined]);
    expect(view.servers[2]?.error).toMatch(/HTTP 500/);
    expect(view.notes.join(' ')).toMatch(/bucket estimates/);
  });

  it('a server restarted mid-window: flagged, counted from zero, no negative number anywhere', () => {
    const before = parseScrape(
      vllm({ gen: [5000, 0], prompt: 900, stop: 50, ttft: [50, 50, 50, 50], ttftSum: 2 }),
      0,
    );
    const after = parseScrape(
      vllm({ gen: [30, 0], prompt: 6, stop: 2, ttft: [1, 2, 2, 2], ttftSum: 0.2 }),
      5_000,
    );
    const view = computeServerView({
      servers: [{ url: 'http://a', start: before, end: after }],
      startTrigger: 'warmup-end',
    });
    expect(view?.counters.generation_tokens).toBe(30);
    expect(view?.counters.prompt_tokens).toBe(6);
    expect(view?.counters.requests_succeeded).toBe(2);
    expect(view?.latency_ms.ttft?.count).toBe(2);
    expect(view?.servers[0]?.reset).toEqual(
      expect.arrayContaining(['vllm:generation_tokens_total', 'vllm:time_to_first_token_seconds']),
    );
    expect(view?.notes.join(' ')).toMatch(/restarted/);
    expect(view?.notes.join(' ')).toMatch(/leave warmup/);
    const negatives: string[] = [];
    const walk = (v: unknown, path: string): void => {
      if (typeof v === 'number' && v < 0) negatives.push(`${path}=${v}`);
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
    };
    walk(view, 'view');
    expect(negatives).toEqual([]);
  });

  it("reads llama.cpp's names: tokens, its own decode and prefill speed, processing/deferred gauges", () => {
    const text = (prompt: number, pSec: number, pred: number, predSec: number, proc: number) =>
      [
        '# TYPE llamacpp:prompt_tokens_total counter',
        `llamacpp:prompt_tokens_total ${prompt}`,
        `llamacpp:prompt_seconds_total ${pSec}`,
        `llamacpp:tokens_predicted_total ${pred}`,
        `llamacpp:tokens_predicted_seconds_total ${predSec}`,
        'llamacpp:n_decode_total 10',
        '# TYPE llamacpp:requests_processing gauge',
        `llamacpp:requests_processing ${proc}`,
        'llamacpp:requests_deferred 0',
        '',
      ].join('\n');
    const view = computeServerView({
      servers: [
        {
          url: 'http://l',
          start: parseScrape(text(10, 0.5, 16, 1, 0), 0),
          end: parseScrape(text(74, 1.5, 144, 5, 2), 4000),
        },
      ],
      startTrigger: 'benchmark-start',
    });
    expect(view?.families).toEqual(['llamacpp']);
    expect(view?.counters).toMatchObject({ prompt_tokens: 64, generation_tokens: 128, decode_calls: 0 });
    expect(view?.counters.requests_succeeded).toBeUndefined();
    expect(view?.rates.output_tokens_per_s).toBe(32);
    expect(view?.rates.decode_tokens_per_s).toBe(32);
    expect(view?.rates.prefill_tokens_per_s).toBe(64);
    expect(view?.latency_ms).toEqual({});
    expect(view?.gauges.running_requests).toMatchObject({ metric: 'llamacpp:requests_processing', max: 2 });
  });

  it('prefers vllm:inter_token_latency_seconds, else time_per_output_token_seconds', () => {
    const h = (name: string, n: number) =>
      `${name}_bucket{le="0.01"} ${n}\n${name}_bucket{le="+Inf"} ${n}\n${name}_sum ${n * 0.005}\n${name}_count ${n}\n`;
    const both = (n: number) =>
      h('vllm:inter_token_latency_seconds', n) + h('vllm:time_per_output_token_seconds', 2 * n);
    const v1 = computeServerView({
      servers: [{ url: 'u', start: parseScrape(both(0), 0), end: parseScrape(both(10), 1000) }],
      startTrigger: 'benchmark-start',
    });
    expect(v1?.latency_ms.itl).toMatchObject({ metric: 'vllm:inter_token_latency_seconds', count: 10 });
    const old = h('vllm:time_per_output_token_seconds', 0);
    const v0 = computeServerView({
      servers: [
        {
          url: 'u',
          start: parseScrape(old, 0),
          end: parseScrape(h('vllm:time_per_output_token_seconds', 4), 1000),
        },
      ],
      startTrigger: 'benchmark-start',
    });
    expect(v0?.latency_ms.itl).toMatchObject({ metric: 'vllm:time_per_output_token_seconds', count: 4 });
    expect(v0?.latency_ms.itl?.mean).toBeCloseTo(5, 9);
  });

  it('no server scraped at both ends: no view', () => {
    const s = parseScrape('vllm:generation_tokens_total 1\n', 0);
    expect(
      computeServerView({
        servers: [
          { url: 'a', end: s },
          { url: 'b', error: 'down' },
        ],
        startTrigger: 'benchmark-start',
      }),
    ).toBeUndefined();
  });
});

describe('ground truth summary', () => {
  const trace = (id: number, state: string, arrived: number, chunks: number[], end: number): TraceEntry => ({
    id,
    state,
    prompt_tokens: 4,
    output_tokens: chunks.length,
    arrived_ms: arrived,
    admitted_ms: arrived + 1,
    end_ms: end,
    chunk_written_ms: chunks,
  });

  it('keeps requests that ended inside the window; exact TTFT / E2E from the server timestamps', () => {
    const list = [
      trace(0, 'done', 0, [5, 6], 6), // ended before the window
      trace(1, 'done', 100, [110, 120, 130], 130),
      trace(2, 'done', 100, [120, 125], 125),
      trace(3, 'cancelled', 100, [140], 140),
      trace(4, 'done', 200, [300], 300), // ended after the window
    ];
    const s = summarizeGroundTruth([{ requests: list, capacity: 100 }], 50, 250);
    expect(s.requests).toBe(3);
    expect(s.by_state).toEqual({ done: 2, cancelled: 1 });
    expect(s.output_tokens).toBe(6);
    expect(s.prompt_tokens).toBe(12);
    expect(s.latency_ms.ttft).toMatchObject({ count: 2, min: 10, max: 20, p50: 10, mean: 15 });
    expect(s.latency_ms.e2e).toMatchObject({ count: 2, min: 25, max: 30 });
    expect(s.latency_ms.queue?.p99).toBe(1);
    expect(s.complete).toBe(true);
  });

  it('is incomplete when the trace buffer was full and its oldest request is inside the window', () => {
    const list = [trace(7, 'done', 100, [110], 110), trace(8, 'done', 100, [120], 120)];
    expect(summarizeGroundTruth([{ requests: list, capacity: 2 }], 50, 250).complete).toBe(false);
    expect(summarizeGroundTruth([{ requests: list, capacity: 3 }], 50, 250).complete).toBe(true);
  });
});
