/**
 * Token lengths, fixed or drawn (seeded) from a distribution: uniform [min, max]; normal (mean, std);
 * lognormal whose own mean and std are the given ones. Results are integers >= 1, clamped to min/max.
 */

import type { LengthSpec } from '../../contracts/index.js';
import { ConfigValidationError } from '../../errors.js';
import { normal, type Rng } from '../../util/rng.js';

export function sampleLength(spec: LengthSpec, rng: Rng): number {
  if (typeof spec === 'number') return Math.max(1, Math.round(spec));
  let v: number;
  if (spec.dist === 'uniform') v = spec.min + rng() * (spec.max - spec.min + 1) - 0.5;
  else if (spec.dist === 'normal') v = spec.mean + spec.std * normal(rng);
  else {
    const s2 = Math.log(1 + (spec.std * spec.std) / (spec.mean * spec.mean));
    v = Math.exp(Math.log(spec.mean) - s2 / 2 + Math.sqrt(s2) * normal(rng));
  }
  const lo = Math.max(1, 'min' in spec && spec.min !== undefined ? spec.min : 1);
  const hi = 'max' in spec && spec.max !== undefined ? spec.max : Number.POSITIVE_INFINITY;
  return Math.min(hi, Math.max(lo, Math.round(v)));
}

/** Checks a length spec; `path` names the field in errors (e.g. `workload.prompts.input_tokens`). */
export function validateLength(spec: LengthSpec, path: string): void {
  const bad = (message: string): never => {
    throw new ConfigValidationError(`${path}: ${message}`, [{ severity: 'error', path, message }]);
  };
  if (typeof spec === 'number') {
    if (!(spec >= 1)) bad(`expected a token count >= 1, got ${spec}`);
    return;
  }
  if (spec.dist === 'uniform') {
    if (!(spec.min >= 1 && spec.max >= spec.min)) bad('uniform needs 1 <= min <= max');
  } else if (spec.dist === 'normal' || spec.dist === 'lognormal') {
    if (!(spec.mean > 0 && spec.std >= 0)) bad(`${spec.dist} needs mean > 0 and std >= 0`);
  } else bad("dist must be 'uniform', 'normal' or 'lognormal'");
}
