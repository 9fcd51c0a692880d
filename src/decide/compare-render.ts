/** The comparison as terminal tables and as markdown, one section per run against the baseline. */
import { capacitySideText, renderCapacityText } from './capacity-compare.js';
import type { BenchmarkComparison, FigureComparison, RunComparison } from './compare.js';
import { formatFigure } from './evaluate.js';

const sign = (v: number) => (v > 0 ? '+' : v < 0 ? '−' : '±');

/**
 * A change as people read it: `+12.3%` (relative), `−0.40 pp` (a fraction's absolute change) or, for a
 * figure whose baseline is ≤ 0, the absolute difference in its unit (`+12.50ms`, `+505.0J`).
 */
export function formatChange(
  v: number | null,
  kind: FigureComparison['change_kind'],
  unit: FigureComparison['unit'] = 'ratio',
): string {
  if (v === null) return '-';
  if (kind === 'relative') return `${sign(v)}${Math.abs(v * 100).toFixed(1)}%`;
  if (unit === 'ratio') return `${sign(v)}${Math.abs(v * 100).toFixed(2)} pp`;
  return `${sign(v)}${formatFigure(Math.abs(v), unit)}`;
}

/** The interval of a change, `[+1.0%, +3.5%]`, `-` without one. */
export function formatInterval(f: FigureComparison): string {
  const c = (v: number) => formatChange(v, f.change_kind, f.unit);
  return f.ci ? `[${c(f.ci[0])}, ${c(f.ci[1])}]` : '-';
}

/** The verdict cell: the verdict, and when the baseline is ≤ 0 that the change is absolute. */
export function verdictText(f: FigureComparison): string {
  return f.relative_undefined
    ? `${f.verdict} (baseline ${formatFigure(f.baseline, f.unit)}: relative change undefined, absolute shown)`
    : f.verdict;
}

const HEAD = ['figure', 'baseline', 'run', 'change', 'interval', 'verdict'];

function rows(figures: readonly FigureComparison[]): string[][] {
  return figures.map((f) => [
    f.figure,
    formatFigure(f.baseline, f.unit),
    formatFigure(f.value, f.unit),
    formatChange(f.change, f.change_kind, f.unit),
    formatInterval(f),
    verdictText(f),
  ]);
}

/** The per-turn table's columns: the turn index and its requests, then a figure's columns. */
const TURN_HEAD = ['turn', 'requests', ...HEAD];

/** One row per turn index and figure (multi-turn sessions); empty without them. */
function turnRows(b: BenchmarkComparison): string[][] {
  return (b.per_turn ?? []).flatMap((t) =>
    rows(t.figures).map((r) => [String(t.turn), `${t.requests[0]} / ${t.requests[1]}`, ...r]),
  );
}

/** What the per-turn table is, in words. */
export const TURN_TABLE_NOTE =
  'per turn of the multi-turn sessions: the measured ok turns of each turn index (requests: baseline / run), bootstrapped from the records’ turn; prompt tokens are the conversation so far (a workload figure: a significant change differs); these rows are not judged by --fail-on-regression (turn_first.* and turn_last.* above are)';

function table(body: string[][], head: string[] = HEAD): string {
  const all = [head, ...body];
  const widths = head.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** A run that did not complete: its status and why, so its figures are not read as a finished run's. */
export function statusNotes(c: RunComparison): string[] {
  const one = (label: string, s: RunComparison['run_status']) =>
    s.status === 'completed'
      ? []
      : [`${label} is ${s.status}${s.note ? ` (${s.note})` : ''}: its figures are of what it measured`];
  return [...one(`the baseline ${c.baseline}`, c.baseline_status), ...one(`the run ${c.run}`, c.run_status)];
}

/** A benchmark's statuses when either is not `completed`, e.g. `; baseline completed, run interrupted`. */
function benchmarkStatus(b: RunComparison['benchmarks'][number]): string {
  return b.status.every((s) => s === 'completed') ? '' : `; baseline ${b.status[0]}, run ${b.status[1]}`;
}

function notes(c: RunComparison): string[] {
  return [
    ...(c.only_in_baseline.length
      ? [`only in the baseline (not compared): ${c.only_in_baseline.join(', ')}`]
      : []),
    ...(c.only_in_run.length ? [`only in ${c.run} (not compared): ${c.only_in_run.join(', ')}`] : []),
  ];
}

/** How a benchmark's intervals were computed, in words. */
export function methodText(b: RunComparison['benchmarks'][number]): string {
  return b.method === 'repetitions'
    ? `repetitions ${b.repetitions[0]} vs ${b.repetitions[1]}: Welch t interval`
    : 'bootstrap of the records';
}

export function renderComparison(list: readonly RunComparison[], confidence: number): string {
  const out: string[] = [];
  for (const c of list) {
    out.push(
      `compare: ${c.run}  against baseline  ${c.baseline}  (${Math.round(confidence * 100)}% intervals)`,
    );
    for (const n of statusNotes(c)) out.push(`note: ${n}`);
    for (const b of c.benchmarks) {
      out.push('', `benchmark ${b.benchmark} (${methodText(b)}${benchmarkStatus(b)})`);
      for (const p of b.parameters_differ) out.push(`  parameters differ: ${p}`);
      out.push(table(rows(b.figures)));
      const turns = turnRows(b);
      if (turns.length) out.push('', `  ${TURN_TABLE_NOTE}`, table(turns, TURN_HEAD));
    }
    if (c.search) out.push('', ...renderCapacityText(c.search));
    if (!c.benchmarks.length) out.push('', 'no benchmark in common');
    for (const n of notes(c)) out.push(`note: ${n}`);
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

export function renderComparisonMarkdown(list: readonly RunComparison[], confidence: number): string {
  const out: string[] = ['# hpcbench compare', ''];
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  for (const c of list) {
    out.push(
      `## ${esc(c.run)} against ${esc(c.baseline)}`,
      '',
      `${Math.round(confidence * 100)}% confidence intervals.`,
      '',
    );
    for (const n of statusNotes(c)) out.push(`- ${esc(n)}`);
    if (statusNotes(c).length) out.push('');
    for (const b of c.benchmarks) {
      out.push(`### ${b.benchmark}`, '', `Method: ${methodText(b)}${benchmarkStatus(b)}.`, '');
      for (const p of b.parameters_differ) out.push(`- parameters differ: ${esc(p)}`);
      if (b.parameters_differ.length) out.push('');
      out.push(`| ${HEAD.join(' | ')} |`, `|${HEAD.map(() => '---').join('|')}|`);
      for (const r of rows(b.figures)) out.push(`| ${r.map(esc).join(' | ')} |`);
      out.push('');
      const turns = turnRows(b);
      if (turns.length) {
        out.push(`Per turn: ${esc(TURN_TABLE_NOTE)}.`, '');
        out.push(`| ${TURN_HEAD.join(' | ')} |`, `|${TURN_HEAD.map(() => '---').join('|')}|`);
        for (const r of turns) out.push(`| ${r.map(esc).join(' | ')} |`);
        out.push('');
      }
    }
    const cap = c.search;
    if (cap)
      out.push(
        `### Capacity search over ${cap.field}`,
        '',
        `SLO: ${esc(cap.slo.join(', '))}.`,
        '',
        '| | answer |',
        '|---|---|',
        `| baseline | ${esc(capacitySideText(cap.baseline, cap.unit))} |`,
        `| run | ${esc(capacitySideText(cap.run, cap.unit))} |`,
        '',
        `**${cap.verdict}**${cap.change === null ? '' : ` (${cap.change >= 0 ? '+' : ''}${(100 * cap.change).toFixed(1)}%)`}: ${esc(cap.why)}`,
        '',
      );
    for (const n of notes(c)) out.push(`- ${esc(n)}`);
    out.push('');
  }
  return out.join('\n');
}
