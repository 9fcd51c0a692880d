/** Small seeded PRNG (mulberry32) and the samplers the performance model draws from. */
import type { DummyConfig } from './config.js';

export type Rng = () => number;

/** A deterministic generator in [0, 1) for `seed` and a stream number (e.g. the request's arrival index). */
export function seededRng(seed: number, stream: number): Rng {
  let a = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(stream + 1, 0xc2b2ae35)) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An output length in [output_tokens_min, output_tokens_max] from the configured distribution. */
export function sampleOutputTokens(cfg: DummyConfig, rng: Rng): number {
  const lo = cfg.output_tokens_min;
  const hi = cfg.output_tokens_max;
  let v: number;
  switch (cfg.output_tokens_distribution) {
    case 'fixed':
      v = cfg.output_tokens;
      break;
    case 'uniform':
      v = lo + Math.floor(rng() * (hi - lo + 1));
      break;
    case 'normal': {
      const u = 1 - rng();
      const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
      v = Math.round(cfg.output_tokens + z * cfg.output_tokens_stddev);
      break;
    }
    case 'exponential':
      v = Math.max(1, Math.round(-Math.log(1 - rng()) * cfg.output_tokens));
      break;
  }
  return Math.min(hi, Math.max(lo, v));
}
