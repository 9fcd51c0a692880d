/**
 * Multi-turn sessions per benchmark (pure): the figures of each turn index — TTFT, TPOT, E2E and the
 * prompt tokens sent (the conversation so far) — from the summary's `per_turn` (exact merge of every
 * executor's per-turn histograms), as table rows (summary.md, report.html) and a plot of TTFT and prompt
 * tokens against the turn index.
 */

import type { BenchmarkSummary } from '../metrics/types.js';
import { markdownTable } from './markdown-table.js';
import type { Plot } from './plot-types.js';
import { num } from './summary-columns.js';
import type { BenchmarkResult } from './types.js';

export const TURN_HEAD = [
  'benchmark',
  'turn',
  'requests',
  'TTFT p50 ms',
  'TTFT p99 ms',
  'TPOT p50 ms',
  'E2E p50 ms',
  'E2E p99 ms',
  'prompt tokens mean',
];

/** One row per benchmark and turn index. */
export function turnRows(results: { name: string; summary?: BenchmarkSummary }[]): string[][] {
  const rows: string[][] = [];
  for (const r of results)
    for (const t of r.summary?.per_turn ?? [])
      rows.push([
        r.name,
        String(t.turn),
        String(t.requests),
        t.ttft_ms ? num(t.ttft_ms.p50, 1) : '-',
        t.ttft_ms ? num(t.ttft_ms.p99, 1) : '-',
        t.tpot_ms ? num(t.tpot_ms.p50, 2) : '-',
        num(t.e2e_ms.p50, 1),
        num(t.e2e_ms.p99, 1),
        num(t.prompt_tokens.mean, 1),
      ]);
  return rows;
}

/** What the turn figures are, with the session counts when known. */
export function turnNote(s: BenchmarkSummary | undefined): string {
  const counts = s?.sessions
    ? ` ${s.sessions.started} sessions began (warmup included), ${s.sessions.completed} sent all their turns.`
    : '';
  return `Multi-turn sessions: the measured ok turns of each turn index, merged exactly over every executor; each turn sends the conversation so far, so its prompt tokens grow with the turn.${counts}`;
}

/** summary.md's per-turn section ('' when no benchmark ran sessions). */
export function renderTurnMarkdown(results: BenchmarkResult[]): string {
  const rows = turnRows(results);
  if (rows.length === 0) return '';
  return `${[
    '## Multi-turn sessions: figures per turn',
    '',
    ...markdownTable(TURN_HEAD, rows, 1),
    '',
    turnNote(undefined),
  ].join('\n')}\n`;
}

/** TTFT p50/p99 and the mean prompt tokens against the turn index (undefined without sessions). */
export function turnPlot(id: string, s: BenchmarkSummary | undefined): Plot | undefined {
  const turns = s?.per_turn ?? [];
  if (turns.length === 0) return undefined;
  return {
    id: `${id}-turns`,
    title: 'Per turn of multi-turn sessions',
    kind: 'xy',
    xLabel: 'turn',
    yLabel: 'TTFT (ms)',
    y2Label: 'prompt tokens',
    series: [{ label: 'TTFT p50' }, { label: 'TTFT p99' }, { label: 'prompt tokens (mean)', axis: 2 }],
    data: [
      turns.map((t) => t.turn),
      turns.map((t) => t.ttft_ms?.p50 ?? null),
      turns.map((t) => t.ttft_ms?.p99 ?? null),
      turns.map((t) => t.prompt_tokens.mean),
    ],
  };
}
