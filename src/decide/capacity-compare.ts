/**
 * Two runs' capacity searches compared (pure; docs/load-generation.md "Comparing capacities"). A search
 * does not measure its capacity C, it brackets it: C lies in [low, high) — the highest value that met the
 * SLO and the lowest that did not above it. `above_max` leaves it open above (C ≥ max), `below_min` below
 * (C < min); a search that stopped early (incomplete, inconclusive) keeps whichever bound it has.
 *
 * The verdict reads only the brackets, so it is never finer than the searches' precision:
 *   better: the run's low ≥ the baseline's high (the run met the SLO at a load the baseline failed);
 *   worse:  the run's high ≤ the baseline's low;
 *   no difference within precision: both found, brackets overlapping;
 *   inconclusive: overlapping, and one bracket is open or a search did not finish;
 *   not comparable: the searches vary different fields or judge by different SLOs.
 */
import type { SearchOutcome } from '../results-folder/types.js';

export type CapacityVerdict =
  | 'better'
  | 'worse'
  | 'no difference within precision'
  | 'inconclusive'
  | 'not comparable';

export interface CapacitySide {
  status: SearchOutcome['status'] | 'no search';
  capacity: number | null;
  /** Where the capacity lies: [low, high), null = unbounded (0 below, ∞ above). */
  low: number | null;
  high: number | null;
  precision: number | null;
  text: string;
}

export interface CapacityComparison {
  field: SearchOutcome['field'];
  unit: string;
  slo: string[];
  baseline: CapacitySide;
  run: CapacitySide;
  /** run capacity / baseline capacity − 1; null without both answers. */
  change: number | null;
  verdict: CapacityVerdict;
  /** The verdict in words, with the bounds that decided it. */
  why: string;
}

function side(o: SearchOutcome | undefined): CapacitySide {
  if (!o) return { status: 'no search', capacity: null, low: null, high: null, precision: null, text: '' };
  return {
    status: o.status,
    capacity: o.capacity ?? null,
    low: o.bracket.low ?? null,
    high: o.bracket.high ?? null,
    precision: o.precision,
    text: o.text,
  };
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((c, i) => c.replace(/\s+/g, '') === b[i].replace(/\s+/g, ''));

/** The comparison of two runs' searches; undefined when neither run has one. */
export function compareCapacity(
  baseline: SearchOutcome | undefined,
  run: SearchOutcome | undefined,
): CapacityComparison | undefined {
  const any = run ?? baseline;
  if (!any) return undefined;
  const a = side(baseline);
  const b = side(run);
  const unit = any.unit;
  const out = (verdict: CapacityVerdict, why: string): CapacityComparison => ({
    field: any.field,
    unit,
    slo: any.slo,
    baseline: a,
    run: b,
    change: a.capacity !== null && b.capacity !== null && a.capacity > 0 ? b.capacity / a.capacity - 1 : null,
    verdict,
    why,
  });
  if (!baseline || !run)
    return out('not comparable', `only the ${baseline ? 'baseline' : 'run'} has a capacity search`);
  if (baseline.field !== run.field)
    return out('not comparable', `the searches vary different fields (${baseline.field}, ${run.field})`);
  if (baseline.unit !== run.unit)
    return out(
      'not comparable',
      `the searches count their load in different units (${baseline.unit}, ${run.unit})`,
    );
  if (!sameList(baseline.slo, run.slo))
    return out(
      'not comparable',
      `the searches judge by different SLOs (${baseline.slo.join(', ')}; ${run.slo.join(', ')})`,
    );
  if (b.low !== null && a.high !== null && b.low >= a.high)
    return out(
      'better',
      `the run met the SLO at ${b.low} ${unit}, the baseline did not at ${a.high} ${unit}`,
    );
  if (b.high !== null && a.low !== null && b.high <= a.low)
    return out(
      'worse',
      `the run did not meet the SLO at ${b.high} ${unit}, the baseline did at ${a.low} ${unit}`,
    );
  if (a.status === 'found' && b.status === 'found')
    return out(
      'no difference within precision',
      `the brackets overlap: baseline [${a.low}, ${a.high}), run [${b.low}, ${b.high}) ${unit}`,
    );
  return out(
    'inconclusive',
    `the bounds overlap and a search did not bracket its capacity (baseline ${a.status}, run ${b.status})`,
  );
}

const bound = (v: number | null, open: string) => (v === null ? open : String(v));

/** `found 19.4 req/s in [19.4, 21.3)` (`no search` without one). */
export function capacitySideText(s: CapacitySide, unit: string): string {
  if (s.status === 'no search') return 'no search';
  const value = s.capacity === null ? 'no capacity' : `${s.capacity} ${unit}`;
  return `${s.status} ${value} in [${bound(s.low, '0')}, ${bound(s.high, '∞')})`;
}

/** The comparison as terminal lines ('' without a search in either run). */
export function renderCapacityText(c: CapacityComparison | undefined): string[] {
  if (!c) return [];
  const change = c.change === null ? '' : ` (${c.change >= 0 ? '+' : ''}${(100 * c.change).toFixed(1)}%)`;
  return [
    `capacity search over ${c.field} (SLO: ${c.slo.join(', ')})`,
    `  baseline  ${capacitySideText(c.baseline, c.unit)}`,
    `  run       ${capacitySideText(c.run, c.unit)}`,
    `  verdict   ${c.verdict}${change}: ${c.why}`,
  ];
}
