import { describe, expect, it } from 'vitest';
import type { WorkloadSpec } from '../../src/contracts/index.js';
import { arrivalTimes, buildSchedule } from '../../src/loadgen/schedule/arrivals.js';
import { executorMaxRequests, executorSchedule, shareOf } from '../../src/loadgen/schedule/share.js';

const gaps = (t: number[]) => t.slice(1).map((v, i) => v - t[i]);
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const sd = (v: number[]) => {
  const m = mean(v);
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
};
/** Arrivals before `t` seconds. */
const countBefore = (opts: Parameters<typeof buildSchedule>[0], t: number) => {
  const s = buildSchedule(opts);
  let n = 0;
  while (s.next() < t) n++;
  return n;
};

describe('arrival schedules', () => {
  it('constant: evenly spaced at 1/rate from the phase', () => {
    const t = arrivalTimes({ distribution: 'constant', rate: 200, phase: 0.001 }, 1000);
    expect(t[0]).toBeCloseTo(0.001, 12);
    for (const g of gaps(t)) expect(g).toBeCloseTo(0.005, 12);
    expect(countBefore({ distribution: 'constant', rate: 200 }, 10)).toBe(2000);
  });

  it('poisson: counts within 4 sigma of rate*T, exponential gaps (mean 1/rate, CV ~1), seeded', () => {
    const rate = 500;
    const T = 100;
    for (const seed of [1, 2, 3]) {
      const n = countBefore({ distribution: 'poisson', rate, seed }, T);
      expect(Math.abs(n - rate * T)).toBeLessThan(4 * Math.sqrt(rate * T));
    }
    const g = gaps(arrivalTimes({ distribution: 'poisson', rate, seed: 9 }, 50_000));
    expect(mean(g)).toBeGreaterThan(0.95 / rate);
    expect(mean(g)).toBeLessThan(1.05 / rate);
    expect(sd(g) / mean(g)).toBeGreaterThan(0.95);
    expect(sd(g) / mean(g)).toBeLessThan(1.05);
    // memoryless: P(gap > 1/rate) = e^-1
    const over = g.filter((x) => x > 1 / rate).length / g.length;
    expect(Math.abs(over - Math.exp(-1))).toBeLessThan(0.02);
    expect(arrivalTimes({ distribution: 'poisson', rate, seed: 9 }, 100)).toEqual(
      arrivalTimes({ distribution: 'poisson', rate, seed: 9 }, 100),
    );
    expect(arrivalTimes({ distribution: 'poisson', rate, seed: 10 }, 100)).not.toEqual(
      arrivalTimes({ distribution: 'poisson', rate, seed: 9 }, 100),
    );
  });

  it('burst: groups of mean size b at one instant, overall rate kept', () => {
    const rate = 400;
    const b = 8;
    const t = arrivalTimes({ distribution: 'burst', rate, burstiness: b, seed: 4 }, 80_000);
    const groups: number[] = [];
    let size = 1;
    for (let i = 1; i < t.length; i++) {
      if (t[i] === t[i - 1]) size++;
      else {
        groups.push(size);
        size = 1;
      }
    }
    expect(mean(groups)).toBeGreaterThan(b * 0.93);
    expect(mean(groups)).toBeLessThan(b * 1.07);
    const n = countBefore({ distribution: 'burst', rate, burstiness: b, seed: 4 }, 100);
    // variance of a compound Poisson count: (rate/b) * E[K^2] with geometric K: E[K^2] = b(2b-1)
    const sigma = Math.sqrt((rate / b) * T2(b) * 100);
    expect(Math.abs(n - rate * 100)).toBeLessThan(4 * sigma);
    // much burstier than poisson: many zero gaps
    expect(gaps(t).filter((g) => g === 0).length / t.length).toBeGreaterThan(0.8);
    expect(
      arrivalTimes({ distribution: 'burst', rate, burstiness: 1, seed: 4 }, 1000).every(
        (v, i, a) => i === 0 || v > a[i - 1],
      ),
    ).toBe(true);
  });

  it('burst: seeded (same seed, same times; another seed, other times)', () => {
    const opts = { distribution: 'burst' as const, rate: 100, burstiness: 4 };
    const a = arrivalTimes({ ...opts, seed: 7 }, 2000);
    expect(arrivalTimes({ ...opts, seed: 7 }, 2000)).toEqual(a);
    const b = arrivalTimes({ ...opts, seed: 8 }, 2000);
    expect(b).not.toEqual(a);
    // not merely shifted or one value apart: most times differ
    expect(a.filter((t, i) => t !== b[i]).length).toBeGreaterThan(1900);
    // the same seed with another burstiness is another schedule
    expect(arrivalTimes({ ...opts, seed: 7, burstiness: 8 }, 2000)).not.toEqual(a);
  });

  it('burst: the burstiness factor b sets the gap dispersion, CV = sqrt(2b - 1) (> 1 for b > 1)', () => {
    const rate = 200;
    const cv = (b: number) => {
      const g = gaps(arrivalTimes({ distribution: 'burst', rate, burstiness: b, seed: 11 }, 200_000));
      // the mean gap is 1/rate whatever b: the rate is kept
      expect(Math.abs(mean(g) * rate - 1)).toBeLessThan(0.05);
      return sd(g) / mean(g);
    };
    const got = [1, 2, 4, 16].map(cv);
    // gaps are 0 within a burst (probability 1 - 1/b), else exponential with mean b/rate
    [1, 2, 4, 16].forEach((b, i) => {
      expect(Math.abs(got[i] - Math.sqrt(2 * b - 1)) / Math.sqrt(2 * b - 1)).toBeLessThan(0.08);
    });
    expect(got[0]).toBeLessThan(1.05); // b = 1 is poisson
    for (let i = 1; i < got.length; i++) {
      expect(got[i]).toBeGreaterThan(1.3);
      expect(got[i]).toBeGreaterThan(got[i - 1] * 1.3);
    }
    // default burstiness is 4
    expect(arrivalTimes({ distribution: 'burst', rate, seed: 3 }, 500)).toEqual(
      arrivalTimes({ distribution: 'burst', rate, burstiness: 4, seed: 3 }, 500),
    );
  });

  it('rejects a non-positive rate', () => {
    expect(() => buildSchedule({ distribution: 'poisson', rate: 0 })).toThrow(/rate/);
  });
});

function T2(b: number) {
  return b * (2 * b - 1);
}

describe('split across executors', () => {
  const base: WorkloadSpec = {
    benchmark: 'b',
    service: 'dummy',
    server_url: 'http://127.0.0.1:1',
    model: 'm',
    duration: 10,
    warmup: 0,
    load: { mode: 'open', target_rps: 300, request_distribution: 'constant' },
    executor_count: 3,
    max_requests: 100,
  };
  it('constant: the union of the executors is evenly spaced at the total rate', () => {
    const all = [0, 1, 2]
      .flatMap((i) => arrivalTimes(executorSchedule({ ...base, executor_index: i })!, 100))
      .sort((a, b) => a - b);
    for (const g of gaps(all)) expect(g).toBeCloseTo(1 / 300, 9);
  });

  it('poisson: each executor rate/count with its own seed; deterministic per index', () => {
    const p: WorkloadSpec = {
      ...base,
      load: { mode: 'open', target_rps: 300, request_distribution: 'poisson' },
      seed: 5,
    };
    const s0 = executorSchedule({ ...p, executor_index: 0 })!;
    const s1 = executorSchedule({ ...p, executor_index: 1 })!;
    expect(s0.rate).toBe(100);
    expect(s0.seed).not.toBe(s1.seed);
    expect(executorSchedule({ ...p, executor_index: 1 })).toEqual(s1);
    expect(executorSchedule({ ...p, load: { mode: 'closed', clients_per_node: 1 } })).toBeUndefined();
  });

  it('max_requests shares sum to the total', () => {
    expect([0, 1, 2].map((i) => executorMaxRequests({ ...base, executor_index: i }))).toEqual([34, 33, 33]);
    for (const total of [0, 1, 7, 1000]) {
      expect([0, 1, 2, 3, 4].reduce((a, i) => a + shareOf(total, i, 5), 0)).toBe(total);
    }
  });
});

describe('skipTo: passing a backlog in one step', () => {
  const walk = (opts: Parameters<typeof buildSchedule>[0], t: number) => {
    const s = buildSchedule(opts);
    let n = 0;
    let next = s.next();
    while (next < t) {
      n++;
      next = s.next();
    }
    return { n, next };
  };

  it('constant: exactly the arrivals before t, then the first one at or after t', () => {
    for (const [rate, phase, t] of [
      [200, 0.001, 10],
      [3, 0, 1],
      [1e6, 0.5e-6, 0.25],
    ]) {
      const s = buildSchedule({ distribution: 'constant', rate, phase });
      const skipped = s.skipTo(t);
      const expected = walk({ distribution: 'constant', rate, phase }, t);
      expect(skipped).toBe(expected.n);
      expect(s.next()).toBe(expected.next);
    }
    // after arrivals were taken, only the rest counts; a target in the past skips none
    const s = buildSchedule({ distribution: 'constant', rate: 10 });
    for (let i = 0; i < 5; i++) s.next();
    expect(s.skipTo(1)).toBe(5);
    expect(s.skipTo(0.5)).toBe(0);
    expect(s.next()).toBe(1);
  });

  it('poisson and burst: the count has the mean (and poisson the variance) of the walk; next is after t', () => {
    const rate = 50;
    const t = 20;
    for (const distribution of ['poisson', 'burst'] as const) {
      const counts: number[] = [];
      for (let seed = 0; seed < 400; seed++) {
        const s = buildSchedule({ distribution, rate, seed, burstiness: 4 });
        counts.push(s.skipTo(t));
        expect(s.next()).toBeGreaterThanOrEqual(t);
      }
      const m = mean(counts);
      const v = sd(counts) ** 2;
      // mean rate·t = 1000; variance: poisson 1000, burst (compound Poisson, mean size 4) rate·t·(2b − 1) = 7000
      const variance = distribution === 'poisson' ? rate * t : rate * t * 7;
      expect(Math.abs(m - rate * t)).toBeLessThan(5 * Math.sqrt(variance / counts.length));
      expect(v / variance).toBeGreaterThan(0.75);
      expect(v / variance).toBeLessThan(1.3);
    }
  });

  it('any rate: 10^12 req/s over an hour is one step, its count near rate·t', () => {
    for (const distribution of ['constant', 'poisson', 'burst'] as const) {
      const s = buildSchedule({ distribution, rate: 1e12, seed: 3 });
      const n = s.skipTo(3600);
      expect(Math.abs(n / 3.6e15 - 1)).toBeLessThan(1e-5);
      expect(s.next()).toBeGreaterThanOrEqual(3600);
    }
  });
});
