/**
 * The over-saturation detector on per-window figures of a modelled queue: B servers, deterministic service
 * time S, so the capacity is B/S. Below capacity nothing fires; above it TTFT rises across windows (Mann–
 * Kendall + Theil–Sen), fewer requests are served than requested; HTTP 429/503 answers count as rejections.
 */
import { describe, expect, it } from 'vitest';
import type { MetricsSnapshot } from '../../src/contracts/index.js';
import {
  detectSaturation,
  LIVE_SATURATION,
  type SaturationReport,
  saturationText,
} from '../../src/decide/saturation.js';
import { normalCdf } from '../../src/decide/stats.js';
import { trend } from '../../src/decide/trend.js';
import { MetricsRecorder } from '../../src/metrics/recorder.js';
import { mulberry32 } from '../../src/util/rng.js';
import { craft } from '../metrics/records.js';

const T0 = 1_700_000_000_000; // a multiple of 1 s

/**
 * Constant arrivals at `rps` for `seconds`, served first come first served by `b` servers that take `s` ms
 * each (first token after s/10); windows of 1 s. Optionally every k-th request is rejected with `status`.
 */
function queue(
  rps: number,
  seconds: number,
  b: number,
  s: number,
  reject?: { every: number; status: number },
): MetricsSnapshot {
  const rec = new MetricsRecorder({ openLoop: true, windowSeconds: 1, requestedRps: rps });
  rec.windowStart = T0;
  const free = new Array<number>(b).fill(T0);
  const done = [];
  const n = Math.floor(rps * seconds);
  for (let i = 0; i < n; i++) {
    const at = T0 + (i * 1000) / rps;
    if (reject && i % reject.every === 0) {
      done.push(craft({ sent: at, end: at + 1, status: 'error', error: `http_${reject.status}` }));
      continue;
    }
    const k = free.indexOf(Math.min(...free));
    const start = Math.max(at, free[k]);
    free[k] = start + s;
    done.push(craft({ sent: at, chunks: [start + s / 10, start + s], output: 2 }));
  }
  done.sort((x, y) => x.end - y.end);
  for (const r of done) rec.add(r);
  const snap = rec.snapshot();
  snap.last_send = T0 + seconds * 1000;
  rec.destroy();
  return snap;
}

/**
 * Poisson arrivals (seeded) at `rps` for `seconds` into `b` servers of deterministic service `s` ms (first
 * token 1 ms after the start), windows of `win` s; `snapshotAt(t)` is what a live look at T0 + t ms sees
 * (the requests completed by then), `final` the benchmark's end snapshot.
 */
function poissonQueue(rps: number, seconds: number, b: number, s: number, win: number, seed: number) {
  const rnd = mulberry32(seed);
  const free = new Array<number>(b).fill(T0);
  const done: ReturnType<typeof craft>[] = [];
  for (let at = T0 - (Math.log(1 - rnd()) * 1000) / rps; at < T0 + seconds * 1000; ) {
    const k = free.indexOf(Math.min(...free));
    const start = Math.max(at, free[k]);
    free[k] = start + s;
    done.push(craft({ sent: at, chunks: [start + 1, start + s], output: 2 }));
    at -= (Math.log(1 - rnd()) * 1000) / rps;
  }
  done.sort((x, y) => x.end - y.end);
  const snapshotAt = (ms: number): MetricsSnapshot => {
    const rec = new MetricsRecorder({ openLoop: true, windowSeconds: win, requestedRps: rps });
    rec.windowStart = T0;
    for (const r of done) if (r.end <= T0 + ms) rec.add(r);
    const snap = rec.snapshot();
    snap.last_send = T0 + seconds * 1000;
    rec.destroy();
    return snap;
  };
  /** The first live look (from 2 windows on, once per window, until the end of sending) that fires. */
  const firstLiveStop = (): SaturationReport | undefined => {
    for (let t = 2 * win * 1000; t <= seconds * 1000; t += win * 1000) {
      const r = detectSaturation(snapshotAt(t), { ...LIVE_SATURATION, until: T0 + t });
      if (r.saturated) return r;
    }
    return undefined;
  };
  /** The rate the Poisson draw actually sent (req/s). */
  const sentRps = done.length / seconds;
  return {
    sentRps,
    snapshotAt,
    final: () => detectSaturation(snapshotAt(Number.POSITIVE_INFINITY)),
    firstLiveStop,
  };
}

describe('trend (Mann–Kendall, Theil–Sen)', () => {
  it('a strictly rising series of 4: S = 6, one-sided p ≈ 0.045; the slope is the median pairwise slope', () => {
    const t = trend([0, 1, 2, 3], [10, 12, 13, 19])!;
    expect(t.s).toBe(6);
    expect(t.tau).toBe(1);
    expect(t.p_rising).toBeCloseTo(0.0447, 3);
    // pairwise slopes 2, 1.5, 3, 1, 3.5, 6 → median 2.5
    expect(t.slope).toBe(2.5);
  });

  it('serial correlation widens the variance: a series that wanders is less of a trend than its S says', () => {
    const x = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    // a straight line with alternating noise: residuals anti-correlated, no correction
    const line = trend(x, [10, 13, 12, 15, 14, 17, 16, 19, 18, 21])!;
    expect(line.r1).toBeLessThan(0);
    expect(line.variance_factor).toBe(1);
    // flat, then a late excursion: residuals positively correlated, Var(S) inflated, p larger
    const wander = trend(x, [1, 1.2, 0.9, 1.1, 1, 1.3, 20, 60, 150, 300])!;
    expect(wander.r1).toBeGreaterThan(0.3);
    expect(wander.variance_factor).toBeGreaterThan(1.5);
    // uncorrected: z = (S − 1) / √(n(n−1)(2n+5)/18) = (S − 1) / √125
    const plainP = 1 - normalCdf((wander.s - 1) / Math.sqrt(125));
    expect(wander.p_rising).toBeGreaterThan(1.5 * plainP);
  });

  it('a flat series (all ties) and a falling one are not rising', () => {
    expect(trend([0, 1, 2, 3, 4], [5, 5, 5, 5, 5])!.p_rising).toBe(1);
    expect(trend([0, 1, 2, 3, 4], [9, 8, 7, 6, 5])!.p_rising).toBe(1);
    expect(trend([0, 1], [1, 2])).toBeUndefined();
  });
});

describe('detectSaturation', () => {
  // capacity: 4 servers / 100 ms = 40 req/s
  it('below capacity (20 req/s of 40): not saturated, served ≈ requested, TTFT flat', () => {
    const r = detectSaturation(queue(20, 10, 4, 100));
    expect(r.saturated, saturationText(r)).toBe(false);
    expect(r.windows).toBe(10);
    expect(r.trend?.rising).toBe(false);
    expect(r.served!.share).toBeGreaterThan(0.95);
    // the first window is left out (no request completes before window_start + the 100 ms service)
    expect(r.served!.seconds).toBe(9);
    expect(r.served!.requested_rps).toBeCloseTo(20, 5);
    expect(r.rejected.count).toBe(0);
    expect(saturationText(r)).toBe('not saturated');
  });

  it('above capacity (80 req/s of 40): TTFT rises across windows and half is served', () => {
    const r = detectSaturation(queue(80, 10, 4, 100));
    expect(r.saturated).toBe(true);
    expect(r.trend!.metric).toBe('ttft');
    expect(r.trend!.rising).toBe(true);
    expect(r.trend!.p_value).toBeLessThan(0.001);
    // a request sent at t waits t s and completes at 2t: by completion window TTFT grows 0.5 s per s
    expect(r.trend!.slope_ms_per_s).toBeGreaterThan(450);
    expect(r.trend!.slope_ms_per_s).toBeLessThan(550);
    expect(r.served!.served_rps).toBeCloseTo(40, 0);
    expect(r.served!.below).toBe(true);
    expect(r.reasons).toHaveLength(2);
    expect(saturationText(r)).toMatch(
      /^over-saturated: TTFT p50 rising across \d+ windows: .* served 40\.\d\d req\/s of 80\.00 requested/,
    );
  });

  // the search test's simulator: 8 sequences × 400 ms = 20 req/s; short windows of 0.5 s hold ~8 requests
  it('80% of capacity, Poisson, 0.5 s windows: not saturated at the end or at any live look unless the draw itself sent above capacity', () => {
    const flagged: string[] = [];
    let below = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const q = poissonQueue(16, 6, 8, 400, 0.5, seed);
      const end = q.final();
      const live = q.firstLiveStop();
      // a 6 s Poisson draw of 16/s sends 96 ± 10 requests: one that sent more than 20/s did overload it
      if (q.sentRps >= 20) continue;
      below++;
      if (end.saturated) flagged.push(`seed ${seed} end: ${saturationText(end)}`);
      if (live) flagged.push(`seed ${seed} live: ${saturationText(live)}`);
    }
    expect(below).toBeGreaterThanOrEqual(36);
    expect(flagged).toEqual([]);
  });

  it('a queue excursion at 80% is no queue growth: per 0.5 s window it looks like one, the guards say no', () => {
    // seed 39 of 16 req/s (it sent 15.8/s): bursts in the second half; per window the median TTFT jumps
    // from 1 ms to over 200 ms, a rise far above the first version's 10 ms margin
    const q = poissonQueue(16, 6, 8, 400, 0.5, 39);
    expect(q.sentRps).toBeLessThan(16);
    const perWindow = detectSaturation(q.snapshotAt(Number.POSITIVE_INFINITY), { minRequests: 1 }).trend!;
    expect(perWindow.merged_windows).toBe(1);
    expect(perWindow.windows).toBe(12);
    expect(Math.max(...perWindow.medians_ms)).toBeGreaterThan(200);
    expect(perWindow.kendall_s).toBeGreaterThan(0);
    const r = q.final();
    const tr = r.trend!;
    expect(tr.merged_windows).toBeGreaterThan(1); // ~8 requests per 0.5 s window, merged to about 20
    expect(tr.margin_ms).toBeCloseTo(200, -1); // half of the 400 ms service time
    expect(tr.rising).toBe(false);
    expect(r.saturated, saturationText(r)).toBe(false);
  });

  it('above capacity with short windows (30 req/s of 20): saturated at the end and stopped by a live look', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const q = poissonQueue(30, 6, 8, 400, 0.5, seed);
      expect(q.final().saturated, `seed ${seed}`).toBe(true);
      const live = q.firstLiveStop();
      expect(live?.saturated, `seed ${seed}`).toBe(true);
    }
  });

  it('non-streaming windows (no TTFT) are judged on E2E', () => {
    const snap = queue(80, 10, 4, 100);
    for (const w of snap.windows) delete w.histograms.ttft;
    const r = detectSaturation(snap);
    expect(r.trend!.metric).toBe('e2e');
    expect(r.trend!.rising).toBe(true);
  });

  it('429/503 answers above 1% of the finished requests are rejections', () => {
    const r = detectSaturation(queue(20, 10, 4, 100, { every: 10, status: 503 }));
    expect(r.rejected).toEqual({ count: 20, share: 0.1, over: true });
    expect(r.saturated).toBe(true);
    expect(r.reasons.join()).toMatch(/10\.0% of requests rejected \(HTTP 429\/503: 20 of 200\)/);
  });

  it('fewer than 4 full windows: the trend is not judged, the other signals still are', () => {
    const r = detectSaturation(queue(80, 10, 4, 100), { until: T0 + 3000 });
    expect(r.windows).toBe(3);
    expect(r.trend).toBeUndefined();
    expect(r.served!.below).toBe(true);
  });

  it('the windows of the drain after the last send are not read', () => {
    const snap = queue(80, 10, 4, 100);
    // the backlog completes up to ~20 s after the start, but sending ended at 10 s
    expect(snap.windows.length).toBeGreaterThan(15);
    expect(detectSaturation(snap).windows).toBe(10);
  });
});
