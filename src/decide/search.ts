/**
 * The capacity search (docs/load-generation.md, "Capacity search"): the highest open-loop rate
 * (`target_rps`) or closed-loop concurrency (`clients_per_node`) whose probe meets every SLO condition.
 * Pure: given the settings and the probes so far, the next value to probe, and the outcome.
 *
 *   1. probe `start`;
 *   2. while every probe passed: multiply by `growth` (capped at `max`); a pass at `max` ends the search
 *      (capacity at least `max`); while every probe failed: divide by `growth` (down to `min`); a fail at
 *      `min` ends it (capacity below `min`);
 *   3. then bisect between the highest pass and the lowest fail above it until the fail is within
 *      `precision` of the pass (hi ≤ lo × (1 + precision); for a concurrency, also hi − lo ≤ 1).
 * A probe whose load generator fell behind (src/decide/generator-gate.ts) is no server result: it is run
 * once more (a shared node's passing stall); invalid twice in a row, the search stops there, inconclusive,
 * with the highest pass so far as a lower bound. At most `max_probes` probes (retries included).
 */
import type {
  Probe,
  ProbeVerdict,
  SearchField,
  SearchOutcome,
  SearchStatus,
} from '../results-folder/types.js';

export type { Probe, ProbeVerdict, SearchField, SearchOutcome, SearchStatus };

export interface SearchSettings {
  field: SearchField;
  start: number;
  min: number;
  max: number;
  growth: number;
  /** Relative width of the final bracket: 0.05 = the first failing value within 5% of the answer. */
  precision: number;
  /** Conditions every probe is judged by (the threshold language: `e2e.p99 < 300ms`). */
  slo: string[];
  max_probes: number;
  /** A multi-turn session workload: the rate searched is of session arrivals (unit sessions/s). */
  sessions?: boolean;
}

const isInt = (s: SearchSettings) => s.field === 'clients_per_node';

/** A value as probed: concurrency a whole number, a rate to 3 significant digits. */
export function probeValue(s: SearchSettings, v: number): number {
  if (isInt(s)) return Math.max(1, Math.round(v));
  return Number(v.toPrecision(3));
}

/** The probe that was invalid twice in a row at the same value (the generator cannot do it), if any. */
function confirmedInvalid(probes: Probe[]): Probe | undefined {
  return probes.find(
    (p, i) =>
      i > 0 &&
      p.verdict === 'invalid' &&
      probes[i - 1].verdict === 'invalid' &&
      probes[i - 1].value === p.value,
  );
}

function bracket(probes: Probe[]): { lo?: Probe; hi?: Probe } {
  const valid = probes.filter((p) => p.verdict !== 'invalid');
  const fails = valid.filter((p) => p.verdict === 'fail');
  const hi = fails.length ? fails.reduce((a, b) => (b.value < a.value ? b : a)) : undefined;
  const passes = valid.filter((p) => p.verdict === 'pass' && (hi === undefined || p.value < hi.value));
  const lo = passes.length ? passes.reduce((a, b) => (b.value > a.value ? b : a)) : undefined;
  return { lo, hi };
}

function narrow(s: SearchSettings, lo: number, hi: number): boolean {
  return hi <= lo * (1 + s.precision) + 1e-9 || (isInt(s) && hi - lo <= 1);
}

/** The next value to probe, or undefined when the search is over. */
export function nextProbe(s: SearchSettings, probes: Probe[]): number | undefined {
  if (probes.length >= s.max_probes || confirmedInvalid(probes)) return undefined;
  if (!probes.length) return s.start;
  const last = probes[probes.length - 1];
  if (last.verdict === 'invalid') return last.value;
  const { lo, hi } = bracket(probes);
  const tried = new Set(probes.filter((p) => p.verdict !== 'invalid').map((p) => p.value));
  const fresh = (v: number) => (tried.has(v) ? undefined : v);
  if (!hi) {
    if (!lo || lo.value >= s.max) return undefined;
    const up = probeValue(s, Math.min(s.max, lo.value * s.growth));
    return fresh(isInt(s) ? Math.max(up, lo.value + 1) : up);
  }
  if (!lo) {
    if (hi.value <= s.min) return undefined;
    const down = probeValue(s, Math.max(s.min, hi.value / s.growth));
    return fresh(isInt(s) ? Math.min(down, hi.value - 1) : down);
  }
  if (narrow(s, lo.value, hi.value)) return undefined;
  let mid = probeValue(s, (lo.value + hi.value) / 2);
  if (mid <= lo.value || mid >= hi.value) mid = (lo.value + hi.value) / 2;
  if (isInt(s)) mid = Math.floor((lo.value + hi.value) / 2);
  return fresh(mid);
}

const fmt = (v: number | undefined) => (v === undefined ? '?' : String(v));

/** What the probes so far say; `stopped`: the run ended before the search did. */
export function searchOutcome(s: SearchSettings, probes: Probe[], stopped = false): SearchOutcome {
  const { lo, hi } = bracket(probes);
  const unit = s.field === 'target_rps' ? (s.sessions ? 'sessions/s' : 'req/s') : 'clients per node';
  const invalid =
    confirmedInvalid(probes) ?? (probes.at(-1)?.verdict === 'invalid' ? probes.at(-1) : undefined);
  let status: SearchStatus;
  if (invalid) status = 'inconclusive';
  else if (lo && hi && narrow(s, lo.value, hi.value)) status = 'found';
  else if (lo && !hi && lo.value >= s.max && !stopped) status = 'above_max';
  else if (!lo && hi && hi.value <= s.min && !stopped) status = 'below_min';
  else status = 'incomplete';
  const slo = s.slo.join(', ');
  const between = `${fmt(lo?.value)} ${unit} meets the SLO (${slo}), ${fmt(hi?.value)} ${unit} does not`;
  const text: Record<SearchStatus, string> = {
    found: `capacity ${fmt(lo?.value)} ${unit}: ${between} (precision ${(100 * s.precision).toFixed(1)}%)`,
    above_max: `capacity at least ${s.max} ${unit}: the upper bound search.max met the SLO (${slo})`,
    below_min: `capacity below ${s.min} ${unit}: the lower bound search.min does not meet the SLO (${slo})`,
    inconclusive: `inconclusive: probe ${invalid?.benchmark} was invalid (load generator), so no server result above ${fmt(lo?.value)} ${unit}${lo ? ' (the highest that met the SLO)' : ''}; ${invalid?.why.join('; ')}`,
    incomplete: `incomplete after ${probes.length} probe(s)${stopped ? ' (the run stopped)' : ` (search.max_probes ${s.max_probes})`}: ${between}`,
  };
  return {
    field: s.field,
    unit,
    slo: s.slo,
    precision: s.precision,
    status,
    ...(lo ? { capacity: lo.value } : {}),
    bracket: { ...(lo ? { low: lo.value } : {}), ...(hi ? { high: hi.value } : {}) },
    ...(lo ? { low_benchmark: lo.benchmark } : {}),
    ...(hi ? { high_benchmark: hi.benchmark } : {}),
    text: text[status],
    probes,
  };
}

/** The search as markdown (summary.md): the answer and the probes in the order they ran. */
export function renderSearchMarkdown(o: SearchOutcome | undefined): string {
  if (!o) return '';
  const rows = o.probes.map(
    (p) => `| ${p.benchmark} | ${p.value} | ${p.verdict} | ${p.why.join('; ').replace(/\|/g, '\\|')} |`,
  );
  return [
    '## Capacity search',
    '',
    `**${o.text}**`,
    '',
    `| probe | ${o.field} | verdict | why |`,
    '|---|---:|---|---|',
    ...rows,
    '',
  ].join('\n');
}

/** The search for the terminal: each probe in the order it ran, then the answer; '' without a search. */
export function renderSearchText(o: SearchOutcome | undefined): string {
  if (!o) return '';
  const lines = o.probes.map(
    (p) => `  ${p.benchmark}: ${p.verdict}${p.why.length ? ` (${p.why.join('; ')})` : ''}`,
  );
  return `capacity search over ${o.field} (SLO: ${o.slo.join(', ')}):\n${lines.join('\n')}\n${o.text}\n`;
}
