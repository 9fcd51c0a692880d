/** Per-window histograms: schedule lag is kept per window too, and windows merge exactly across executors. */
import { describe, expect, it } from 'vitest';
import { decodeHistogram } from '../../src/metrics/histogram.js';
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
});
