/**
 * The floor bench's confidence intervals (bench only): hpcbench − floor for a statistic (mean or median)
 * of a per-request quantity (TTFT error: one value per request; ITL error, chunk delivery: one per chunk).
 * Each client's requests are kept by round (the two clients took turns, round by round); a resample draws,
 * for each client and each round, as many of that round's requests with replacement (a stratified cluster
 * bootstrap: a request's chunks stay together, a round's load stays in its round) and takes the difference
 * of the statistic over the pooled draws. The interval is the 2.5th to 97.5th percentile of B such
 * differences. Medians are read off a histogram of 1 µs bins, so a resample costs one pass over its values.
 */
import { mulberry32 } from '../../src/util/rng.js';

/** Values of one client: rounds → requests → values. */
export type ByRound = number[][][];
export type Stat = 'mean' | 'p50';

const US = 1000;

/** The nearest-rank quantile `p` of `v` (as the bench's tables read it). */
export function quantile(v: readonly number[], p: number): number {
  const s = Float64Array.from(v).sort();
  return s.length === 0 ? Number.NaN : s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
}

export function pooled(x: ByRound): number[] {
  const out: number[] = [];
  for (const round of x) for (const req of round) for (const v of req) out.push(v);
  return out;
}

export function statOf(x: ByRound, stat: Stat): number {
  const v = pooled(x);
  if (stat === 'p50') return quantile(v, 0.5);
  let s = 0;
  for (const a of v) s += a;
  return v.length ? s / v.length : Number.NaN;
}

/** One client's requests, prepared for resampling: per request its sum, count and values in µs bins. */
class Prepared {
  readonly rounds: { sum: Float64Array; n: Int32Array; bins: Int32Array[] }[];
  constructor(x: ByRound, lo: number) {
    this.rounds = x.map((round) => ({
      sum: Float64Array.from(round, (r) => r.reduce((a, b) => a + b, 0)),
      n: Int32Array.from(round, (r) => r.length),
      bins: round.map((r) => Int32Array.from(r, (v) => Math.round(v * US) - lo)),
    }));
  }

  draw(stat: Stat, random: () => number, hist: Int32Array): number {
    let sum = 0;
    let n = 0;
    if (stat === 'p50') hist.fill(0);
    for (const r of this.rounds) {
      const k = r.n.length;
      for (let i = 0; i < k; i++) {
        const j = Math.floor(random() * k);
        n += r.n[j];
        if (stat === 'mean') sum += r.sum[j];
        else for (const b of r.bins[j]) hist[b]++;
      }
    }
    if (n === 0) return Number.NaN;
    if (stat === 'mean') return sum / n;
    const rank = Math.max(1, Math.ceil(0.5 * n));
    let c = 0;
    for (let b = 0; b < hist.length; b++) {
      c += hist[b];
      if (c >= rank) return b;
    }
    return hist.length - 1;
  }
}

/** The 95% interval of statOf(a) − statOf(b), B stratified cluster-bootstrap resamples; ms. */
export function diffInterval(a: ByRound, b: ByRound, stat: Stat, B = 500, seed = 18): [number, number] {
  const all = [...pooled(a), ...pooled(b)];
  if (all.length === 0) return [Number.NaN, Number.NaN];
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of all) {
    const q = Math.round(v * US);
    if (q < lo) lo = q;
    if (q > hi) hi = q;
  }
  const hist = new Int32Array(stat === 'p50' ? hi - lo + 1 : 0);
  const pa = new Prepared(a, lo);
  const pb = new Prepared(b, lo);
  const random = mulberry32(seed);
  const diffs = new Float64Array(B);
  for (let i = 0; i < B; i++) {
    const da = pa.draw(stat, random, hist);
    const db = pb.draw(stat, random, hist);
    // medians come back as bins (µs from lo): their difference is in µs
    diffs[i] = stat === 'p50' ? (da - db) / US : da - db;
  }
  diffs.sort();
  return [diffs[Math.floor(0.025 * (B - 1))], diffs[Math.ceil(0.975 * (B - 1))]];
}

/**
 * met: the whole interval within ±target; NOT met: the whole interval beyond it (said which side: below
 * means hpcbench measured closer to the truth than the floor, which is then no bound there); else not
 * resolved.
 */
export function verdict(ci: [number, number], target: number): string {
  const [lo, hi] = ci;
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return 'no data';
  if (lo >= -target && hi <= target) return 'met';
  if (lo > target) return 'NOT met (above the floor)';
  if (hi < -target) return 'NOT met (below the floor: no bound here, see what limits it)';
  return 'not resolved (interval crosses the target)';
}
