/** The simulated server's output length per request, drawn from the configured distribution. */
import { exponential, normal, type Rng } from '../../../util/rng.js';
import type { DummyConfig } from './config.js';

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
    case 'normal':
      v = Math.round(cfg.output_tokens + normal(rng) * cfg.output_tokens_stddev);
      break;
    case 'exponential':
      v = Math.max(1, Math.round(exponential(rng, 1 / cfg.output_tokens)));
      break;
  }
  return Math.min(hi, Math.max(lo, v));
}
