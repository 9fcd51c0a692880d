/**
 * `timeseries.csv`: a benchmark's per-window data decoded, one row per time window of the (merged)
 * snapshot, in time order. Windows are aligned to multiples of `window_seconds` since the epoch, so the
 * first and the last row usually cover only the part of their window inside the measurement (from
 * `window_start`, the end of warmup, to `window_end`, the last completion): `start`, `t_s` and
 * `duration_s` give that part, and rates are over it. Latency columns are milliseconds, empty when the
 * window holds no value of that metric; a rate is empty when the row's duration is 0. `dropped_sends` is
 * empty in every row when some executor's unsent arrivals were not counted (the snapshot's
 * `dropped_sends_uncounted`): a window's count would leave them out.
 */

import type { LatencyMetric, MetricsSnapshot } from '../contracts/index.js';
import { decodedStats } from '../metrics/summarize.js';

export const TIMESERIES_METRICS: LatencyMetric[] = ['ttft', 'itl', 'tpot', 'e2e', 'schedule_lag'];

export const TIMESERIES_HEADER = [
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
  ...TIMESERIES_METRICS.flatMap((m) => [`${m}_p50_ms`, `${m}_p99_ms`]),
];

/** At most 3 decimals (1 µs for ms, 1 ms for seconds), no trailing zeros; '' for undefined. */
function num(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '';
  return String(Math.round(v * 1000) / 1000);
}

/**
 * The CSV text (header line, then one line per window), from a snapshot. `requested` gives the requests a
 * rate ramp asked for between two epoch ms (src/loadgen/schedule/share.ts); a fixed open-loop rate is
 * the snapshot's `requested_rps`; closed loop leaves the column empty.
 */
export function timeseriesCsv(
  snapshot: MetricsSnapshot | undefined,
  requested?: (fromMs: number, toMs: number) => number,
): string {
  const lines = [TIMESERIES_HEADER.join(',')];
  const windows = [...(snapshot?.windows ?? [])].sort((a, b) => a.start - b.start);
  if (snapshot && windows.length > 0) {
    const lenMs = (snapshot.window_seconds ?? 10) * 1000;
    const uncounted = !!snapshot.dropped_sends_uncounted?.length;
    const from = snapshot.window_start ?? windows[0].start;
    const to = snapshot.window_end;
    for (const w of windows) {
      const start = Math.max(w.start, from);
      const end = Math.min(w.start + lenMs, to ?? w.start + lenMs);
      const secs = Math.max(0, (end - start) / 1000);
      const rate = (n: number): number | undefined => (secs > 0 ? n / secs : undefined);
      const c = w.counters;
      const row: string[] = [
        new Date(start).toISOString(),
        num((start - from) / 1000),
        num(secs),
        String(c.sent),
        String(c.ok),
        String(c.failed),
        String(c.cancelled),
        String(c.cancelled_by_workload ?? 0),
        String(c.late_sends),
        uncounted ? '' : String(c.dropped_sends),
        String(c.output_tokens),
        num(requested ? rate(requested(start, end)) : secs > 0 ? snapshot.requested_rps : undefined),
        num(rate(c.ok)),
        num(rate(c.output_tokens)),
      ];
      for (const m of TIMESERIES_METRICS) {
        const st = decodedStats(w.histograms[m]);
        const has = st !== undefined && st.count > 0;
        row.push(has ? num(st.p50) : '', has ? num(st.p99) : '');
      }
      lines.push(row.join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}
