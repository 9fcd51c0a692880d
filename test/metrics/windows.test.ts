/**
 * Per-window histograms: schedule lag is kept per window too, windows merge exactly across executors, and
 * the overall histograms (the closed windows' sum plus the open one) hold every value exactly.
 */
import type { Histogram } from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import type { LatencyMetric } from '../../src/contracts/index.js';
import { deriveMetrics, itl } from '../../src/metrics/derive.js';
import { decodeHistogram, encodeHistogram, newHistogram, recordMs } from '../../src/metrics/histogram.js';
import { mergeSnapshots } from '../../src/metrics/merge.js';
import { MetricsRecorder } from '../../src/metrics/recorder.js';
import { decodedStats } from '../../src/metrics/summarize.js';
import { craft } from './records.js';

const W = 1_700_000_000_000; // a multiple of 1 s

function executor(lags: number[][]): MetricsRecorder {
  const rec = new MetricsRecorder({ openLoop: true, windowSeconds: 1 });
  rec.windowStart = W;
  // lags[k]: schedule lags (ms) of requests completing in window k
  lags.forEach((ws, k) => {
    for (const lag of ws) {
      const sent = W + k * 1000 + 100;
      rec.add(craft({ scheduled: sent - lag, sent, chunks: [sent + 10, sent + 20], output: 2 }));
    }
  });
  return rec;
}

describe('schedule lag per window', () => {
  it('each window has its own schedule_lag histogram (ok requests), so lag shows over time', () => {
    const rec = executor([
      [1, 2, 3],
      [200, 400],
    ]);
    const s = rec.snapshot();
    rec.destroy();
    expect(s.windows.map((w) => w.start)).toEqual([W, W + 1000]);
    const st = s.windows.map((w) => decodedStats(w.histograms.schedule_lag));
    expect(st.map((x) => x?.count)).toEqual([3, 2]);
    expect(st[0]!.max).toBeCloseTo(3, 2);
    expect(st[1]!.min).toBeCloseTo(200, 0);
    expect(st[1]!.max).toBeCloseTo(400, 0);
    // the overall histogram holds all of them
    expect(decodeHistogram(s.histograms.schedule_lag!).totalCount).toBe(5);
  });

  it('merge: windows with the same start add their schedule_lag histograms', () => {
    const a = executor([[5], [50, 60]]);
    const b = executor([[7, 9], [500]]);
    const m = mergeSnapshots([a.snapshot(), b.snapshot()]);
    a.destroy();
    b.destroy();
    expect(m.windows.map((w) => w.start)).toEqual([W, W + 1000]);
    const st = m.windows.map((w) => decodedStats(w.histograms.schedule_lag)!);
    expect(st.map((x) => x.count)).toEqual([3, 3]);
    expect(st[0].max).toBeCloseTo(9, 1);
    expect(st[1].min).toBeCloseTo(50, 1);
    expect(st[1].max).toBeCloseTo(500, 0);
    expect(m.windows.map((w) => w.counters.sent)).toEqual([3, 3]);
  });

  it('the overall histograms hold every value exactly: while a window is open, after windows close, equal ITL gaps in a row', () => {
    const rec = new MetricsRecorder({ windowSeconds: 1 });
    rec.windowStart = W;
    const metrics: LatencyMetric[] = ['ttft', 'itl', 'tpot', 'e2e', 'schedule_lag'];
    // the reference: each value recorded on its own into one histogram per metric
    const want = Object.fromEntries(metrics.map((m) => [m, newHistogram()])) as Record<
      LatencyMetric,
      Histogram
    >;
    const same = (snapshotAt: string): void => {
      const s = rec.snapshot();
      for (const m of metrics) {
        const got = decodeHistogram(s.histograms[m]!);
        // through the same encoding, which keeps counts (a decoded max is its bucket's highest value)
        const w = decodeHistogram(encodeHistogram(want[m]));
        const at = `${snapshotAt} ${m}`;
        expect(got.totalCount, at).toBe(w.totalCount);
        expect([got.mean, got.stdDeviation, got.minNonZeroValue, got.maxValue], at).toEqual([
          w.mean,
          w.stdDeviation,
          w.minNonZeroValue,
          w.maxValue,
        ]);
        expect(got.outputPercentileDistribution(100), at).toBe(w.outputPercentileDistribution(100));
        expect(rec.percentile(m, 99), `${snapshotAt} ${m}`).toBe(w.getValueAtPercentile(99) / 1000);
      }
    };
    for (let i = 0; i < 600; i++) {
      const sent = W + i * 10 + (i % 7) * 0.3;
      // runs of equal stamps (one network piece: equal gaps) beside distinct ones
      const chunks = [
        sent + 5,
        sent + 5,
        sent + 5,
        sent + 6.5 + (i % 13) * 0.01,
        sent + 8,
        sent + 8,
        sent + 9.25,
      ];
      const r = craft({ scheduled: sent - (i % 5), sent, chunks, output: chunks.length });
      rec.add(r);
      const d = deriveMetrics(r);
      recordMs(want.ttft, d.ttft!);
      recordMs(want.tpot, d.tpot!);
      recordMs(want.e2e, d.e2e);
      recordMs(want.schedule_lag, d.schedule_lag);
      for (let k = 1; k < chunks.length; k++) recordMs(want.itl, itl(chunks, k, sent));
      if (i === 50) same('in the first window');
      if (i === 350) same('windows closed, one open');
    }
    same('at the end');
    rec.destroy();
  });
});
