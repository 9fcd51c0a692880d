/**
 * Late sends are judged from the record (sent − scheduled > LATE_MS), the same difference as schedule lag,
 * whatever the request's status, and counted in the window of its completion.
 */
import { describe, expect, it } from 'vitest';
import { LATE_MS, MetricsRecorder } from '../../src/metrics/recorder.js';
import { craft } from './records.js';

const T = 1_700_000_000_000;

describe('late sends from the record', () => {
  it('counts sent − scheduled > 10 ms, any status, in the completion window; closed loop never', () => {
    expect(LATE_MS).toBe(10);
    const rec = new MetricsRecorder({ openLoop: true, windowSeconds: 1 });
    rec.windowStart = T;
    // on time / exactly at the limit: not late
    rec.add(craft({ scheduled: T, sent: T + 2, chunks: [T + 20, T + 30], output: 2 }));
    rec.add(craft({ scheduled: T, sent: T + 10, chunks: [T + 20, T + 30], output: 2 }));
    // late: ok, failed and cancelled alike; the last one ends in the next window
    rec.add(craft({ scheduled: T, sent: T + 10.5, chunks: [T + 40, T + 50], output: 2 }));
    rec.add(craft({ scheduled: T + 100, sent: T + 300, end: T + 400, status: 'error', error: 'http_500' }));
    rec.add(craft({ scheduled: T + 200, sent: T + 900, end: T + 1500, status: 'cancelled' }));
    const s = rec.snapshot();
    expect(s.counters).toMatchObject({ sent: 5, ok: 3, failed: 1, cancelled: 1, late_sends: 3 });
    expect(s.windows.map((w) => [w.start, w.counters.late_sends, w.counters.sent])).toEqual([
      [T, 2, 4],
      [T + 1000, 1, 1],
    ]);
    rec.destroy();

    const closed = new MetricsRecorder({ windowSeconds: 1 });
    closed.add(craft({ scheduled: T, sent: T + 500, chunks: [T + 600], output: 1 }));
    expect(closed.snapshot().counters.late_sends).toBe(0);
    closed.destroy();
  });
});
