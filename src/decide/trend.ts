/**
 * A monotonic trend over a short series (pure): the Mann–Kendall test and the Theil–Sen slope.
 *   Mann–Kendall: S = Σ_{i<j} sign(y_j − y_i); under "no trend" S has mean 0 and variance
 *   (n(n−1)(2n+5) − Σ_ties t(t−1)(2t+5)) / 18; z = (S − sign(S)) / √Var (continuity correction), and the
 *   one-sided p-value of a rising trend is 1 − Φ(z). Rank-based: no assumption on the distribution of y,
 *   one outlier moves S by at most n − 1.
 *   Theil–Sen: the median of the pairwise slopes (y_j − y_i) / (x_j − x_i), robust to outliers.
 *   Serial correlation (Yue & Wang 2004, AR(1)): a series whose neighbours are correlated (a queue that
 *   wanders for several windows) holds fewer independent points than n, and the plain test calls its
 *   excursions trends. With r1 the lag-1 autocorrelation of the series after removing the Theil–Sen line,
 *   Var(S) is multiplied by n/n* = 1 + 2 Σ_{k=1}^{n−1} (1 − k/n) r1^k when r1 > 0 (1 otherwise).
 */
import { normalCdf, quantileSorted } from './stats.js';

export interface Trend {
  /** Points in the series. */
  n: number;
  /** Mann–Kendall S. */
  s: number;
  /** Kendall's tau: S over the number of pairs (−1 … 1). */
  tau: number;
  z: number;
  /** One-sided p-value of a rising trend (1 when S ≤ 0). */
  p_rising: number;
  /** Theil–Sen slope, units of y per unit of x. */
  slope: number;
  /** Lag-1 autocorrelation of the detrended series, and the variance factor n/n* applied (≥ 1). */
  r1: number;
  variance_factor: number;
}

/** Lag-1 autocorrelation of `r` (0 for a constant series). */
function lag1(r: readonly number[]): number {
  const n = r.length;
  const mean = r.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    den += (r[i] - mean) ** 2;
    if (i > 0) num += (r[i] - mean) * (r[i - 1] - mean);
  }
  return den > 0 ? num / den : 0;
}

/** The trend of y over x (x strictly increasing); undefined for fewer than 3 points. */
export function trend(x: readonly number[], y: readonly number[]): Trend | undefined {
  const n = Math.min(x.length, y.length);
  if (n < 3) return undefined;
  let s = 0;
  const slopes: number[] = [];
  for (let i = 0; i < n - 1; i++)
    for (let j = i + 1; j < n; j++) {
      s += Math.sign(y[j] - y[i]);
      if (x[j] !== x[i]) slopes.push((y[j] - y[i]) / (x[j] - x[i]));
    }
  const ties = new Map<number, number>();
  for (let i = 0; i < n; i++) ties.set(y[i], (ties.get(y[i]) ?? 0) + 1);
  let tieTerm = 0;
  for (const t of ties.values()) tieTerm += t * (t - 1) * (2 * t + 5);
  slopes.sort((a, b) => a - b);
  const slope = slopes.length ? quantileSorted(slopes, 0.5) : 0;
  const r1 = lag1(Array.from({ length: n }, (_, i) => y[i] - slope * x[i]));
  let factor = 1;
  if (r1 > 0) for (let k = 1; k < n; k++) factor += 2 * (1 - k / n) * r1 ** k;
  const variance = ((n * (n - 1) * (2 * n + 5) - tieTerm) / 18) * factor;
  const z = variance > 0 && s !== 0 ? (s - Math.sign(s)) / Math.sqrt(variance) : 0;
  return {
    n,
    s,
    tau: s / ((n * (n - 1)) / 2),
    z,
    p_rising: s > 0 ? 1 - normalCdf(z) : 1,
    slope,
    r1,
    variance_factor: factor,
  };
}
