/**
 * Multi-turn sessions in `compare`: the figures of each turn index (summary.json `per_turn`: TTFT, TPOT,
 * E2E and the prompt tokens sent, the conversation so far) and their bootstrap replicates from the records'
 * `turn`, so that compare judges them with the same intervals and verdicts as its other figures. The first
 * and last turn index are headline figures (`turn_first.*`, `turn_last.*`, src/decide/figures.ts); every
 * turn index is one row of the per-turn table.
 */
import type { LatencyStats, TurnStats } from '../metrics/types.js';
import type { RunBenchmark } from '../results-folder/index.js';
import { bootstrapLatency, bootstrapMean } from './bootstrap.js';
import { type Figure, figureSource, type SummaryFile } from './figures.js';
import type { TurnSamples } from './samples.js';

/** The figures of a turn index compared, as the report's per-turn table shows them (src/report/turns.ts). */
export const TURN_COLUMNS = [
  'ttft.p50',
  'ttft.p99',
  'tpot.p50',
  'e2e.p50',
  'e2e.p99',
  'prompt_tokens.mean',
] as const;
export type TurnColumn = (typeof TURN_COLUMNS)[number];

/** The latency columns of the first and of the last turn index, compared among the headline figures. */
export const TURN_HEADLINE: readonly string[] = ['turn_first', 'turn_last'].flatMap((end) =>
  TURN_COLUMNS.filter((c) => !c.startsWith('prompt_tokens')).map((c) => `${end}.${c}`),
);

type Which = number | 'first' | 'last';

function turnOf(s: SummaryFile, which: Which): TurnStats | undefined {
  const t = s.per_turn;
  return which === 'first' ? t?.[0] : which === 'last' ? t?.at(-1) : t?.find((x) => x.turn === which);
}

function statsOf(t: TurnStats | undefined, column: TurnColumn): LatencyStats | undefined {
  const [metric] = column.split('.');
  return metric === 'prompt_tokens'
    ? t?.prompt_tokens
    : t?.[`${metric}_ms` as 'ttft_ms' | 'tpot_ms' | 'e2e_ms'];
}

/** `turn_first.ttft.p50` → the first turn index and its column; undefined for any other figure. */
export function turnHeadline(name: string): { which: 'first' | 'last'; column: TurnColumn } | undefined {
  const m = /^turn_(first|last)\.(.+)$/.exec(name);
  const column = m?.[2] as TurnColumn | undefined;
  return m && column && TURN_COLUMNS.includes(column)
    ? { which: m[1] as 'first' | 'last', column }
    : undefined;
}

/** The values behind a turn figure in one run's repetitions (for the minimum a percentile needs). */
export function turnCount(reps: readonly RunBenchmark[], which: Which, column: TurnColumn): number {
  return reps.reduce((n, r) => n + (statsOf(turnOf(figureSource(r), which), column)?.count ?? 0), 0);
}

/**
 * A turn index's figure, read from summary.json like the registered ones. Prompt tokens are the workload's
 * (how the conversations grew), not a performance figure: neither direction is better.
 */
export function turnFigure(turn: number, column: TurnColumn): Figure {
  const [metric, stat] = column.split('.') as [string, 'p50' | 'p99' | 'mean'];
  const tokens = metric === 'prompt_tokens';
  return {
    name: column,
    unit: tokens ? 'count' : 'ms',
    better: tokens ? 'neither' : 'lower',
    field: `per_turn[turn ${turn}].${tokens ? metric : `${metric}_ms`}.${stat}`,
    scope: 'benchmark',
    get: (s) => {
      const l = statsOf(turnOf(s, turn), column);
      return l && l.count > 0 && Number.isFinite(l[stat]) ? l[stat] : undefined;
    },
  };
}

/** Turn indexes either run's benchmark has figures of, ascending. */
export function turnIndexes(a: readonly RunBenchmark[], b: readonly RunBenchmark[]): number[] {
  const all = new Set<number>();
  for (const r of [...a, ...b]) for (const t of figureSource(r).per_turn ?? []) all.add(t.turn);
  return [...all].sort((x, y) => x - y);
}

/** Bootstrap replicates of every turn column, per turn index. */
export function resampleTurns(
  turns: Map<number, TurnSamples>,
  resamples: number,
  random: () => number,
): Map<number, Partial<Record<TurnColumn, Float64Array>>> {
  const out = new Map<number, Partial<Record<TurnColumn, Float64Array>>>();
  for (const [k, t] of turns) {
    const cols: Partial<Record<TurnColumn, Float64Array>> = {};
    for (const m of ['ttft', 'tpot', 'e2e'] as const) {
      const r = bootstrapLatency(t[m], [0.5, 0.99], resamples, random);
      if (!r) continue;
      cols[`${m}.p50` as TurnColumn] = r.reps[0];
      if (m !== 'tpot') cols[`${m}.p99` as TurnColumn] = r.reps[1];
    }
    const mean = bootstrapMean(t.prompt_tokens, resamples, random);
    if (mean) cols['prompt_tokens.mean'] = mean;
    out.set(k, cols);
  }
  return out;
}

/** The replicates of a turn column: of turn index `which`, or of the first or last one the records have. */
export function turnReplicates(
  r: Map<number, Partial<Record<TurnColumn, Float64Array>>> | undefined,
  which: Which,
  column: TurnColumn,
): Float64Array | undefined {
  if (!r?.size) return undefined;
  const keys = [...r.keys()];
  const k = which === 'first' ? keys[0] : which === 'last' ? keys[keys.length - 1] : which;
  return r.get(k)?.[column];
}
