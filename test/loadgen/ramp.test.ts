/**
 * Rate ramps: the arrival schedule follows the ramp exactly. A constant ramp sends its k-th request (over
 * all executors) when Λ(t) = ∫r reaches k, so the count in every window is ⌊Λ(b)⌋ − ⌊Λ(a)⌋ (±1 at the
 * edges); a Poisson one matches Λ in expectation; the split over executors keeps the union exact.
 */
import { describe, expect, it } from 'vitest';
import type { WorkloadSpec } from '../../src/contracts/index.js';
import { startRequestSchema } from '../../src/contracts/index.js';
import {
  buildSchedule,
  executorRequestedRps,
  executorSchedule,
  type RampProfile,
  rampCount,
  rampRate,
  rampTime,
} from '../../src/loadgen/schedule/index.js';

const spec = (load: WorkloadSpec['load'], over: Partial<WorkloadSpec> = {}): WorkloadSpec => ({
  benchmark: 'b',
  service: 'dummy',
  server_url: 'http://127.0.0.1:1',
  model: 'm',
  duration: 60,
  warmup: 0,
  load,
  ...over,
});

/** Arrival times (s) of every executor of a ramp spec, before `until` seconds, merged and sorted. */
function union(s: WorkloadSpec, count: number, until: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const sched = buildSchedule(executorSchedule({ ...s, executor_index: i, executor_count: count })!);
    for (let t = sched.next(); t < until; t = sched.next()) out.push(t);
  }
  return out.sort((a, b) => a - b);
}

describe('ramp profile', () => {
  const lin: RampProfile = { shape: 'linear', r0: 10, r1: 50, warmup: 5, duration: 60 };
  const exp: RampProfile = { shape: 'exponential', r0: 2, r1: 64, warmup: 0, duration: 50 };

  it('rate and count: warmup at the start rate, the ramp, then the end rate', () => {
    expect(rampRate(lin, 2)).toBe(10);
    expect(rampRate(lin, 35)).toBe(30);
    expect(rampRate(lin, 100)).toBe(50);
    expect(rampCount(lin, 5)).toBe(50);
    // 50 in warmup + the trapezoid (10 + 50)/2 × 60 = 1800, then 50/s
    expect(rampCount(lin, 65)).toBeCloseTo(1850, 9);
    expect(rampCount(lin, 75)).toBeCloseTo(2350, 9);
    // exponential: doubles every 10 s; ∫ = r0·D·(g − 1)/ln g with g = 32
    expect(rampRate(exp, 10)).toBeCloseTo(4, 9);
    expect(rampRate(exp, 40)).toBeCloseTo(32, 9);
    expect(rampCount(exp, 50)).toBeCloseTo((2 * 50 * 31) / Math.log(32), 9);
  });

  it('rampTime inverts rampCount on every part', () => {
    for (const p of [lin, exp, { ...lin, r0: 50, r1: 10 }])
      for (const t of [0.5, 3, 5, 20, 47.3, 65, 90]) expect(rampTime(p, rampCount(p, t))).toBeCloseTo(t, 9);
  });
});

describe('ramp schedules', () => {
  const load = {
    mode: 'ramp' as const,
    ramp: 'linear' as const,
    ramp_start_rps: 10,
    ramp_end_rps: 50,
    request_distribution: 'constant' as const,
  };

  it('constant linear ramp over 3 executors: the k-th request at Λ⁻¹(k); the count per window follows Λ', () => {
    const s = spec(load, { warmup: 5 });
    const p: RampProfile = { shape: 'linear', r0: 10, r1: 50, warmup: 5, duration: 60 };
    const times = union(s, 3, 80);
    for (const [k, t] of times.entries()) expect(t).toBeCloseTo(rampTime(p, k), 9);
    for (let a = 0; a < 80; a += 5) {
      const n = times.filter((t) => t >= a && t < a + 5).length;
      expect(Math.abs(n - (rampCount(p, a + 5) - rampCount(p, a)))).toBeLessThanOrEqual(1);
    }
    expect(times.length).toBe(Math.ceil(rampCount(p, 80)));
  });

  it('exponential Poisson ramp: counts per window within 4 standard deviations of Λ', () => {
    const s = spec(
      { ...load, ramp: 'exponential', ramp_start_rps: 5, ramp_end_rps: 80, request_distribution: 'poisson' },
      { seed: 7 },
    );
    const p: RampProfile = { shape: 'exponential', r0: 5, r1: 80, warmup: 0, duration: 60 };
    const times = union(s, 2, 60);
    for (let a = 0; a < 60; a += 10) {
      const want = rampCount(p, a + 10) - rampCount(p, a);
      const n = times.filter((t) => t >= a && t < a + 10).length;
      expect(Math.abs(n - want)).toBeLessThan(4 * Math.sqrt(want));
    }
  });

  it("requested_rps of an executor is its share of the ramp's mean rate over the measurement", () => {
    // (10 + 50)/2 over the 60 s ramp, 2 executors
    expect(executorRequestedRps({ ...spec(load), executor_index: 0, executor_count: 2 })).toBeCloseTo(15, 9);
  });

  it('POST /start reads flat ramp fields into the ramp load and names what is missing', () => {
    const ok = startRequestSchema.parse({
      server_url: 'http://127.0.0.1:1',
      model: 'm',
      duration: '60s',
      ramp: 'linear',
      ramp_start_rps: 1,
      ramp_end_rps: 9,
      ramp_duration: '30s',
    });
    expect(ok.load).toEqual({
      mode: 'ramp',
      ramp: 'linear',
      ramp_start_rps: 1,
      ramp_end_rps: 9,
      ramp_duration: 30,
    });
    const bad = startRequestSchema.safeParse({
      server_url: 'http://127.0.0.1:1',
      model: 'm',
      duration: 60,
      ramp: 'linear',
      target_rps: 5,
    });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'ramp_start_rps: required with ramp: requests/s at its start',
      'ramp_end_rps: required with ramp: requests/s at its end',
      'target_rps: give either target_rps (a fixed rate) or ramp (a changing rate), not both',
    ]);
  });
});
