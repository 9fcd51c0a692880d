/**
 * Over-saturation (pure): whether the server could not keep up with an open-loop load, from the per-window
 * figures every executor already reports (the merged snapshot's `windows`; docs/load-generation.md
 * "Over-saturation"). Three signals, each with its evidence; any one of them makes the load saturated:
 *
 *   1. queue growth: the per-window median TTFT (E2E when no window has TTFT: non-streaming) rises
 *      across the full windows of the sending period — a one-sided Mann–Kendall test at `alpha`, and a
 *      Theil–Sen rise over those windows of at least `minRise` × the lowest window median and
 *      `minRiseMs`; needs `minWindows` full windows (fewer: the trend is not judged);
 *   2. served below requested: the requests completed OK in those windows fall below `servedShare` of
 *      what the schedule asked for over the same span shifted back by the fastest E2E (the latency
 *      without a queue; windows before window_start + that latency are left out), and by more than
 *      `servedSigmas` Poisson standard deviations (√requested);
 *   3. rejections: HTTP 429 and 503 answers above `rejectShare` of the finished requests.
 *
 * Windows hold requests by completion time, aligned to multiples of `window_seconds` since the epoch. A
 * full window lies inside [window_start, until]: `until` is the end of sending (the planned end of the
 * measurement, or now while the benchmark runs), so the drain after the last send is never read. The
 * served test assumes the generator sent on schedule (the validity gate judges that separately).
 */
import type { MetricsSnapshot } from '../contracts/index.js';
import { decodedStats } from '../metrics/summarize.js';
import type { SaturationReport, TrendEvidence } from '../results-folder/types.js';
import { trend } from './trend.js';

export type {
  RejectedEvidence,
  SaturationReport,
  ServedEvidence,
  TrendEvidence,
} from '../results-folder/types.js';

/** The detector's thresholds (docs/load-generation.md); every one can be overridden per call. */
export const SATURATION = {
  alpha: 0.05,
  minWindows: 4,
  minRise: 0.5,
  minRiseMs: 10,
  servedShare: 0.9,
  servedSigmas: 3,
  rejectShare: 0.01,
} as const;

export type SaturationThresholds = { -readonly [K in keyof typeof SATURATION]: number };

export interface SaturationOptions extends Partial<SaturationThresholds> {
  /** Epoch ms of the end of sending: windows ending after it are not read (default: `last_send`). */
  until?: number;
  /**
   * Requests the schedule asked for (all executors) between two epoch ms; default `requested_rps` ×
   * seconds after `window_start`. A rate ramp passes its integral.
   */
  requested?: (fromMs: number, toMs: number) => number;
}

const fmt = (v: number, digits = 1): string => v.toFixed(digits);

function median(b64: string | undefined): number | undefined {
  const st = decodedStats(b64);
  return st && st.count > 0 ? st.p50 : undefined;
}

/** The saturation verdict of an open-loop benchmark's (merged) snapshot, with its evidence. */
export function detectSaturation(snapshot: MetricsSnapshot, opts: SaturationOptions = {}): SaturationReport {
  const th: SaturationThresholds = { ...SATURATION, ...opts };
  const lenMs = (snapshot.window_seconds ?? 10) * 1000;
  const from = snapshot.window_start ?? snapshot.windows[0]?.start ?? 0;
  const until = opts.until ?? snapshot.last_send ?? snapshot.window_end ?? from;
  const a = Math.ceil(from / lenMs) * lenMs;
  const b = Math.max(a, Math.floor(until / lenMs) * lenMs);
  const full = snapshot.windows
    .filter((w) => w.start >= a && w.start + lenMs <= b)
    .sort((x, y) => x.start - y.start);
  const metric: TrendEvidence['metric'] = full.some((w) => w.histograms.ttft) ? 'ttft' : 'e2e';
  const points = full.flatMap((w) => {
    const m = median(w.histograms[metric]);
    return m === undefined ? [] : [{ x: (w.start + lenMs / 2 - a) / 1000, y: m }];
  });
  const reasons: string[] = [];
  const report: SaturationReport = {
    saturated: false,
    reasons,
    windows: (b - a) / lenMs,
    window_seconds: lenMs / 1000,
    rejected: { count: 0, share: 0, over: false },
  };

  const t =
    points.length >= th.minWindows
      ? trend(
          points.map((p) => p.x),
          points.map((p) => p.y),
        )
      : undefined;
  if (t) {
    const ys = points.map((p) => p.y);
    const baseline = Math.min(...ys);
    const rise = t.slope * (points[points.length - 1].x - points[0].x);
    const rising = t.p_rising < th.alpha && rise >= Math.max(th.minRise * baseline, th.minRiseMs);
    report.trend = {
      metric,
      windows: points.length,
      medians_ms: ys,
      kendall_s: t.s,
      tau: t.tau,
      p_value: t.p_rising,
      slope_ms_per_s: t.slope,
      rise_ms: rise,
      baseline_ms: baseline,
      rising,
    };
    if (rising)
      reasons.push(
        `${metric.toUpperCase()} p50 rising across ${points.length} windows: ${fmt(ys[0])} → ${fmt(ys[ys.length - 1])} ms ` +
          `(Mann–Kendall p = ${t.p_rising.toPrecision(2)}, Theil–Sen +${fmt(t.slope)} ms/s)`,
      );
  }

  const requested =
    opts.requested ??
    (snapshot.requested_rps !== undefined
      ? (f: number, to: number) => (snapshot.requested_rps! * Math.max(0, to - Math.max(f, from))) / 1000
      : undefined);
  if (requested) {
    // a request sent at t completes no sooner than t + the no-queue latency (the fastest E2E): compare
    // from the first full window after window_start + that latency with the schedule shifted by it
    const lag = decodedStats(snapshot.histograms.e2e)?.min ?? 0;
    const a2 = Math.ceil((from + lag) / lenMs) * lenMs;
    const asked = b > a2 ? requested(a2 - lag, b - lag) : 0;
    const served = full.reduce((n, w) => n + (w.start >= a2 ? w.counters.ok : 0), 0);
    const secs = (b - a2) / 1000;
    if (asked > 0) {
      const share = served / asked;
      const below = share < th.servedShare && asked - served > th.servedSigmas * Math.sqrt(asked);
      report.served = {
        seconds: secs,
        served,
        requested: asked,
        served_rps: served / secs,
        requested_rps: asked / secs,
        share,
        below,
      };
      if (below)
        reasons.push(
          `served ${fmt(served / secs, 2)} req/s of ${fmt(asked / secs, 2)} requested (${fmt(100 * share, 0)}%) over ${fmt(secs, 0)} s`,
        );
    }
  }

  const errors = snapshot.errors_by_reason ?? {};
  const count = (errors.http_429 ?? 0) + (errors.http_503 ?? 0);
  const finished = snapshot.counters.sent;
  const share = finished > 0 ? count / finished : 0;
  report.rejected = { count, share, over: share > th.rejectShare };
  if (report.rejected.over)
    reasons.push(`${fmt(100 * share)}% of requests rejected (HTTP 429/503: ${count} of ${finished})`);

  report.saturated = reasons.length > 0;
  return report;
}

/** `saturated: <reasons>` / `not saturated` (`stopped early at 12 s of 60 s` when it was). */
export function saturationText(s: SaturationReport): string {
  const stop = s.stopped_early
    ? `; stopped early at ${fmt(s.stopped_early.at_s, 0)} s of ${fmt(s.stopped_early.planned_s, 0)} s`
    : '';
  return s.saturated ? `over-saturated: ${s.reasons.join('; ')}${stop}` : 'not saturated';
}
