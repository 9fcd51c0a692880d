/** latencyStats' one-pass walk gives exactly hdr-histogram-js's own mean, std and percentiles. */
import { describe, expect, it } from 'vitest';
import {
  decodeHistogram,
  encodeHistogram,
  newHistogram,
  newRecordingHistogram,
} from '../../src/metrics/histogram.js';
import { latencyStats } from '../../src/metrics/summarize.js';
import { mulberry32, normal } from '../../src/util/rng.js';

describe('latencyStats', () => {
  it('equals the library getters on decoded (JavaScript) histograms of many shapes', () => {
    const rng = mulberry32(42);
    const shapes: (() => number)[] = [
      () => Math.round(Math.exp(8 + 1.5 * normal(rng))),
      () => Math.round(rng() * 1000),
      () => 5,
      () => (rng() < 0.01 ? 60_000_000 : Math.round(200 + rng() * 50)),
      () => 0,
    ];
    for (const draw of shapes)
      for (const n of [1, 2, 7, 1000, 50_000]) {
        const rec = newRecordingHistogram();
        for (let i = 0; i < n; i++) rec.recordValue(draw());
        const h = decodeHistogram(encodeHistogram(rec));
        rec.destroy();
        const s = latencyStats(h, 1);
        expect(s.mean).toBe(h.mean);
        expect(s.std).toBe(h.stdDeviation);
        expect([s.p50, s.p90, s.p95, s.p99, s.p999]).toEqual(
          [50, 90, 95, 99, 99.9].map((p) => h.getValueAtPercentile(p)),
        );
        const p0 = h.getValueAtPercentile(0);
        expect(s.min).toBe(p0 === 0 ? 0 : h.minNonZeroValue);
        expect(s.count).toBe(n);
      }
    const empty = latencyStats(newHistogram());
    expect(empty.count).toBe(0);
  });
});
