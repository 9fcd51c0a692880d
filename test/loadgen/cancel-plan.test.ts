/** Which requests workload.cancel cancels: a seeded share, the same requests on every run, per executor. */
import { describe, expect, it } from 'vitest';
import { CancelPlan } from '../../src/loadgen/run/cancel-plan.js';

const chosen = (plan: CancelPlan, n: number) => Array.from({ length: n }, (_, i) => plan.chosen(i));

describe('CancelPlan', () => {
  it('chooses about its share of the requests, the same ones for the same seed and executor', () => {
    const a = chosen(new CancelPlan({ share: 0.3, after_tokens: 4 }, 42, 0), 10_000);
    const share = a.filter(Boolean).length / a.length;
    expect(share).toBeGreaterThan(0.28);
    expect(share).toBeLessThan(0.32);
    expect(chosen(new CancelPlan({ share: 0.3, after_tokens: 4 }, 42, 0), 10_000)).toEqual(a);
    // another seed, another executor: other requests
    expect(chosen(new CancelPlan({ share: 0.3, after_tokens: 4 }, 43, 0), 10_000)).not.toEqual(a);
    expect(chosen(new CancelPlan({ share: 0.3, after_tokens: 4 }, 42, 1), 10_000)).not.toEqual(a);
  });

  it('share 1 cancels every request; the trigger is in ms or chunks', () => {
    expect(chosen(new CancelPlan({ share: 1, after: 0.25 }, 0, 0), 100).every(Boolean)).toBe(true);
    const byDelay = new CancelPlan({ share: 0.5, after: 0.25 }, 0, 0);
    expect([byDelay.afterMs, byDelay.afterChunks]).toEqual([250, undefined]);
    const byTokens = new CancelPlan({ share: 0.5, after_tokens: 16 }, 0, 0);
    expect([byTokens.afterMs, byTokens.afterChunks]).toEqual([undefined, 16]);
  });
});
