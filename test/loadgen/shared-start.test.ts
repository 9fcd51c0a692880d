/**
 * The shared start of a trace replay over several executors: the controller gives every executor the
 * same `start_at` (TRACE_START_LEAD_MS ahead), and an executor starts its clock on it when it is within
 * START_AT_TOLERANCE_MS of its own clock, else on its own (an unsynchronised node). The end-to-end proof,
 * both executors' clocks starting on the same instant, is test/e2e/trace-timing.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { START_AT_TOLERANCE_MS, TRACE_START_LEAD_MS } from '../../src/contracts/index.js';
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

describe('shared start of a trace replay', () => {
  it('the controller sets start_at for a trace over 2+ executors only', () => {
    const before = performance.timeOrigin + performance.now();
    const at = sharedStart(trace, 2);
    const after = performance.timeOrigin + performance.now();
    expect(at).toBeGreaterThanOrEqual(before + TRACE_START_LEAD_MS);
    expect(at).toBeLessThanOrEqual(after + TRACE_START_LEAD_MS);
    expect(sharedStart(trace, 1)).toBeUndefined();
    expect(sharedStart({ ...trace, load: { mode: 'open', target_rps: 5 } }, 2)).toBeUndefined();
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
