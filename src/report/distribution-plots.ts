/**
 * Per benchmark latency distributions as percentile plots (pure): the client's curve decoded from the
 * merged HdrHistogram of metrics.json, on a "nines" axis (x = -log10(1 - p), so 90%, 99%, 99.9% are equally
 * spaced), and the server's own percentiles (simulator ground truth, or /metrics bucket estimates) as
 * points beside it.
 */

import type { LatencyMetric, MetricsSnapshot } from '../contracts/index.js';
import { decodeHistogram } from '../metrics/histogram.js';
import type { ServerMetricsView } from '../serverstats/types.js';
import type { Plot } from './plot-types.js';

const P50_X = Math.log10(2);

/** x on the nines axis for a percentile in [0, 100). */
export function ninesX(percentile: number): number {
  return -Math.log10(1 - percentile / 100);
}

/**
 * Percentile in [0, 100) for an x on the nines axis, to 0.0001 (the grid's x are rounded: unrounded, the
 * median point would read 50.00001%, one value above the median of an even count).
 */
export function ninesPercentile(x: number): number {
  return Math.round(1e6 * (1 - 10 ** -x)) / 1e4;
}

/** The x grid: 0 to `max` in steps of 0.1, plus the median (p50). At most 4 nines (p99.99). */
export function ninesGrid(count: number): number[] {
  const max = Math.min(4, Math.max(1, Math.floor(Math.log10(Math.max(count, 1)) * 10) / 10));
  const xs: number[] = [];
  for (let i = 0; i <= Math.round(max * 10); i++) xs.push(i / 10);
  xs.push(P50_X);
  return [...new Set(xs.map((x) => Math.round(x * 1e6) / 1e6))].sort((a, b) => a - b);
}

interface ServerPoints {
  source: string;
  p50?: number;
  p90?: number;
  p99?: number;
}

/** The server's percentiles of a metric: exact ground truth first, else the bucket estimate. */
function serverPoints(m: ServerMetricsView | undefined, metric: LatencyMetric): ServerPoints | undefined {
  if (!m) return undefined;
  const exact = (metric === 'ttft' || metric === 'e2e') && m.ground_truth?.latency_ms[metric];
  if (exact) return { source: 'server (exact)', ...exact };
  const key = metric === 'tpot' ? 'request_tpot' : metric;
  const est = m.latency_ms?.[key as keyof typeof m.latency_ms];
  if (est && Number.isFinite(est.p50)) return { source: 'server (~ buckets)', ...est };
  return undefined;
}

export const DISTRIBUTION_METRICS: { metric: LatencyMetric; title: string }[] = [
  { metric: 'ttft', title: 'TTFT' },
  { metric: 'itl', title: 'ITL' },
  { metric: 'tpot', title: 'TPOT' },
  { metric: 'e2e', title: 'E2E latency' },
];

/** One percentile plot per metric that has values; `id` prefixes the plot ids. */
export function distributionPlots(
  id: string,
  snapshot: MetricsSnapshot | undefined,
  server: ServerMetricsView | undefined,
): Plot[] {
  const plots: Plot[] = [];
  for (const { metric, title } of DISTRIBUTION_METRICS) {
    const b64 = snapshot?.histograms[metric];
    if (!b64) continue;
    const h = decodeHistogram(b64);
    if (h.totalCount === 0) continue;
    const xs = ninesGrid(h.totalCount);
    const client = xs.map((x) => h.getValueAtPercentile(ninesPercentile(x)) / 1000);
    const series: Plot['series'] = [{ label: 'client' }];
    const data: (number | null)[][] = [xs, client];
    const srv = serverPoints(server, metric);
    if (srv) {
      const at = new Map<number, number | undefined>([
        [Math.round(P50_X * 1e6) / 1e6, srv.p50],
        [1, srv.p90],
        [2, srv.p99],
      ]);
      data.push(xs.map((x) => at.get(x) ?? null));
      series.push({ label: srv.source, pointsOnly: true });
    }
    plots.push({
      id: `${id}-dist-${metric}`,
      title: `${title} distribution`,
      kind: 'percentile',
      xLabel: 'percentile',
      yLabel: `${title} (ms)`,
      series,
      data,
    });
  }
  return plots;
}
