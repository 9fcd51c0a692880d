/**
 * Over-saturation (pure): whether the server could not keep up with an open-loop load, from the per-window
 * figures every executor already reports (the merged snapshot's `windows`; docs/load-generation.md
 * "Over-saturation"). Three signals, each with its evidence; any one of them makes the load saturated:
 *
 *   1. queue growth: the median TTFT (E2E when no window has TTFT: non-streaming) rises across the
 *      judged windows of the sending period — runs of consecutive full windows merged so that each holds
 *      at least `minRequests` completions (a median of a handful of requests is noise) — by a one-sided
 *      Mann–Kendall test at `alpha` (its variance corrected for serial correlation: src/decide/trend.ts),
 *      a Theil–Sen rise of at least the margin (the largest of `minRise` × the lowest judged median,
 *      `minRiseMs` and `minRiseService` × the fastest E2E: a queue half a request's service time longer
 *      per slot), and a sustained rise (each half of the judged windows rises by half the margin: a
 *      passing burst or the queue filling after warmup rises in one part only); needs `minWindows`
 *      judged windows (fewer: the trend is not judged);
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
import type { MetricsSnapshot, WindowSnapshot } from '../contracts/index.js';
import { mergeEncoded } from '../metrics/histogram.js';
import { decodedStats, latencyStats } from '../metrics/summarize.js';
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
  minRiseService: 0.5,
  minRequests: 20,
  servedShare: 0.9,
  servedSigmas: 3,
  rejectShare: 0.01,
} as const;

/**
 * What the live watch of `stop_on_saturation` judges by: it looks once per window, and every look is a
 * chance of a false alarm, so each uses a stricter level (a Pocock-style constant boundary for about ten
 * looks at 0.05 overall) and the served test four Poisson deviations. A benchmark the watch lets run is
 * still judged once, at the end, by `SATURATION`.
 */
export const LIVE_SATURATION = { alpha: 0.01, servedSigmas: 4 } as const;

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

/** Runs of k consecutive full windows merged into judged windows of at least `minRequests` completions on average. */
interface Judged {
  /** Seconds from the first full window to the middle of this judged window. */
  x: number;
  median: number;
}

function judgedWindows(
  full: WindowSnapshot[],
  metric: TrendEvidence['metric'],
  lenMs: number,
  a: number,
  minRequests: number,
): { points: Judged[]; merged: number } {
  const counts = full.map((w) => w.counters.ok);
  const mean = counts.length ? counts.reduce((x, y) => x + y, 0) / counts.length : 0;
  const k = mean > 0 ? Math.max(1, Math.round(minRequests / mean)) : 1;
  // whole groups of k windows, the earliest leftover windows left out (the latest say most of a queue)
  const groups: WindowSnapshot[][] = [];
  for (let end = full.length; end - k >= 0; end -= k) groups.unshift(full.slice(end - k, end));
  const points = groups.flatMap((g) => {
    const h = mergeEncoded(g.map((w) => w.histograms[metric]));
    if (!h) return [];
    const p50 = h.totalCount > 0 ? latencyStats(h).p50 : undefined;
    h.destroy();
    return p50 === undefined ? [] : [{ x: (g[0].start + (k * lenMs) / 2 - a) / 1000, median: p50 }];
  });
  return { points, merged: k };
}

/** The Theil–Sen rise of y over the whole span of x (0 for fewer than 2 points). */
function riseOver(points: Judged[]): number {
  if (points.length < 2) return 0;
  const t = trend(
    points.map((p) => p.x),
    points.map((p) => p.median),
  );
  const slope = t?.slope ?? (points[1].median - points[0].median) / Math.max(1e-9, points[1].x - points[0].x);
  return slope * (points[points.length - 1].x - points[0].x);
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
  const { points, merged } = judgedWindows(full, metric, lenMs, a, th.minRequests);
  // the latency of a request that did not queue: what one more request in the queue adds, per slot
  const service = decodedStats(snapshot.histograms.e2e)?.min ?? 0;
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
          points.map((p) => p.median),
        )
      : undefined;
  if (t) {
    const ys = points.map((p) => p.median);
    const baseline = Math.min(...ys);
    const rise = t.slope * (points[points.length - 1].x - points[0].x);
    const margin = Math.max(th.minRise * baseline, th.minRiseMs, th.minRiseService * service);
    // a queue that grows without bound rises all along; a passing burst (or the queue filling after
    // warmup) rises in one part only: each half of the judged windows must rise by half the margin
    const half = Math.floor(points.length / 2);
    const halves = [riseOver(points.slice(0, half)), riseOver(points.slice(points.length - half))];
    const sustained = halves.every((r) => r >= margin / 2);
    const rising = t.p_rising < th.alpha && rise >= margin && sustained;
    report.trend = {
      metric,
      windows: points.length,
      merged_windows: merged,
      medians_ms: ys,
      kendall_s: t.s,
      tau: t.tau,
      p_value: t.p_rising,
      variance_factor: t.variance_factor,
      slope_ms_per_s: t.slope,
      rise_ms: rise,
      baseline_ms: baseline,
      margin_ms: margin,
      half_rises_ms: halves,
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
    const lag = service;
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
