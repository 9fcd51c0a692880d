/**
 * Cancelled requests in the statistics: counted as cancelled, those of workload.cancel also as
 * cancelled_by_workload (overall and in their window), left out of latency and length statistics and of
 * the error reasons; merged exactly across executors; rebuilt from a records file the same.
 */
import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../src/contracts/index.js';
import { recordToJson } from '../../src/loadgen/record.js';
import { snapshotFromLines } from '../../src/metrics/from-records.js';
import { mergeSnapshots } from '../../src/metrics/merge.js';
import { MetricsRecorder } from '../../src/metrics/recorder.js';
import { summarize } from '../../src/metrics/summarize.js';
import { craft } from './records.js';

const T = 1_795_000_000_000;

function records(): RequestRecord[] {
  const ok = craft({ sent: T, chunks: [T + 20, T + 30, T + 40] });
  // cancelled by the workload after 2 tokens: partial timings, but no latency
  const byWorkload = craft({ sent: T + 1, chunks: [T + 25, T + 35], end: T + 36, status: 'cancelled' });
  byWorkload.cancelled_by = 'workload';
  const byStop = craft({ sent: T + 2, chunks: [T + 900], end: T + 950, status: 'cancelled' });
  byStop.cancelled_by = 'stop';
  const failed = craft({ sent: T + 3, end: T + 50, status: 'error', error: 'http_500' });
  return [ok, byWorkload, byStop, failed];
}

function recorded(list: RequestRecord[]): MetricsRecorder {
  const rec = new MetricsRecorder({ windowSeconds: 10 });
  rec.windowStart = T;
  for (const r of list) rec.add(r);
  return rec;
}

describe('cancelled requests', () => {
  it('are counted by who cancelled them and left out of latency and length statistics', () => {
    const snap = recorded(records()).snapshot();
    expect(snap.counters).toMatchObject({
      sent: 4,
      ok: 1,
      failed: 1,
      cancelled: 2,
      cancelled_by_workload: 1,
    });
    expect(snap.windows.reduce((n, w) => n + w.counters.cancelled_by_workload, 0)).toBe(1);
    expect(snap.errors_by_reason).toEqual({ http_500: 1 });
    const s = summarize(snap, 'b');
    expect(s.requests).toEqual({ sent: 4, ok: 1, failed: 1, cancelled: 2, cancelled_by_workload: 1 });
    expect(s.latency_ms.ttft?.count).toBe(1);
    expect(s.latency_ms.itl?.count).toBe(2);
    expect(s.lengths?.output_tokens?.count).toBe(1);
    expect(s.tokens.output).toBe(3);
  });

  it('merge exactly across executors and are rebuilt from a records file the same', () => {
    const a = recorded(records()).snapshot();
    const b = recorded(records().slice(1, 2)).snapshot();
    const merged = mergeSnapshots([a, b]);
    expect(merged.counters).toMatchObject({ sent: 5, cancelled: 3, cancelled_by_workload: 2 });
    const lines = records().map(recordToJson);
    expect(JSON.parse(lines[1]).cancelled_by).toBe('workload');
    const rebuilt = snapshotFromLines(lines, { windowSeconds: 10, windowStart: T }).snapshot;
    expect(rebuilt.counters).toEqual(a.counters);
  });
});
