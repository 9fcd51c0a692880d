/**
 * `compare`: two or more finished runs, each against the first (the baseline). Benchmarks are matched
 * by name (repetitions `<name>_repN` grouped under `<name>`); for each headline figure the values side by
 * side, the change, a confidence interval for the change and a verdict (docs/metrics.md "Comparing runs").
 */

import { effectiveStatus, type RunBenchmark, type RunFolder } from '../results-folder/index.js';
import { bootstrapLatency, bootstrapRates, type RateName } from './bootstrap.js';
import { type CapacityComparison, compareCapacity } from './capacity-compare.js';
import { formatFigure } from './evaluate.js';
import { type Figure, figure, figureSource } from './figures.js';
import { groupByRepetition } from './repetitions.js';
import { type LatencyName, readSamples, type Samples } from './samples.js';
import { mean, quantileSorted, rng, sampleStd, tQuantile } from './stats.js';
import {
  resampleTurns,
  TURN_COLUMNS,
  TURN_HEADLINE,
  type TurnColumn,
  turnCount,
  turnFigure,
  turnHeadline,
  turnIndexes,
  turnReplicates,
} from './turn-compare.js';

export const HEADLINE = [
  'ttft.p50',
  'ttft.p99',
  'itl.p50',
  'itl.p99',
  'tpot.p50',
  'tpot.p99',
  'e2e.p50',
  'e2e.p90',
  'e2e.p99',
  'output_tokens_per_s',
  'requests_per_s',
  'goodput_rps',
  'error_rate',
] as const;

/**
 * Energy figures, compared when either run measured them (summary.json `energy`). Each is one number per
 * run — joules over the whole window — so the records cannot resample it: its interval comes from the
 * repetitions (both runs ≥ 2), else the verdict is `needs repetitions`.
 */
export const ENERGY_HEADLINE = [
  'energy.output_tokens_per_j',
  'energy.j_per_output_token',
  'energy.energy_above_idle_j',
] as const;

/**
 * Connection figures per request (summary.json `connections`), compared when either run has them. Like
 * the energy figures they are one number per run (the pools' counters, not a value per record), so their
 * interval comes from the repetitions too, else the verdict is `needs repetitions`.
 */
export const CONNECTION_HEADLINE = [
  'connections.opened_per_request',
  'connections.resent_stale_per_request',
] as const;

/** The figures that are one number per run: an interval only from repetitions. */
const PER_RUN: ReadonlySet<string> = new Set([...ENERGY_HEADLINE, ...CONNECTION_HEADLINE]);

export type Verdict =
  | 'better'
  | 'worse'
  | 'no significant difference'
  | 'too few values'
  | 'needs repetitions'
  | 'no data'
  /** A significant change of a figure neither direction of which is better (a turn's prompt tokens). */
  | 'differs';

/**
 * A percentile's interval needs at least this many values on each side of it in each run (p99: 500
 * values), a rate at least this many × 4 measured requests; below that the verdict is `too few values`.
 */
export const MIN_TAIL = 5;

export interface CompareOptions {
  /** Two-sided confidence level of the intervals (default 0.95). */
  confidence: number;
  /** Bootstrap resamples per run and benchmark (default 1000). */
  resamples: number;
  seed: number;
  /** Relative changes smaller than this (a fraction) are never better/worse (default 0). */
  minChange: number;
}

export const DEFAULT_COMPARE: CompareOptions = { confidence: 0.95, resamples: 1000, seed: 1, minChange: 0 };

export interface FigureComparison {
  figure: string;
  unit: Figure['unit'];
  better: Figure['better'];
  baseline: number | null;
  value: number | null;
  /**
   * `relative`: value / baseline − 1; `absolute`: value − baseline, in the figure's unit — for fractions
   * such as error_rate, and for any figure whose baseline is ≤ 0 (`relative_undefined`).
   */
  change_kind: 'relative' | 'absolute';
  /**
   * The baseline is ≤ 0, so a relative change is undefined: `change` and `ci` are the absolute difference
   * (its interval from the same bootstrap or repetitions), the verdict is read from that interval, and
   * `note` says so.
   */
  relative_undefined?: true;
  note?: string;
  change: number | null;
  ci: [number, number] | null;
  /** How `ci` was computed: a bootstrap of the records, Welch over repetitions, or none. */
  interval: 'bootstrap' | 'repetitions' | 'none';
  verdict: Verdict;
}

/** One turn index of multi-turn sessions: its figures (TURN_COLUMNS) compared like the headline ones. */
export interface TurnComparison {
  turn: number;
  /** Its measured ok turns in the baseline and in the run (repetitions summed). */
  requests: [number, number];
  figures: FigureComparison[];
}

export interface BenchmarkComparison {
  benchmark: string;
  /** `bootstrap` (raw records of each run) or `repetitions` (between-repetition spread, both runs ≥ 2). */
  method: 'bootstrap' | 'repetitions';
  repetitions: [number, number];
  /** Workload parameters that differ between the two runs (`field: a → b`). */
  parameters_differ: string[];
  /** The benchmark's status in the baseline and in the run (repetitions' distinct statuses joined). */
  status: [string, string];
  figures: FigureComparison[];
  /** Multi-turn sessions: each turn index either run has (not judged by --fail-on-regression). */
  per_turn?: TurnComparison[];
}

/** A run's status as compare reports it (src/results-folder/run-state.ts), with why when not completed. */
export interface RunStatusNote {
  status: string;
  note?: string;
}

export interface RunComparison {
  baseline: string;
  run: string;
  /** The two runs' statuses: a run that did not complete is compared on what it measured, and says so. */
  baseline_status: RunStatusNote;
  run_status: RunStatusNote;
  benchmarks: BenchmarkComparison[];
  only_in_baseline: string[];
  only_in_run: string[];
  /** The two runs' capacity searches (src/decide/capacity-compare.ts), when either has one. */
  search?: CapacityComparison;
}

const IGNORED_PARAMS = new Set([
  'benchmark',
  'server_url',
  'server_urls',
  'records_path',
  'executor_index',
  'executor_count',
]);

/** Benchmarks by name, repetitions (`x_rep1`, `x_rep2`...) grouped under `x`. */
export function groupRepetitions(run: RunFolder): Map<string, RunBenchmark[]> {
  return groupByRepetition(run.benchmarks);
}

/** The spec's fields as `name: JSON`; the load's fields under their own names (`mode`, `clients_per_node`, ...). */
function params(b: RunBenchmark): Record<string, string> {
  const out: Record<string, string> = {};
  const { load, ...rest } = b.spec ?? {};
  const loadFields = load !== null && typeof load === 'object' ? load : {};
  for (const [k, v] of Object.entries({ ...loadFields, ...rest }))
    if (!IGNORED_PARAMS.has(k)) out[k] = JSON.stringify(v);
  return out;
}

function paramDiff(a: RunBenchmark, b: RunBenchmark): string[] {
  const pa = params(a);
  const pb = params(b);
  return [...new Set([...Object.keys(pa), ...Object.keys(pb)])]
    .filter((k) => pa[k] !== pb[k])
    .sort()
    .map((k) => `${k}: ${pa[k] ?? '-'} → ${pb[k] ?? '-'}`);
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** A figure's value over repetitions: their mean (undefined when none has one). */
function pointValue(f: Figure, reps: readonly RunBenchmark[]): number | undefined {
  const vs = reps.map((r) => f.get(figureSource(r))).filter((v): v is number => v !== undefined);
  return vs.length ? mean(vs) : undefined;
}

const QUANTILES = [0.5, 0.9, 0.99];

interface Resampled {
  latency: Partial<Record<string, Float64Array>>;
  rates?: Record<RateName, Float64Array>;
  /** Multi-turn sessions: per turn index (src/decide/turn-compare.ts). */
  turns?: ReturnType<typeof resampleTurns>;
}

/** Bootstrap replicates of every headline figure for one run's benchmark (its repetitions pooled). */
export async function resampleBenchmark(
  reps: readonly RunBenchmark[],
  opts: CompareOptions,
  seed: number,
): Promise<Resampled> {
  const slo = reps[0].spec?.slo as Parameters<typeof readSamples>[1];
  const samples: Samples = await readSamples(
    reps.flatMap((r) => r.records),
    slo,
  );
  const random = rng(seed);
  const latency: Resampled['latency'] = {};
  for (const m of ['ttft', 'itl', 'tpot', 'e2e'] as LatencyName[]) {
    const r = bootstrapLatency(samples.latency[m], QUANTILES, opts.resamples, random);
    if (!r) continue;
    for (const [i, q] of QUANTILES.entries()) latency[`${m}.p${Math.round(q * 100)}`] = r.reps[i];
  }
  const duration = reps.reduce((s, r) => s + (r.summary?.duration_s ?? 0), 0);
  const rates = bootstrapRates(samples, duration, opts.resamples, random);
  const turns = samples.turns.size ? resampleTurns(samples.turns, opts.resamples, random) : undefined;
  return { latency, rates, ...(turns ? { turns } : {}) };
}

function replicates(r: Resampled | undefined, name: string): Float64Array | undefined {
  const turn = turnHeadline(name);
  if (turn) return turnReplicates(r?.turns, turn.which, turn.column);
  return r?.latency[name] ?? r?.rates?.[name as RateName];
}

function percentileInterval(xs: Float64Array, confidence: number): [number, number] {
  const sorted = Float64Array.from(xs).sort();
  const a = (1 - confidence) / 2;
  return [quantileSorted(sorted, a), quantileSorted(sorted, 1 - a)];
}

/** The change's interval from the two runs' bootstrap replicates (paired by index: independent draws). */
function bootstrapInterval(
  a: Float64Array,
  b: Float64Array,
  kind: FigureComparison['change_kind'],
  confidence: number,
): [number, number] | null {
  const d = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) d[i] = kind === 'relative' ? b[i] / a[i] - 1 : b[i] - a[i];
  if (d.some((x) => !Number.isFinite(x))) return null;
  return percentileInterval(d, confidence);
}

/** Welch's t interval for the difference of the repetition means, divided by the baseline mean when relative. */
export function repetitionInterval(
  a: readonly number[],
  b: readonly number[],
  kind: FigureComparison['change_kind'],
  confidence: number,
): [number, number] | null {
  if (a.length < 2 || b.length < 2) return null;
  const ma = mean(a);
  const va = sampleStd(a) ** 2 / a.length;
  const vb = sampleStd(b) ** 2 / b.length;
  const se = Math.sqrt(va + vb);
  const df =
    se > 0 ? (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1)) : a.length + b.length - 2;
  const half = tQuantile(1 - (1 - confidence) / 2, Math.max(1, df)) * se;
  const d = mean(b) - ma;
  if (kind === 'absolute') return [d - half, d + half];
  if (!(ma > 0)) return null;
  return [(d - half) / ma, (d + half) / ma];
}

export function verdictOf(
  f: Figure,
  change: number | null,
  ci: [number, number] | null,
  minChange: number,
  kind: FigureComparison['change_kind'],
): Verdict {
  if (change === null || ci === null) return 'no data';
  const significant = ci[0] > 0 || ci[1] < 0;
  if (!significant || (kind === 'relative' && Math.abs(change) < minChange))
    return 'no significant difference';
  if (f.better === 'neither') return 'differs';
  const up = ci[0] > 0;
  return up === (f.better === 'higher') ? 'better' : 'worse';
}

/** Whether `count` values are enough for an interval of statistic `stat` (`p99`, `mean`; see MIN_TAIL). */
function enoughFor(stat: string, count: number): boolean {
  if (stat === 'mean') return count >= 4 * MIN_TAIL;
  const q = Number(stat.slice(1)) / 100;
  return count * Math.min(q, 1 - q) >= MIN_TAIL;
}

/** Whether a run's benchmark has enough values for an interval of figure `name` (see MIN_TAIL). */
function enoughValues(name: string, reps: readonly RunBenchmark[]): boolean {
  if (PER_RUN.has(name)) return true;
  const turn = turnHeadline(name);
  if (turn) return enoughFor(turn.column.split('.')[1], turnCount(reps, turn.which, turn.column));
  const [metric, stat] = name.split('.');
  if (stat === undefined)
    return reps.reduce((n, r) => n + (r.summary?.requests.sent ?? 0), 0) >= 4 * MIN_TAIL;
  return enoughFor(
    stat,
    reps.reduce((n, r) => n + (r.summary?.latency_ms[metric as LatencyName]?.count ?? 0), 0),
  );
}

/**
 * The headline figures, the first and last turn's when either run ran multi-turn sessions, and the
 * energy and connection ones when either run has a value.
 */
function comparedFigures(a: readonly RunBenchmark[], b: readonly RunBenchmark[]): string[] {
  const measured = (n: string) =>
    [...a, ...b].some((r) => (figure(n) as Figure).get(figureSource(r)) !== undefined);
  const turns = turnIndexes(a, b).length > 0 ? TURN_HEADLINE : [];
  return [...HEADLINE, ...turns, ...[...ENERGY_HEADLINE, ...CONNECTION_HEADLINE].filter(measured)];
}

/** What comparing one figure needs besides its values: enough values on both sides, and the replicates. */
interface Evidence {
  enough: boolean;
  /** One number per run (energy, connections): an interval only from repetitions. */
  single: boolean;
  replicates: [Float64Array | undefined, Float64Array | undefined];
}

/** One figure of two runs' benchmark: values, change, interval (bootstrap or repetitions) and verdict. */
function compareFigure(
  f: Figure,
  a: readonly RunBenchmark[],
  b: readonly RunBenchmark[],
  byReps: boolean,
  e: Evidence,
  opts: CompareOptions,
): FigureComparison {
  const va = pointValue(f, a);
  const vb = pointValue(f, b);
  // a relative change needs a baseline > 0; else the absolute difference is compared (and said so)
  const undefinedRelative = f.unit !== 'ratio' && va !== undefined && !(va > 0);
  const kind = f.unit === 'ratio' || undefinedRelative ? 'absolute' : 'relative';
  const change = va === undefined || vb === undefined ? null : kind === 'absolute' ? vb - va : vb / va - 1;
  let ci: [number, number] | null = null;
  let interval: FigureComparison['interval'] = 'none';
  const single = e.single && !byReps;
  if (change === null || !e.enough || single) {
    // no interval: the verdict says why
  } else if (byReps) {
    const vals = (reps: readonly RunBenchmark[]) =>
      reps.map((r) => f.get(figureSource(r))).filter((v): v is number => v !== undefined);
    ci = repetitionInterval(vals(a), vals(b), kind, opts.confidence);
    interval = 'repetitions';
  } else {
    const [xa, xb] = e.replicates;
    if (xa && xb) ci = bootstrapInterval(xa, xb, kind, opts.confidence);
    interval = 'bootstrap';
  }
  if (ci === null) interval = 'none';
  const verdict: Verdict =
    change === null
      ? 'no data'
      : single
        ? 'needs repetitions'
        : !e.enough
          ? 'too few values'
          : verdictOf(f, change, ci, opts.minChange, kind);
  return {
    figure: f.name,
    unit: f.unit,
    better: f.better,
    baseline: va ?? null,
    value: vb ?? null,
    change_kind: kind,
    change,
    ci,
    interval,
    verdict,
    ...(undefinedRelative
      ? {
          relative_undefined: true as const,
          note: `baseline is ${formatFigure(va, f.unit)}: relative change undefined; change and interval are the absolute difference (${f.unit})`,
        }
      : {}),
  };
}

/** Multi-turn sessions: every turn index either run has, its figures compared like the headline ones. */
function compareTurns(
  a: readonly RunBenchmark[],
  b: readonly RunBenchmark[],
  byReps: boolean,
  ra: Resampled | undefined,
  rb: Resampled | undefined,
  opts: CompareOptions,
): TurnComparison[] {
  const requests = (reps: readonly RunBenchmark[], turn: number) =>
    reps.reduce((n, r) => n + (figureSource(r).per_turn?.find((t) => t.turn === turn)?.requests ?? 0), 0);
  return turnIndexes(a, b).map((turn) => ({
    turn,
    requests: [requests(a, turn), requests(b, turn)],
    figures: TURN_COLUMNS.map((column: TurnColumn) => {
      const stat = column.split('.')[1];
      return compareFigure(
        turnFigure(turn, column),
        a,
        b,
        byReps,
        {
          enough: enoughFor(stat, turnCount(a, turn, column)) && enoughFor(stat, turnCount(b, turn, column)),
          single: false,
          replicates: [turnReplicates(ra?.turns, turn, column), turnReplicates(rb?.turns, turn, column)],
        },
        opts,
      );
    }),
  }));
}

async function compareBenchmark(
  name: string,
  a: RunBenchmark[],
  b: RunBenchmark[],
  opts: CompareOptions,
): Promise<BenchmarkComparison> {
  const byReps = a.length > 1 && b.length > 1;
  const seed = (opts.seed ^ hash(name)) >>> 0;
  const ra = byReps ? undefined : await resampleBenchmark(a, opts, seed);
  const rb = byReps ? undefined : await resampleBenchmark(b, opts, seed ^ 0x9e3779b9);
  const figures = comparedFigures(a, b).map((n) =>
    compareFigure(
      figure(n) as Figure,
      a,
      b,
      byReps,
      {
        enough: enoughValues(n, a) && enoughValues(n, b),
        single: PER_RUN.has(n),
        replicates: [replicates(ra, n), replicates(rb, n)],
      },
      opts,
    ),
  );
  const turns = compareTurns(a, b, byReps, ra, rb, opts);
  return {
    benchmark: name,
    method: byReps ? 'repetitions' : 'bootstrap',
    repetitions: [a.length, b.length],
    parameters_differ: paramDiff(a[0], b[0]),
    status: [statusOf(a), statusOf(b)],
    figures,
    ...(turns.length ? { per_turn: turns } : {}),
  };
}

const statusOf = (reps: readonly RunBenchmark[]) =>
  [...new Set(reps.map((r) => String(r.status)))].join(', ');

/** Compares `run` against `baseline`, benchmark by benchmark. */
export async function compareRuns(
  baseline: RunFolder,
  run: RunFolder,
  opts: CompareOptions = DEFAULT_COMPARE,
): Promise<RunComparison> {
  const ga = groupRepetitions(baseline);
  const gb = groupRepetitions(run);
  const benchmarks: BenchmarkComparison[] = [];
  for (const [name, a] of ga) {
    const b = gb.get(name);
    if (b) benchmarks.push(await compareBenchmark(name, a, b, opts));
  }
  return {
    baseline: baseline.dir,
    run: run.dir,
    baseline_status: effectiveStatus(baseline.run),
    run_status: effectiveStatus(run.run),
    benchmarks,
    only_in_baseline: [...ga.keys()].filter((n) => !gb.has(n)),
    only_in_run: [...gb.keys()].filter((n) => !ga.has(n)),
    ...((search) => (search ? { search } : {}))(compareCapacity(baseline.search, run.search)),
  };
}

/** A figure significantly worse beyond the tolerance (`--fail-on-regression`). */
export interface Regression {
  run: string;
  benchmark: string;
  figure: string;
  change: number;
  change_kind: FigureComparison['change_kind'];
  unit: Figure['unit'];
}

/**
 * Figures worse by more than `tolerance` (relative; absolute for fractions) with a significant interval.
 * A figure whose baseline is ≤ 0 and is significantly worse is always one (its relative change is
 * beyond any tolerance); its `change` is the absolute difference (`change_kind`).
 */
export function regressions(comparisons: readonly RunComparison[], tolerance: number): Regression[] {
  return comparisons.flatMap((c) => [
    ...capacityRegression(c, tolerance),
    ...c.benchmarks.flatMap((b) =>
      b.figures
        .filter(
          (f) =>
            f.verdict === 'worse' &&
            f.change !== null &&
            (f.relative_undefined || Math.abs(f.change) > tolerance),
        )
        .map((f) => ({
          run: c.run,
          benchmark: b.benchmark,
          figure: f.figure,
          change: f.change as number,
          change_kind: f.change_kind,
          unit: f.unit,
        })),
    ),
  ]);
}

/**
 * A capacity search whose verdict is `worse` (the brackets do not overlap) by more than the tolerance:
 * benchmark `search`, figure `search.capacity_rps` / `search.capacity_users`.
 */
function capacityRegression(c: RunComparison, tolerance: number): Regression[] {
  const s = c.search;
  if (s?.verdict !== 'worse' || s.change === null || Math.abs(s.change) <= tolerance) return [];
  const rate = s.field === 'target_rps';
  return [
    {
      run: c.run,
      benchmark: 'search',
      figure: rate ? 'search.capacity_rps' : 'search.capacity_users',
      change: s.change,
      change_kind: 'relative',
      unit: rate ? 'per_s' : 'count',
    },
  ];
}
