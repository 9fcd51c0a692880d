/**
 * The shared start of a scheduled load (open loop, ramp, trace replay) over several executors: the
 * controller gives every executor the same `start_at` (SHARED_START_LEAD_MS ahead), and an executor
 * starts its clock on it when it is within START_AT_TOLERANCE_MS of its own clock, else on its own (an
 * unsynchronised node). The end-to-end proofs, both executors' clocks starting on the same instant, are
 * test/e2e/trace-timing.test.ts (a trace) and test/e2e/shared-start.test.ts (open loop and ramp).
 */
import { describe, expect, it } from 'vitest';
import { SHARED_START_LEAD_MS, START_AT_TOLERANCE_MS } from '../../src/contracts/index.js';
import { sharedStart } from '../../src/controller/index.js';
import { clockStart } from '../../src/loadgen/run/context.js';

const trace = {
  benchmark: 'b',
  server_url: 'http://127.0.0.1:1',
  model: 'm',
  duration: 1,
  warmup: 0,
  load: { mode: 'trace' as const },
  prompts: { source: 'trace' as const, format: 'mooncake' as const, path: 't.jsonl' },
};

const ramp = {
  mode: 'ramp' as const,
  ramp: 'linear' as const,
  ramp_start_rps: 1,
  ramp_end_rps: 9,
};

describe('shared start of a scheduled load', () => {
  it('the controller sets start_at for a scheduled load over 2+ executors only', () => {
    const before = performance.timeOrigin + performance.now();
    const at = sharedStart(trace, 2);
    const after = performance.timeOrigin + performance.now();
    expect(at).toBeGreaterThanOrEqual(before + SHARED_START_LEAD_MS);
    expect(at).toBeLessThanOrEqual(after + SHARED_START_LEAD_MS);
    expect(sharedStart(trace, 1)).toBeUndefined();
    for (const load of [{ mode: 'open' as const, target_rps: 5 }, ramp])
      expect(sharedStart({ ...trace, load }, 2), load.mode).toBeGreaterThanOrEqual(before);
    // a seed-style body: the flat load fields say which load it is
    const { load: _, ...flat } = trace;
    expect(sharedStart({ ...flat, target_rps: 5 }, 3)).toBeGreaterThanOrEqual(before);
    expect(sharedStart({ ...flat, ramp: 'linear', ramp_start_rps: 1, ramp_end_rps: 2 }, 2)).toBeDefined();
    // a closed loop's users start at once, each executor on its own POST /start
    expect(sharedStart({ ...trace, load: { mode: 'closed', clients_per_node: 2 } }, 2)).toBeUndefined();
    expect(sharedStart({ ...flat, clients_per_node: 2 }, 2)).toBeUndefined();
    // a start the workload gives itself is kept
    expect(sharedStart({ ...trace, start_at: 123 }, 2)).toBeUndefined();
  });

  it('an executor starts on start_at when it is near its clock (ahead or behind), else now', () => {
    const now = 1_800_000_000_000;
    expect(clockStart(undefined, now)).toBe(now);
    expect(clockStart(now + 250, now)).toBe(now + 250);
    expect(clockStart(now - 40, now)).toBe(now - 40);
    expect(clockStart(now + START_AT_TOLERANCE_MS, now)).toBe(now + START_AT_TOLERANCE_MS);
    expect(clockStart(now + START_AT_TOLERANCE_MS + 1, now)).toBe(now);
    expect(clockStart(now - START_AT_TOLERANCE_MS - 1, now)).toBe(now);
  });
});
