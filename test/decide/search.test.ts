/** The capacity search's strategy (src/decide/search.ts) against servers of known capacity. */
import { describe, expect, it } from 'vitest';
import { nextProbe, type Probe, type SearchSettings, searchOutcome } from '../../src/decide/search.js';

const rate: SearchSettings = {
  field: 'target_rps',
  start: 5,
  min: 0.5,
  max: 1000,
  growth: 2,
  precision: 0.05,
  slo: ['e2e.p99 < 300ms'],
  max_probes: 20,
};

/** Runs the search against a server that meets the SLO up to `capacity` (and an optional generator limit). */
function search(
  s: SearchSettings,
  capacity: number,
  generatorLimit = Infinity,
): ReturnType<typeof searchOutcome> {
  const probes: Probe[] = [];
  for (let v = nextProbe(s, probes); v !== undefined; v = nextProbe(s, probes)) {
    const verdict = v > generatorLimit ? 'invalid' : v <= capacity ? 'pass' : 'fail';
    probes.push({ benchmark: `search_${s.field}=${v}`, value: v, verdict, why: [] });
  }
  return searchOutcome(s, probes);
}

describe('capacity search strategy', () => {
  it.each([3, 17, 20, 41.5, 333, 999])(
    'finds a rate capacity of %s within the stated precision (answer ≤ capacity < first fail)',
    (capacity) => {
      const o = search(rate, capacity);
      expect(o.status).toBe('found');
      const { low, high } = o.bracket;
      expect(low).toBeLessThanOrEqual(capacity);
      expect(high).toBeGreaterThan(capacity);
      expect(high! / low!).toBeLessThanOrEqual(1 + rate.precision + 1e-9);
      expect(o.capacity).toBe(low);
      expect(o.probes.length).toBeLessThanOrEqual(rate.max_probes);
      // geometric growth first: 5, 10, 20, ... until the first failure
      expect(o.probes[0].value).toBe(5);
      if (capacity >= 10) expect(o.probes[1].value).toBe(10);
    },
  );

  it('probes each value once, and names the answer and the first failure', () => {
    const o = search(rate, 20);
    const values = o.probes.map((p) => p.value);
    expect(new Set(values).size).toBe(values.length);
    expect(o.low_benchmark).toBe(`search_target_rps=${o.bracket.low}`);
    expect(o.high_benchmark).toBe(`search_target_rps=${o.bracket.high}`);
    expect(o.text).toMatch(
      /^capacity 20 req\/s: 20 req\/s meets the SLO \(e2e\.p99 < 300ms\), 20\.\d+ req\/s does not/,
    );
  });

  it('a concurrency search ends on neighbouring whole numbers: the batch limit', () => {
    const s: SearchSettings = { ...rate, field: 'clients_per_node', start: 1, min: 1, max: 256 };
    const o = search(s, 12);
    expect(o).toMatchObject({ status: 'found', capacity: 12, bracket: { low: 12, high: 13 } });
    expect(o.probes.every((p) => Number.isInteger(p.value))).toBe(true);
  });

  it('a start that fails shrinks by the growth factor; a failing min ends it below min', () => {
    expect(search(rate, 1.3)).toMatchObject({ status: 'found' });
    const o = search(rate, 0.1);
    expect(o.status).toBe('below_min');
    expect(o.probes.at(-1)?.value).toBe(0.5);
    expect(o.capacity).toBeUndefined();
    expect(o.text).toMatch(/capacity below 0.5 req\/s/);
  });

  it('a pass at max ends the search with capacity at least max', () => {
    const o = search({ ...rate, max: 30 }, 1e9);
    expect(o.probes.map((p) => p.value)).toEqual([5, 10, 20, 30]);
    expect(o).toMatchObject({ status: 'above_max', capacity: 30 });
  });

  it('a probe invalid twice (load generator) stops the search: no server result above the last pass', () => {
    const o = search(rate, 500, 100);
    expect(o.status).toBe('inconclusive');
    expect(o.probes.slice(-2)).toMatchObject([
      { value: 160, verdict: 'invalid' },
      { value: 160, verdict: 'invalid' },
    ]);
    expect(o.capacity).toBe(80);
    expect(o.bracket.high).toBeUndefined();
    expect(o.text).toMatch(/inconclusive: probe search_target_rps=160 was invalid \(load generator\)/);
  });

  it('a probe invalid once (a passing stall) is run again and the search goes on', () => {
    const probes: Probe[] = [];
    let stalls = 1;
    for (let v = nextProbe(rate, probes); v !== undefined; v = nextProbe(rate, probes)) {
      const verdict = v === 40 && stalls-- > 0 ? 'invalid' : v <= 50 ? 'pass' : 'fail';
      probes.push({ benchmark: `p${v}`, value: v, verdict, why: [] });
    }
    expect(probes.map((p) => p.value).slice(0, 5)).toEqual([5, 10, 20, 40, 40]);
    expect(searchOutcome(rate, probes)).toMatchObject({ status: 'found' });
    expect(searchOutcome(rate, probes).bracket.low).toBeLessThanOrEqual(50);
  });

  it('max_probes bounds the search: incomplete with the bracket so far', () => {
    const o = search({ ...rate, max_probes: 9, precision: 0.001 }, 333);
    expect(o.probes).toHaveLength(9);
    expect(o.status).toBe('incomplete');
    expect(o.bracket.low).toBeLessThanOrEqual(333);
    expect(o.bracket.high).toBeGreaterThan(333);
  });
});
