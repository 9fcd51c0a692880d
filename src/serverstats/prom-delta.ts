/**
 * Deltas between two scrapes of a Prometheus exposition (pure functions): counters summed over their
 * label sets, histograms bucket by bucket, and PromQL-style bucket quantiles. A counter or histogram that
 * went down between the scrapes (the server restarted) counts from zero, as PromQL's increase() does, and
 * is reported as a reset instead of giving a negative number.
 */
import { type PromSample, parsePrometheusText } from '../util/prom-text.js';

/** One scrape of one server: its samples and when it was taken (epoch ms). */
export interface Scrape {
  at: number;
  samples: PromSample[];
}

export function parseScrape(text: string, at: number): Scrape {
  return { at, samples: parsePrometheusText(text).samples };
}

/** Series identity: the labels (without `le`), sorted. */
function seriesKey(labels: Record<string, string>): string {
  return Object.keys(labels)
    .filter((k) => k !== 'le')
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');
}

export function hasMetric(s: Scrape | undefined, name: string): boolean {
  return !!s?.samples.some((x) => x.name === name || x.name === `${name}_count`);
}

function values(
  s: Scrape | undefined,
  name: string,
  filter?: (l: Record<string, string>) => boolean,
): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of s?.samples ?? [])
    if (x.name === name && (!filter || filter(x.labels)) && Number.isFinite(x.value))
      m.set(seriesKey(x.labels), x.value);
  return m;
}

export interface CounterDelta {
  delta: number;
  /** The counter went down in at least one series (server restarted). */
  reset: boolean;
}

/**
 * Increase of counter `name` from `start` to `end`, summed over its series (label sets). A series missing
 * at the start counts from zero (created during the window); one that went down counts from zero too.
 * Undefined when `end` does not have the counter.
 */
export function counterDelta(
  start: Scrape | undefined,
  end: Scrape,
  name: string,
  filter?: (labels: Record<string, string>) => boolean,
): CounterDelta | undefined {
  const e = values(end, name, filter);
  if (e.size === 0) return undefined;
  const s = values(start, name, filter);
  let delta = 0;
  let reset = false;
  for (const [k, v] of e) {
    const before = s.get(k) ?? 0;
    if (v < before) {
      reset = true;
      delta += v;
    } else delta += v - before;
  }
  return { delta, reset };
}

/** Counter deltas per value of one label (e.g. vLLM's `finished_reason`). */
export function counterDeltaBy(
  start: Scrape | undefined,
  end: Scrape,
  name: string,
  label: string,
): Record<string, number> {
  const out: Record<string, number> = {};
  const labelValues = new Set(end.samples.filter((x) => x.name === name).map((x) => x.labels[label] ?? ''));
  for (const v of labelValues) {
    const d = counterDelta(start, end, name, (l) => (l[label] ?? '') === v);
    if (d) out[v] = d.delta;
  }
  return out;
}

/** A cumulative histogram: `cum[i]` observations ≤ `bounds[i]`; the last bound is +Inf. */
export interface BucketSeries {
  bounds: number[];
  cum: number[];
  sum: number;
  count: number;
}

function histogramSeries(s: Scrape | undefined, base: string): Map<string, BucketSeries> {
  const out = new Map<string, BucketSeries>();
  const get = (labels: Record<string, string>): BucketSeries => {
    const k = seriesKey(labels);
    let h = out.get(k);
    if (!h) {
      h = { bounds: [], cum: [], sum: 0, count: 0 };
      out.set(k, h);
    }
    return h;
  };
  const buckets = new Map<BucketSeries, [number, number][]>();
  for (const x of s?.samples ?? []) {
    if (x.name === `${base}_bucket`) {
      const le = x.labels.le === undefined ? Number.NaN : Number(x.labels.le.replace(/^\+?Inf$/, 'Infinity'));
      if (Number.isNaN(le)) continue;
      const h = get(x.labels);
      const list = buckets.get(h) ?? [];
      list.push([le, x.value]);
      buckets.set(h, list);
    } else if (x.name === `${base}_sum`) get(x.labels).sum = x.value;
    else if (x.name === `${base}_count`) get(x.labels).count = x.value;
  }
  for (const [h, list] of buckets) {
    list.sort((a, b) => a[0] - b[0]);
    h.bounds = list.map((b) => b[0]);
    h.cum = list.map((b) => b[1]);
    if (h.bounds[h.bounds.length - 1] !== Number.POSITIVE_INFINITY) {
      h.bounds.push(Number.POSITIVE_INFINITY);
      h.cum.push(h.count);
    }
  }
  for (const [k, h] of out) if (h.bounds.length === 0) out.delete(k);
  return out;
}

/** Cumulative count of `h` at `x`: the count of its largest bound ≤ x (exact when bounds are shared). */
function cumAt(h: BucketSeries, x: number): number {
  let c = 0;
  for (let i = 0; i < h.bounds.length && h.bounds[i] <= x; i++) c = h.cum[i];
  return c;
}

/** Adds histograms (label sets, servers): bucket by bucket over the union of their bounds. */
export function mergeBuckets(list: BucketSeries[]): BucketSeries | undefined {
  if (list.length === 0) return undefined;
  const bounds = [...new Set(list.flatMap((h) => h.bounds))].sort((a, b) => a - b);
  return {
    bounds,
    cum: bounds.map((b) => list.reduce((n, h) => n + cumAt(h, b), 0)),
    sum: list.reduce((n, h) => n + h.sum, 0),
    count: list.reduce((n, h) => n + h.count, 0),
  };
}

export interface HistogramDelta {
  hist: BucketSeries;
  reset: boolean;
}

/** Histogram `base` (`<base>_bucket{le}`, `_sum`, `_count`) from `start` to `end`, summed over its series. */
export function histogramDelta(
  start: Scrape | undefined,
  end: Scrape,
  base: string,
): HistogramDelta | undefined {
  const e = histogramSeries(end, base);
  if (e.size === 0) return undefined;
  const s = histogramSeries(start, base);
  let reset = false;
  const deltas: BucketSeries[] = [];
  for (const [k, h] of e) {
    const before = s.get(k);
    if (!before) {
      deltas.push(h);
      continue;
    }
    const dropped = h.count < before.count || h.bounds.some((b) => cumAt(h, b) < cumAt(before, b));
    if (dropped) {
      reset = true;
      deltas.push(h);
      continue;
    }
    deltas.push({
      bounds: h.bounds,
      cum: h.bounds.map((b, i) => h.cum[i] - cumAt(before, b)),
      sum: h.sum - before.sum,
      count: h.count - before.count,
    });
  }
  return { hist: mergeBuckets(deltas) as BucketSeries, reset };
}

/**
 * The q-quantile (0..1) of a cumulative histogram as PromQL's histogram_quantile estimates it: linear
 * interpolation inside the bucket holding rank q·total (the first bucket starts at 0); a rank in the +Inf
 * bucket gives the largest finite bound. NaN when the histogram is empty.
 */
export function bucketQuantile(h: BucketSeries, q: number): number {
  const n = h.cum.length;
  const total = n > 0 ? h.cum[n - 1] : 0;
  if (total <= 0) return Number.NaN;
  const rank = Math.min(1, Math.max(0, q)) * total;
  let i = 0;
  while (i < n - 1 && h.cum[i] < rank) i++;
  const upper = h.bounds[i];
  if (upper === Number.POSITIVE_INFINITY) return i > 0 ? h.bounds[i - 1] : Number.NaN;
  const lower = i > 0 ? h.bounds[i - 1] : Math.min(0, upper);
  const below = i > 0 ? h.cum[i - 1] : 0;
  const inBucket = h.cum[i] - below;
  if (inBucket <= 0) return upper;
  return lower + (upper - lower) * ((rank - below) / inBucket);
}
