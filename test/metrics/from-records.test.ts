/**
 * Metrics rebuilt from a records file equal what the executor recorded for those records: the same
 * counters, error reasons, histograms (byte for byte) and time windows, for streaming requests with
 * sub-millisecond stamps on the epoch clock, warmup lines, failures, cancellations and an SLO.
 */
import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../src/contracts/index.js';
import { newRecord, recordToJson } from '../../src/loadgen/record.js';
import { snapshotFromLines } from '../../src/metrics/from-records.js';
import { MetricsRecorder, type RecorderOptions } from '../../src/metrics/recorder.js';
import { summarize } from '../../src/metrics/summarize.js';

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Records as an executor finishes them: in completion order, stamps on performance's epoch clock. */
function records(n: number, seed: number): RequestRecord[] {
  const rand = rng(seed);
  const t0 = 1_795_000_000_000 + rand() * 1000;
  const out: RequestRecord[] = [];
  let clock = t0;
  for (let i = 0; i < n; i++) {
    const scheduled = clock + rand() * 3;
    const r = newRecord({
      id: `x-${i}`,
      benchmark: 'b',
      executor: 'x',
      warmup: i < 20,
      api: 'completions',
      stream: true,
      scheduled,
      prompt_tokens_client: 5 + Math.floor(rand() * 50),
    });
    r.server = 'http://127.0.0.1:9';
    r.sent = scheduled + rand() * 20; // some late sends (> 10 ms)
    const kind = rand();
    let t = r.sent + 5 + rand() * 200;
    if (kind < 0.1) {
      r.status = 'error';
      r.error = kind < 0.05 ? 'http_503' : 'ECONNRESET';
      r.end = t;
    } else {
      const chunks = 1 + Math.floor(rand() * 40);
      for (let c = 0; c < chunks; c++) {
        r.chunks.push(t);
        t += rand() * rand() * 30;
      }
      r.first_token = r.chunks[0];
      r.last_token = r.chunks[r.chunks.length - 1];
      r.end = r.last_token + rand();
      r.status = kind < 0.15 ? 'cancelled' : 'ok';
      r.output_tokens_client = chunks;
      r.output_tokens = chunks;
      r.prompt_tokens = r.prompt_tokens_client;
      r.tokens_source = 'client';
    }
    clock = r.end;
    out.push(r);
  }
  return out;
}

/** What the executor does with each finished request (src/loadgen/run/context.ts `issue`). */
function asExecutor(list: RequestRecord[], opts: RecorderOptions, windowStart: number) {
  const rec = new MetricsRecorder(opts);
  rec.windowStart = windowStart;
  let lastSend: number | undefined;
  const lines: string[] = [];
  for (const r of list) {
    if (!r.warmup) {
      if (lastSend === undefined || r.sent > lastSend) lastSend = r.sent;
      rec.add(r);
    }
    lines.push(recordToJson(r));
  }
  const snapshot = rec.snapshot();
  snapshot.last_send = lastSend;
  rec.destroy();
  return { snapshot, lines };
}

describe('metrics rebuilt from a records file', () => {
  for (const openLoop of [false, true])
    it(`equal the executor's own snapshot for those records (${openLoop ? 'open' : 'closed'} loop)`, () => {
      const list = records(3000, openLoop ? 7 : 3);
      const opts: RecorderOptions = {
        benchmark: 'b',
        source: 'x',
        openLoop,
        requestedRps: openLoop ? 40 : undefined,
        windowSeconds: 1,
        slo: { ttft_ms: 100, e2e_ms: 400 },
      };
      const windowStart = list[20].scheduled - 0.25;
      const own = asExecutor(list, opts, windowStart);
      const rebuilt = snapshotFromLines(own.lines, { ...opts, windowStart });
      expect(rebuilt.lines).toBe(3000);
      expect(rebuilt.skipped).toBe(0);
      expect(rebuilt.snapshot).toEqual(own.snapshot);
      const c = rebuilt.snapshot.counters;
      expect(c.sent).toBe(2980);
      expect(c.ok).toBeGreaterThan(0);
      expect(c.failed).toBeGreaterThan(0);
      expect(c.cancelled).toBeGreaterThan(0);
      expect(c.good).toBeLessThan(c.ok);
      expect(rebuilt.snapshot.windows.length).toBeGreaterThan(10);
      if (openLoop) expect(c.late_sends).toBeGreaterThan(0);
      // and so every figure of the summary
      expect(summarize(rebuilt.snapshot, 'b')).toEqual(summarize(own.snapshot, 'b'));
    });

  it('skip a line cut by a killed executor; without a start, the window starts at the first measured schedule', () => {
    const list = records(50, 11);
    const { lines } = asExecutor(list, {}, 0);
    const cut = [...lines.slice(0, 49), lines[49].slice(0, 40)];
    const rebuilt = snapshotFromLines(cut);
    expect(rebuilt.skipped).toBe(1);
    expect(rebuilt.lines).toBe(49);
    expect(rebuilt.snapshot.counters.sent).toBe(29);
    expect(rebuilt.snapshot.window_start).toBe(Math.min(...list.slice(20, 49).map((r) => r.scheduled)));
  });
});
