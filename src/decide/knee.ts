/**
 * The knee of a sweep (pure; docs/metrics.md "Knee of a sweep"): over benchmarks that vary the load — the
 * open-loop rate (`target_rps`) or the closed-loop users (`total_users`) — the point after which more load
 * buys latency instead of throughput. Method: **Kneedle** (Satopää et al., 2011) on the curve of
 * throughput (x, requests/s) against latency (y, E2E p50 ms), taken in the order of the load: both are
 * normalised to [0, 1] over the sweep and the knee is the point of largest difference x − y (farthest
 * below the chord of a convex rising curve). A maximum at the first or last point is no knee (the sweep
 * did not cross one), nor is a sweep whose latency or throughput hardly moved (less than `MIN_CHANGE`
 * relative to its smallest value) or one of fewer than 3 points. Benchmarks that differ in anything else
 * (another varying parameter) form separate curves, each with its knee.
 */

export const KNEE_METHOD = 'kneedle (throughput vs E2E p50, normalised)';
/** The least relative change of latency and of throughput over a sweep for a knee to be sought. */
export const MIN_CHANGE = 0.2;

export interface KneeInput {
  name: string;
  /** The benchmark's parameters (summary.json `parameters`). */
  params: Record<string, string | number | boolean | undefined>;
  /** Requests/s completed and E2E p50 (ms); undefined when the benchmark has none. */
  throughput?: number;
  latency?: number;
}

export interface Knee {
  method: string;
  /** The load parameter swept: `target_rps` or `total_users`. */
  load: string;
  /** The other parameters that define this curve (`gen_tokens=32`), when several curves. */
  group?: string;
  /** Benchmarks on the curve, in load order. */
  points: { name: string; load: number; throughput_rps: number; latency_ms: number }[];
  /** The knee's benchmark; undefined when the curve has none (then `note` says why). */
  knee?: { name: string; load: number; throughput_rps: number; latency_ms: number };
  note?: string;
}

const LOADS = ['target_rps', 'total_users'] as const;
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The index of the knee of (x, y) points in load order, or why there is none. */
export function kneedle(x: readonly number[], y: readonly number[]): { index?: number; note?: string } {
  const n = x.length;
  if (n < 3) return { note: 'fewer than 3 benchmarks' };
  const span = (v: readonly number[]) => [Math.min(...v), Math.max(...v)] as const;
  const [x0, x1] = span(x);
  const [y0, y1] = span(y);
  if (!(y1 - y0 > MIN_CHANGE * Math.max(y0, 1e-9)))
    return { note: `latency changed by less than ${100 * MIN_CHANGE}% over the sweep` };
  if (!(x1 - x0 > MIN_CHANGE * Math.max(x0, 1e-9)))
    return { note: `throughput changed by less than ${100 * MIN_CHANGE}% over the sweep` };
  let best = 0;
  let bestD = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const d = (x[i] - x0) / (x1 - x0) - (y[i] - y0) / (y1 - y0);
    if (d > bestD) {
      bestD = d;
      best = i;
    }
  }
  if (best === 0 || best === n - 1)
    return {
      note: `no knee inside the sweep (the curve bends at its ${best === 0 ? 'first' : 'last'} point)`,
    };
  return { index: best };
}

/**
 * The knees of a suite or sweep whose load varies: one curve per combination of the other varying
 * parameters (those moving with the load, e.g. users per executor, aside). Empty when the load does not vary.
 */
export function sweepKnees(list: KneeInput[], varying: string[]): Knee[] {
  const load = LOADS.find((k) => varying.includes(k) && list.filter((b) => isNum(b.params[k])).length >= 2);
  if (!load) return [];
  const moving = new Set([load, 'users_per_executor', 'benchmark', 'load_mode']);
  const others = varying.filter((k) => !moving.has(k));
  const groups = new Map<string, KneeInput[]>();
  for (const b of list) {
    if (!isNum(b.params[load])) continue;
    const key = others.map((k) => `${k}=${b.params[k]}`).join(',');
    groups.set(key, [...(groups.get(key) ?? []), b]);
  }
  return [...groups].map(([group, members]) => {
    const points = members
      .filter((b) => isNum(b.throughput) && isNum(b.latency))
      .map((b) => ({
        name: b.name,
        load: b.params[load] as number,
        throughput_rps: b.throughput as number,
        latency_ms: b.latency as number,
      }))
      .sort((a, b) => a.load - b.load);
    const { index, note } = kneedle(
      points.map((p) => p.throughput_rps),
      points.map((p) => p.latency_ms),
    );
    return {
      method: KNEE_METHOD,
      load,
      ...(group ? { group } : {}),
      points,
      ...(index !== undefined ? { knee: points[index] } : { note }),
    };
  });
}

/** `knee at target_rps=40 (bench): 39.8 req/s, E2E p50 104.2 ms` or `no knee: <why>`, with the group. */
export function kneeText(k: Knee): string {
  const where = k.group ? ` [${k.group}]` : '';
  if (!k.knee) return `no knee over ${k.load}${where}: ${k.note}`;
  const p = k.knee;
  return `knee over ${k.load}${where} at ${k.load}=${p.load} (${p.name}): ${p.throughput_rps.toFixed(2)} req/s, E2E p50 ${p.latency_ms.toFixed(1)} ms — ${k.method}`;
}
