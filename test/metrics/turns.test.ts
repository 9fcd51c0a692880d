/**
 * Per-turn figures of multi-turn sessions: recorded per turn index of the measured ok turns, merged
 * exactly across executors, summarised as `per_turn`, rebuilt equal from a records file; turns past
 * MAX_TURN_FIGURES are counted in the last index.
 */
import { describe, expect, it } from 'vitest';
import { MAX_TURN_FIGURES } from '../../src/contracts/index.js';
import { evaluateThresholds } from '../../src/decide/evaluate.js';
import { recordToJson } from '../../src/loadgen/record.js';
import { snapshotFromLines } from '../../src/metrics/from-records.js';
import { mergeSnapshots } from '../../src/metrics/merge.js';
import { MetricsRecorder } from '../../src/metrics/recorder.js';
import { summarize } from '../../src/metrics/summarize.js';
import { craft } from './records.js';

const T = 1_700_000_000_000;

function turn(sent: number, k: number, ttft: number, prompt: number, status: 'ok' | 'error' = 'ok') {
  const r = craft({ sent, chunks: [sent + ttft, sent + ttft + 2], prompt, status });
  r.session = 's';
  r.turn = k;
  return r;
}

describe('per-turn figures', () => {
  it('two executors merge turn by turn; errors and plain requests are not per-turn figures', () => {
    const lines: string[][] = [[], []];
    const snaps = [0, 1].map((e) => {
      const rec = new MetricsRecorder({ source: `n${e}` });
      rec.windowStart = T;
      for (let s = 0; s < 10; s++)
        for (let k = 1; k <= 3; k++) {
          // TTFT 10·k ms on executor 0, 10·k + 5 on executor 1; prompt 100·k tokens
          const r = turn(T + 100 * s + k, k, 10 * k + 5 * e, 100 * k);
          rec.add(r);
          lines[e].push(recordToJson(r));
        }
      rec.add(turn(T + 5, 2, 1, 1, 'error'));
      rec.add(craft({ sent: T + 6, chunks: [T + 7] }));
      const snap = rec.snapshot();
      rec.destroy();
      return snap;
    });
    const s = summarize(mergeSnapshots(snaps), 'b');
    expect(s.per_turn?.map((t) => [t.turn, t.requests])).toEqual([
      [1, 20],
      [2, 20],
      [3, 20],
    ]);
    for (const t of s.per_turn ?? []) {
      expect(t.ttft_ms?.min).toBeCloseTo(10 * t.turn, 1);
      expect(t.ttft_ms?.max).toBeCloseTo(10 * t.turn + 5, 1);
      expect(t.prompt_tokens.mean).toBe(100 * t.turn);
    }
    // the records file rebuilds the same per-turn histograms
    expect(snapshotFromLines(lines[0]).snapshot.turns).toEqual(snaps[0].turns);
  });

  it(`turns past ${MAX_TURN_FIGURES} are counted in turn ${MAX_TURN_FIGURES}`, () => {
    const rec = new MetricsRecorder();
    rec.add(turn(T, MAX_TURN_FIGURES, 5, 10));
    rec.add(turn(T + 1, MAX_TURN_FIGURES + 7, 5, 10));
    const s = summarize(rec.snapshot(), 'b');
    rec.destroy();
    expect(s.per_turn?.map((t) => [t.turn, t.requests])).toEqual([[MAX_TURN_FIGURES, 2]]);
  });
});

describe('per-turn figures in thresholds', () => {
  it('turn_first / turn_last name the first and the last turn index; no value without sessions', () => {
    const rec = new MetricsRecorder();
    rec.windowStart = T;
    rec.add(turn(T, 1, 10, 10));
    rec.add(turn(T + 1, 2, 30, 40));
    const s = summarize(rec.snapshot(), 'b');
    rec.destroy();
    const [first, last] = evaluateThresholds(['turn_first.ttft.p50 < 20ms', 'turn_last.ttft.p50 < 20ms'], s);
    expect(first).toMatchObject({ pass: true });
    expect(first.actual).toBeCloseTo(10, 1);
    expect(last).toMatchObject({ pass: false });
    expect(last.actual).toBeCloseTo(30, 1);
    const none = summarize(new MetricsRecorder().snapshot(), 'b');
    expect(evaluateThresholds(['turn_last.e2e.p99 < 1s'], none)[0]).toMatchObject({
      pass: false,
      actual: null,
    });
  });
});
