/**
 * Kneedle over a sweep: the knee is where throughput stops growing and latency starts to; sweeps that do
 * not bend, or bend at an end, have none and say why. Benchmarks differing in another parameter are
 * separate curves.
 */
import { describe, expect, it } from 'vitest';
import { kneedle, kneeText, sweepKnees } from '../../src/decide/knee.js';

/** A server of capacity 40 req/s and 100 ms service: throughput min(rate, 40), latency rising past 40. */
const point = (rate: number, extra: Record<string, number> = {}) => ({
  name: `target_rps=${rate}`,
  params: { target_rps: rate, ...extra },
  throughput: Math.min(rate, 40),
  latency: rate <= 40 ? 100 + rate / 4 : 100 + (rate - 40) * 50,
});

describe('kneedle', () => {
  it('finds the bend of throughput against latency', () => {
    expect(kneedle([10, 20, 30, 40, 40, 40], [102, 105, 107, 110, 1100, 2100]).index).toBe(3);
  });

  it('no knee at an end, with a flat latency or throughput, or under 3 points', () => {
    expect(kneedle([10, 20, 30], [100, 101, 102]).note).toMatch(/latency changed by less than 20%/);
    expect(kneedle([40, 40, 40], [100, 500, 900]).note).toMatch(/throughput changed by less than 20%/);
    expect(kneedle([10, 20, 30, 40], [100, 200, 300, 400]).note).toMatch(/no knee inside the sweep/);
    expect(kneedle([10, 20], [100, 900]).note).toMatch(/fewer than 3/);
  });
});

describe('sweepKnees', () => {
  it('a rate sweep across capacity: the knee is at the capacity', () => {
    const knees = sweepKnees(
      [10, 20, 30, 40, 60, 80].map((r) => point(r)),
      ['target_rps'],
    );
    expect(knees).toHaveLength(1);
    expect(knees[0].load).toBe('target_rps');
    expect(knees[0].knee).toMatchObject({ name: 'target_rps=40', load: 40, throughput_rps: 40 });
    expect(kneeText(knees[0])).toMatch(
      /^knee over target_rps at target_rps=40 \(target_rps=40\): 40\.00 req\/s, E2E p50 110\.0 ms — kneedle/,
    );
  });

  it('one curve per value of another varying parameter; a concurrency sweep uses total_users', () => {
    const list = [10, 20, 40, 80].flatMap((r) => [
      point(r, { gen_tokens: 8 }),
      point(r * 2, { gen_tokens: 16 }),
    ]);
    const knees = sweepKnees(list, ['target_rps', 'gen_tokens']);
    expect(knees.map((k) => k.group)).toEqual(['gen_tokens=8', 'gen_tokens=16']);
    expect(knees.map((k) => k.knee?.load)).toEqual([40, 40]);
    const users = sweepKnees(
      [1, 2, 4, 8, 16].map((u) => ({
        name: `u${u}`,
        params: { total_users: u, users_per_executor: u },
        throughput: Math.min(u, 4) * 10,
        latency: 100 * Math.max(1, u / 4),
      })),
      ['total_users', 'users_per_executor'],
    );
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ load: 'total_users', knee: { name: 'u4' } });
    expect(sweepKnees([point(10), point(20)], ['gen_tokens'])).toEqual([]);
  });
});
