/**
 * A benchmark's verdict with workload.cancel: cancellations are no errors (they never make it degraded);
 * one whose every request the workload cancelled on purpose and none failed is completed, not failed;
 * with no request ok and one failed it is still failed.
 */
import { describe, expect, it } from 'vitest';
import type { BenchmarkSummary } from '../../src/metrics/types.js';
import { benchmarkVerdict } from '../../src/orchestrator/verdict.js';
import type { BenchmarkResult } from '../../src/report/types.js';
import { sampleSummary } from './fixtures.js';

function result(requests: BenchmarkSummary['requests']): BenchmarkResult {
  return {
    name: 'b',
    status: 'completed',
    summary: { ...sampleSummary('b'), requests, errors_by_reason: {} },
  };
}

describe('verdict with workload.cancel', () => {
  it('cancellations by the workload are not errors', () => {
    const v = benchmarkVerdict(
      result({ sent: 100, ok: 40, failed: 0, cancelled: 60, cancelled_by_workload: 60 }),
    );
    expect(v.status).toBe('completed');
  });

  it('every request cancelled by the workload, none failed: completed; by the run or with a failure: failed', () => {
    expect(
      benchmarkVerdict(result({ sent: 10, ok: 0, failed: 0, cancelled: 10, cancelled_by_workload: 10 }))
        .status,
    ).toBe('completed');
    expect(
      benchmarkVerdict(result({ sent: 10, ok: 0, failed: 0, cancelled: 10, cancelled_by_workload: 0 })),
    ).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/^no request succeeded: 10 sent, 0 failed, 10 cancelled/),
    });
    expect(
      benchmarkVerdict(result({ sent: 10, ok: 0, failed: 1, cancelled: 9, cancelled_by_workload: 9 })).status,
    ).toBe('failed');
  });
});
