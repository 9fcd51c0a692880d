import { describe, expect, it } from 'vitest';
import { gamma, logFactorial, mulberry32, poisson } from '../../src/util/rng.js';

const moments = (draw: () => number, n: number) => {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const x = draw();
    s += x;
    s2 += x * x;
  }
  const m = s / n;
  return { mean: m, variance: s2 / n - m * m };
};

describe('samplers', () => {
  it('logFactorial matches the product for small n and Stirling for large', () => {
    let f = 0;
    for (let n = 0; n <= 30; n++) {
      if (n > 0) f += Math.log(n);
      expect(logFactorial(n)).toBeCloseTo(f, 10);
    }
  });

  it('poisson: mean and variance lambda, from tiny to huge lambda (both algorithms)', () => {
    const rng = mulberry32(7);
    for (const lambda of [0.3, 4, 12, 300, 1e6, 1e12]) {
      const n = 20_000;
      const { mean, variance } = moments(() => poisson(rng, lambda), n);
      expect(Math.abs(mean - lambda)).toBeLessThan(5 * Math.sqrt(lambda / n));
      expect(variance / lambda).toBeGreaterThan(0.9);
      expect(variance / lambda).toBeLessThan(1.1);
    }
    expect(poisson(rng, 0)).toBe(0);
  });

  it('gamma: mean and variance equal the shape', () => {
    const rng = mulberry32(11);
    for (const shape of [0.5, 1, 3, 1000]) {
      const n = 20_000;
      const { mean, variance } = moments(() => gamma(rng, shape), n);
      expect(Math.abs(mean - shape)).toBeLessThan(5 * Math.sqrt(shape / n));
      expect(variance / shape).toBeGreaterThan(0.9);
      expect(variance / shape).toBeLessThan(1.1);
    }
  });
});
