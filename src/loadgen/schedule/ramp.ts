/**
 * Rate ramps (pure): the requested rate r(t) of a `mode: ramp` load over the load's time t (seconds from
 * its start, warmup included), its integral Λ(t) = ∫₀ᵗ r (the requests asked for by t) and Λ's inverse.
 *   warmup  t < w:            r = r0
 *   ramp    w ≤ t < w + D:    linear      r = r0 + (r1 − r0)·s/D                     (s = t − w)
 *                             exponential r = r0·(r1/r0)^(s/D)
 *   after   t ≥ w + D:        r = r1
 * A schedule follows the ramp by time change: a unit-rate process (constant: 0, 1, 2, ...; Poisson:
 * exponential gaps of mean 1) mapped through t = Λ⁻¹(u) has rate r(t) exactly — the constant one sends
 * its k-th request when Λ reaches k, so the count by any t is ⌊Λ(t)⌋ + 1.
 */

export interface RampProfile {
  shape: 'linear' | 'exponential';
  /** Requests/s at the start and at the end. */
  r0: number;
  r1: number;
  /** Seconds of warmup at r0 before the ramp, and of the ramp. */
  warmup: number;
  duration: number;
}

/** ∫₀ˢ of the ramp part (s in [0, D]). */
function rampArea(p: RampProfile, s: number): number {
  const { r0, r1, duration: d } = p;
  if (p.shape === 'linear') return r0 * s + ((r1 - r0) * s * s) / (2 * d);
  const g = Math.log(r1 / r0) / d;
  return Math.abs(g) < 1e-12 ? r0 * s : (r0 * Math.expm1(g * s)) / g;
}

/** The inverse of rampArea on [0, area(D)]. */
function rampAreaInverse(p: RampProfile, a: number): number {
  const { r0, r1, duration: d } = p;
  if (p.shape === 'linear') {
    const k = (r1 - r0) / d;
    // s = (−r0 + √(r0² + 2ka)) / k, written without cancellation for small k
    return (2 * a) / (r0 + Math.sqrt(Math.max(0, r0 * r0 + 2 * k * a)));
  }
  const g = Math.log(r1 / r0) / d;
  return Math.abs(g) < 1e-12 ? a / r0 : Math.log1p((g * a) / r0) / g;
}

/** The requested rate at t (requests/s). */
export function rampRate(p: RampProfile, t: number): number {
  if (t < p.warmup) return p.r0;
  const s = t - p.warmup;
  if (s >= p.duration) return p.r1;
  return p.shape === 'linear'
    ? p.r0 + ((p.r1 - p.r0) * s) / p.duration
    : p.r0 * (p.r1 / p.r0) ** (s / p.duration);
}

/** Λ(t): requests asked for from 0 to t. */
export function rampCount(p: RampProfile, t: number): number {
  if (t <= 0) return 0;
  if (t <= p.warmup) return p.r0 * t;
  const s = t - p.warmup;
  const before = p.r0 * p.warmup;
  if (s <= p.duration) return before + rampArea(p, s);
  return before + rampArea(p, p.duration) + p.r1 * (s - p.duration);
}

/** Λ⁻¹(u): the time by which u requests were asked for. */
export function rampTime(p: RampProfile, u: number): number {
  if (u <= 0) return 0;
  const warm = p.r0 * p.warmup;
  if (u <= warm) return u / p.r0;
  const full = rampArea(p, p.duration);
  if (u - warm <= full) return p.warmup + rampAreaInverse(p, u - warm);
  return p.warmup + p.duration + (u - warm - full) / p.r1;
}
