/**
 * The one seeded PRNG (mulberry32: fast, deterministic, uniform in [0, 1)) and its samplers, used by the
 * load generator (arrival schedules, prompt and length choice) and the simulated server (output lengths).
 */
export type Rng = () => number;

export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mixes a seed with a stream number so executors and purposes get independent sequences. */
export function deriveSeed(seed: number, stream: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (stream + 0x85ebca6b), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** Exponential variate with the given rate. */
export function exponential(rng: Rng, rate: number): number {
  return -Math.log(1 - rng()) / rate;
}

/** Standard normal variate (Box-Muller). */
export function normal(rng: Rng): number {
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** log(x!) for x >= 0 (Stirling series, error under 1e-11; below 15 by recurrence). */
export function logFactorial(x: number): number {
  let shift = 0;
  let n = x + 1;
  while (n < 15) {
    shift += Math.log(n);
    n++;
  }
  const inv = 1 / n;
  const inv2 = inv * inv;
  const lgamma =
    (n - 0.5) * Math.log(n) -
    n +
    0.5 * Math.log(2 * Math.PI) +
    inv * (1 / 12 - inv2 * (1 / 360 - inv2 / 1260));
  return lgamma - shift;
}

/**
 * Poisson variate with mean `lambda` (>= 0), exact at any size: multiplication of uniforms below 10,
 * else Hörmann's transformed rejection (PTRS, 1993), whose cost does not grow with lambda.
 */
export function poisson(rng: Rng, lambda: number): number {
  if (!(lambda > 0)) return 0;
  if (lambda < 10) {
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = rng();
    while (p > limit) {
      k++;
      p *= rng();
    }
    return k;
  }
  const slam = Math.sqrt(lambda);
  const loglam = Math.log(lambda);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rng() - 0.5;
    const v = rng();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (
      Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <=
      -lambda + k * loglam - logFactorial(k)
    )
      return k;
  }
}

/** Gamma variate with the given shape (> 0) and scale 1 (Marsaglia and Tsang, 2000). */
export function gamma(rng: Rng, shape: number): number {
  if (shape < 1) return gamma(rng, shape + 1) * (1 - rng()) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = normal(rng);
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    const u = 1 - rng();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}
