/**
 * Suites and sweeps (pure): each headline metric against the swept parameter (one series per
 * combination of the other varying parameters), and the Pareto view: output tokens/s per user
 * (1000 / mean TPOT: the decode speed one user sees) against total output tokens/s, with the frontier
 * of benchmarks no other beats on both.
 */
import type { BenchmarkSummary } from '../metrics/types.js';
import type { BenchmarkParameters } from './params.js';
import type { Plot } from './plot-types.js';

export interface SweepPoint {
  name: string;
  params: BenchmarkParameters;
  summary?: BenchmarkSummary;
}

export const HEADLINE_METRICS: {
  key: string;
  label: string;
  value: (s: BenchmarkSummary) => number | undefined;
}[] = [
  { key: 'rps', label: 'requests/s', value: (s) => s.throughput.requests_per_s },
  { key: 'tokps', label: 'output tokens/s', value: (s) => s.throughput.output_tokens_per_s },
  { key: 'ttft50', label: 'TTFT p50 (ms)', value: (s) => s.latency_ms.ttft?.p50 },
  { key: 'ttft99', label: 'TTFT p99 (ms)', value: (s) => s.latency_ms.ttft?.p99 },
  { key: 'tpot50', label: 'TPOT p50 (ms)', value: (s) => s.latency_ms.tpot?.p50 },
  { key: 'itl50', label: 'ITL p50 (ms)', value: (s) => s.latency_ms.itl?.p50 },
  { key: 'e2e50', label: 'E2E p50 (ms)', value: (s) => s.latency_ms.e2e?.p50 },
  { key: 'e2e99', label: 'E2E p99 (ms)', value: (s) => s.latency_ms.e2e?.p99 },
];

const X_PREFERENCE = [
  'total_users',
  'target_rps',
  'users_per_executor',
  'max_concurrency',
  'output_tokens',
  'input_tokens',
];

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The parameter for the x axis: a varying numeric one (load first), else undefined (x = benchmark index). */
export function sweepAxis(points: SweepPoint[], varying: string[]): string | undefined {
  const numeric = varying.filter((k) => points.every((p) => isNum(p.params[k])));
  return X_PREFERENCE.find((k) => numeric.includes(k)) ?? numeric[0];
}

function finite(v: number | undefined): number | null {
  return v !== undefined && Number.isFinite(v) ? v : null;
}

/** One plot per headline metric, x = the swept parameter. */
export function sweepPlots(points: SweepPoint[], varying: string[]): Plot[] {
  const measured = points.filter((p) => p.summary && p.summary.requests.ok > 0);
  if (measured.length < 2) return [];
  const axis = sweepAxis(measured, varying);
  // Parameters that move together with the axis (total and per-executor users) do not split series.
  const others = varying.filter(
    (k) =>
      k !== axis &&
      !(
        axis &&
        ['total_users', 'users_per_executor'].includes(k) &&
        ['total_users', 'users_per_executor'].includes(axis)
      ),
  );
  const groupOf = (p: SweepPoint) => others.map((k) => `${k}=${p.params[k]}`).join(', ') || 'benchmarks';
  const groups = [...new Set(measured.map(groupOf))];
  const xs = axis
    ? [...new Set(measured.map((p) => p.params[axis] as number))].sort((a, b) => a - b)
    : measured.map((_, i) => i + 1);
  const xOf = (p: SweepPoint, i: number) => (axis ? (p.params[axis] as number) : i + 1);
  return HEADLINE_METRICS.map((m) => {
    const data: (number | null)[][] = [xs];
    for (const g of groups) {
      const ys: (number | null)[] = xs.map(() => null);
      measured.forEach((p, i) => {
        if (groupOf(p) !== g) return;
        ys[xs.indexOf(xOf(p, i))] = finite(m.value(p.summary!));
      });
      data.push(ys);
    }
    return {
      id: `sweep-${m.key}`,
      title: `${m.label} vs ${axis ?? 'benchmark'}`,
      kind: 'xy' as const,
      xLabel: axis ?? 'benchmark #',
      yLabel: m.label,
      series: groups.map((g) => ({ label: g })),
      data,
      ...(axis ? {} : { pointLabels: measured.map((p) => p.name) }),
    };
  });
}

/** Indices of the points on the Pareto frontier (maximising both coordinates). */
export function paretoFrontier(pts: { x: number; y: number }[]): number[] {
  return pts
    .map((p, i) => ({ ...p, i }))
    .filter((p) => !pts.some((q) => q.x >= p.x && q.y >= p.y && (q.x > p.x || q.y > p.y)))
    .map((p) => p.i);
}

/** The Pareto plot: per-user decode speed vs total output tokens/s, one point per benchmark. */
export function paretoPlot(points: SweepPoint[]): Plot | undefined {
  const pts = points.flatMap((p) => {
    const x = p.summary?.throughput.output_tokens_per_s;
    const tpot = p.summary?.latency_ms.tpot?.mean;
    if (!isNum(x) || !isNum(tpot) || tpot <= 0 || x <= 0) return [];
    return [{ name: p.name, x, y: 1000 / tpot }];
  });
  if (pts.length < 2) return undefined;
  const order = pts.map((_, i) => i).sort((a, b) => pts[a].x - pts[b].x || pts[a].y - pts[b].y);
  const sorted = order.map((i) => pts[i]);
  const front = new Set(paretoFrontier(sorted));
  return {
    id: 'sweep-pareto',
    title: 'Pareto: output tokens/s per user vs total output tokens/s',
    kind: 'xy',
    xLabel: 'total output tokens/s',
    yLabel: 'output tokens/s per user (1000 / mean TPOT)',
    series: [{ label: 'benchmark', pointsOnly: true }, { label: 'Pareto frontier' }],
    data: [sorted.map((p) => p.x), sorted.map((p) => p.y), sorted.map((p, i) => (front.has(i) ? p.y : null))],
    pointLabels: sorted.map((p) => p.name),
  };
}

/** One probe of a capacity search: the value probed, its verdict and a condition's figure. */
export interface SearchPlotPoint {
  value: number;
  verdict: string;
  actual: number | null;
}

/**
 * A capacity search: the first SLO condition's figure at every probed value, passes and failures apart,
 * with the condition's limit as a line; undefined with fewer than two probes.
 */
export function searchPlot(
  points: SearchPlotPoint[],
  condition: { figure: string; limit: number },
  field: string,
): Plot | undefined {
  if (points.length < 2) return undefined;
  const sorted = [...points].sort((a, b) => a.value - b.value);
  const only = (v: string) => sorted.map((p) => (p.verdict === v ? p.actual : null));
  return {
    id: 'search-probes',
    title: `Capacity search: ${condition.figure} per probe`,
    kind: 'xy',
    xLabel: field,
    yLabel: condition.figure,
    series: [
      { label: 'meets the SLO', pointsOnly: true },
      { label: 'fails the SLO', pointsOnly: true },
      { label: 'invalid (load generator)', pointsOnly: true },
      { label: `limit ${condition.limit}` },
    ],
    data: [
      sorted.map((p) => p.value),
      only('pass'),
      only('fail'),
      only('invalid'),
      sorted.map(() => condition.limit),
    ],
  };
}
