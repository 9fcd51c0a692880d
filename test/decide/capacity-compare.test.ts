/**
 * Two runs' capacity searches compared by their brackets (src/decide/capacity-compare.ts): better or worse
 * only when the brackets do not overlap, never finer than the precision; open brackets and different
 * questions are said so.
 */
import { describe, expect, it } from 'vitest';
import { compareCapacity, renderCapacityText } from '../../src/decide/capacity-compare.js';
import { type RunComparison, regressions } from '../../src/decide/compare.js';
import { type SearchSettings, searchOutcome } from '../../src/decide/search.js';
import type { Probe, SearchOutcome } from '../../src/results-folder/types.js';

const SETTINGS: SearchSettings = {
  field: 'target_rps',
  start: 10,
  min: 1,
  max: 80,
  growth: 2,
  precision: 0.05,
  slo: ['e2e.p99 < 600ms'],
  max_probes: 20,
};

/** The outcome of probes at `values`, each passing when below `capacity`. */
function outcome(capacity: number, values: number[], s: Partial<SearchSettings> = {}): SearchOutcome {
  const probes: Probe[] = values.map((v) => ({
    benchmark: `search_target_rps=${v}`,
    value: v,
    verdict: v < capacity ? 'pass' : 'fail',
    why: [],
  }));
  return searchOutcome({ ...SETTINGS, ...s }, probes);
}

describe('compareCapacity', () => {
  const base = outcome(20.2, [10, 20, 40, 30, 25, 22.5, 21.2, 20.6]); // found 20 in [20, 20.6)

  it('the same bracket twice, or overlapping ones: no difference within precision', () => {
    expect(base.status).toBe('found');
    expect(base.bracket).toEqual({ low: 20, high: 20.6 });
    const same = compareCapacity(base, outcome(20.3, [10, 20, 40, 30, 25, 22.5, 21.2, 20.6]))!;
    expect(same.verdict).toBe('no difference within precision');
    expect(same.change).toBe(0);
    // a coarser search whose bracket holds the other: still no difference
    const coarse = outcome(21, [10, 20, 40, 30, 25, 22.5, 21.2], { precision: 0.1 });
    expect(coarse.bracket).toEqual({ low: 20, high: 21.2 });
    expect(compareCapacity(base, coarse)!.verdict).toBe('no difference within precision');
  });

  it("better when the run met the SLO where the baseline failed, worse the other way round; the change is the answers' ratio", () => {
    const faster = outcome(24, [10, 20, 40, 30, 25, 22.5, 23.7, 24.3]);
    expect(faster.bracket).toEqual({ low: 23.7, high: 24.3 });
    const up = compareCapacity(base, faster)!;
    expect(up.verdict).toBe('better');
    expect(up.change).toBeCloseTo(23.7 / 20 - 1, 10);
    expect(up.why).toBe('the run met the SLO at 23.7 req/s, the baseline did not at 20.6 req/s');
    const down = compareCapacity(faster, base)!;
    expect(down.verdict).toBe('worse');
    expect(down.why).toBe('the run did not meet the SLO at 20.6 req/s, the baseline did at 23.7 req/s');
    // touching brackets decide: the run passed the very value the baseline failed
    const touching = outcome(21, [10, 20.6, 40, 30, 25, 22.5, 21.5]);
    expect(touching.bracket.low).toBe(20.6);
    expect(compareCapacity(base, touching)!.verdict).toBe('better');
  });

  it('an open bracket decides only when it lies beyond the other: above_max, below_min, incomplete', () => {
    const aboveMax = outcome(100, [10, 20, 40, 80]);
    expect(aboveMax.status).toBe('above_max');
    expect(compareCapacity(base, aboveMax)!.verdict).toBe('better'); // ≥ 80 against < 20.6
    const belowMin = outcome(0.5, [10, 5, 2.5, 1.25, 1]);
    expect(belowMin.status).toBe('below_min');
    expect(compareCapacity(base, belowMin)!.verdict).toBe('worse'); // < 1 against ≥ 20
    const bothAbove = compareCapacity(aboveMax, outcome(100, [10, 20, 40, 80]))!;
    expect(bothAbove.verdict).toBe('inconclusive');
    const incomplete = searchOutcome({ ...SETTINGS, max_probes: 3 }, outcome(20.2, [10, 20, 40]).probes);
    expect(incomplete.status).toBe('incomplete');
    expect(compareCapacity(base, incomplete)!.verdict).toBe('inconclusive');
  });

  it('different fields, units or SLOs, or a single search, are not comparable', () => {
    const users = outcome(9, [2, 4, 8, 16, 12, 10, 9], { field: 'clients_per_node' });
    expect(compareCapacity(base, users)!.verdict).toBe('not comparable');
    const other = outcome(20.2, [10, 20, 40, 30, 25, 22.5, 21.2, 20.6], { slo: ['e2e.p99 < 900ms'] });
    expect(compareCapacity(base, other)!).toMatchObject({
      verdict: 'not comparable',
      why: expect.stringContaining('different SLOs'),
    });
    // a search of session arrivals (sessions/s) against one of requests (req/s)
    const sessions = outcome(20.2, [10, 20, 40, 30, 25, 22.5, 21.2, 20.6], { sessions: true });
    expect(sessions.unit).toBe('sessions/s');
    expect(sessions.text).toMatch(/^capacity 20 sessions\/s: 20 sessions\/s meets the SLO/);
    expect(compareCapacity(base, sessions)!).toMatchObject({
      verdict: 'not comparable',
      why: 'the searches count their load in different units (req/s, sessions/s)',
    });
    expect(compareCapacity(base, undefined)!.why).toBe('only the baseline has a capacity search');
    expect(compareCapacity(undefined, undefined)).toBeUndefined();
  });

  it('renders the two answers with their brackets and the verdict', () => {
    const lines = renderCapacityText(compareCapacity(base, outcome(100, [10, 20, 40, 80])));
    expect(lines).toEqual([
      'capacity search over target_rps (SLO: e2e.p99 < 600ms)',
      '  baseline  found 20 req/s in [20, 20.6)',
      '  run       above_max 80 req/s in [80, ∞)',
      '  verdict   better (+300.0%): the run met the SLO at 80 req/s, the baseline did not at 20.6 req/s',
    ]);
  });

  it('a worse capacity beyond the tolerance is a regression (--fail-on-regression)', () => {
    const slower = outcome(15, [10, 20, 15, 17.5, 16.2, 15.6, 15.3, 14.8]);
    const c = { run: 'b', benchmarks: [], search: compareCapacity(base, slower) } as unknown as RunComparison;
    expect(c.search!.verdict).toBe('worse');
    expect(regressions([c], 0.05)).toEqual([
      expect.objectContaining({ benchmark: 'search', figure: 'search.capacity_rps', unit: 'per_s' }),
    ]);
    expect(regressions([c], 0.5)).toEqual([]);
  });
});
