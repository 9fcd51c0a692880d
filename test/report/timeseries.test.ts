/** timeseries.csv: the merged snapshot's windows decoded, one row per window, in the benchmark's folder. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MetricsSnapshot } from '../../src/contracts/index.js';
import { mergeSnapshots } from '../../src/metrics/merge.js';
import { MetricsRecorder } from '../../src/metrics/recorder.js';
import { summarize } from '../../src/metrics/summarize.js';
import { ResultsWriter } from '../../src/report/results-writer.js';
import { TIMESERIES_HEADER, timeseriesCsv } from '../../src/report/timeseries.js';
import { craft } from '../metrics/records.js';

const W = 1_700_000_000_000; // a multiple of 1 s

let base: string;
beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'hpcbench-timeseries-'));
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

/** Two executors, 1 s windows, measurement from W+400 to the last completion at W+2100. */
function merged(): MetricsSnapshot {
  const a = new MetricsRecorder({ openLoop: true, windowSeconds: 1, source: 'a' });
  a.windowStart = W + 400;
  // window W: ttft 20, itl 40 40, tpot 40, e2e 100, lag 10 (not late); one failure
  a.add(craft({ scheduled: W + 490, sent: W + 500, chunks: [W + 520, W + 560, W + 600], output: 3 }));
  a.add(craft({ sent: W + 650, end: W + 700, status: 'error', error: 'http_500' }));
  // window W+1000: late (lag 100), ttft 100, itl 200, tpot 200, e2e 300
  a.add(craft({ scheduled: W + 1100, sent: W + 1200, chunks: [W + 1300, W + 1500], output: 2 }));
  const b = new MetricsRecorder({ openLoop: true, windowSeconds: 1, source: 'b' });
  b.windowStart = W + 400;
  // window W+1000: ttft 50, itl 250, tpot 250, e2e 300, lag 0
  b.add(craft({ scheduled: W + 1400, sent: W + 1400, chunks: [W + 1450, W + 1700], output: 2 }));
  // window W+2000: only a failure
  b.add(craft({ sent: W + 2050, end: W + 2100, status: 'error', error: 'timeout' }));
  const m = mergeSnapshots([a.snapshot(), b.snapshot()]);
  a.destroy();
  b.destroy();
  return m;
}

function parse(csv: string): { header: string[]; rows: Record<string, string>[] } {
  const [head, ...rest] = csv.trimEnd().split('\n');
  const header = head.split(',');
  return {
    header,
    rows: rest.map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i], v]))),
  };
}

/** Within the histograms' 3-digit precision. */
const near = (got: string, want: number) => {
  expect(got).not.toBe('');
  expect(Math.abs(Number(got) - want)).toBeLessThanOrEqual(want * 0.002 + 0.001);
};

describe('timeseries.csv', () => {
  it('is written in the benchmark folder: header, one row per window, decoded values', async () => {
    const w = await ResultsWriter.create(base, 'demo');
    await w.prepareBenchmark('b 1');
    const snapshot = merged();
    await w.writeBenchmark({
      name: 'b 1',
      status: 'completed',
      metrics: {
        total_requests: 5,
        total_errors: 2,
        avg_latency: 0,
        p50_latency: 0,
        p90_latency: 0,
        p99_latency: 0,
        throughput_rps: 0,
        per_client: [],
        summary: summarize(snapshot, 'b 1'),
        snapshot,
      },
    });
    const { header, rows } = parse(await readFile(join(w.benchmarkDir('b 1'), 'timeseries.csv'), 'utf8'));
    expect(header).toEqual([
      'start',
      't_s',
      'duration_s',
      'sent',
      'ok',
      'failed',
      'cancelled',
      'cancelled_by_workload',
      'late_sends',
      'dropped_sends',
      'output_tokens',
      'requested_rps',
      'requests_per_s',
      'output_tokens_per_s',
      'ttft_p50_ms',
      'ttft_p99_ms',
      'itl_p50_ms',
      'itl_p99_ms',
      'tpot_p50_ms',
      'tpot_p99_ms',
      'e2e_p50_ms',
      'e2e_p99_ms',
      'schedule_lag_p50_ms',
      'schedule_lag_p99_ms',
    ]);
    expect(header).toEqual(TIMESERIES_HEADER);
    expect(rows).toHaveLength(3);
    const [r1, r2, r3] = rows;
    // the first window is cut at the measurement start, the last at the last completion
    expect([r1.start, r1.t_s, r1.duration_s]).toEqual([new Date(W + 400).toISOString(), '0', '0.6']);
    expect([r2.start, r2.t_s, r2.duration_s]).toEqual([new Date(W + 1000).toISOString(), '0.6', '1']);
    expect([r3.start, r3.t_s, r3.duration_s]).toEqual([new Date(W + 2000).toISOString(), '1.6', '0.1']);
    expect(rows.map((r) => [r.sent, r.ok, r.failed, r.cancelled, r.late_sends, r.dropped_sends])).toEqual([
      ['2', '1', '1', '0', '0', '0'],
      ['2', '2', '0', '0', '1', '0'],
      ['1', '0', '1', '0', '0', '0'],
    ]);
    expect(rows.map((r) => r.output_tokens)).toEqual(['3', '4', '0']);
    near(r1.requests_per_s, 1 / 0.6);
    near(r1.output_tokens_per_s, 3 / 0.6);
    near(r2.requests_per_s, 2);
    near(r2.output_tokens_per_s, 4);
    expect([r3.requests_per_s, r3.output_tokens_per_s]).toEqual(['0', '0']);
    // closed loop: no requested rate
    expect(rows.map((r) => r.requested_rps)).toEqual(['', '', '']);
    near(r1.ttft_p50_ms, 20);
    near(r1.ttft_p99_ms, 20);
    near(r1.itl_p50_ms, 40);
    near(r1.tpot_p99_ms, 40);
    near(r1.e2e_p50_ms, 100);
    near(r1.schedule_lag_p50_ms, 10);
    // two executors' requests in one window: percentiles of the union
    near(r2.ttft_p50_ms, 50);
    near(r2.ttft_p99_ms, 100);
    near(r2.itl_p50_ms, 200);
    near(r2.itl_p99_ms, 250);
    near(r2.tpot_p50_ms, 200);
    near(r2.tpot_p99_ms, 250);
    near(r2.e2e_p99_ms, 300);
    expect(r2.schedule_lag_p50_ms).toBe('0');
    near(r2.schedule_lag_p99_ms, 100);
    // no latency in a window of failures only: empty cells
    for (const k of header.filter((h) => h.endsWith('_ms'))) expect(r3[k]).toBe('');
  });

  it('dropped_sends empty in every row when some executor’s unsent arrivals were not counted, never 0', () => {
    const snapshot = { ...merged(), dropped_sends_uncounted: ['b: no records file'] };
    const { rows } = parse(timeseriesCsv(snapshot));
    expect(rows.map((r) => r.dropped_sends)).toEqual(['', '', '']);
    // the other counters stay
    expect(rows.map((r) => r.sent)).toEqual(['2', '2', '1']);
  });

  it('header only when there is no snapshot or no window', () => {
    expect(timeseriesCsv(undefined)).toBe(`${TIMESERIES_HEADER.join(',')}\n`);
    const empty = new MetricsRecorder({ windowSeconds: 1 });
    expect(timeseriesCsv(empty.snapshot())).toBe(`${TIMESERIES_HEADER.join(',')}\n`);
    empty.destroy();
  });
});
