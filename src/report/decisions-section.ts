/**
 * report.html's decision parts (pure): the recipe's thresholds as a pass/fail table (each result cell
 * coloured) with the run's verdict line, and, for a run with `repetitions`, each figure's mean, interval
 * and coefficient of variation across the repetitions with the unstable ones flagged.
 */
import {
  type BenchmarkThresholds,
  THRESHOLD_HEAD,
  thresholdRows,
  thresholdSummaryLine,
} from '../decide/evaluate.js';
import {
  REPETITION_HEAD,
  REPETITION_NOTE,
  repetitionRows,
  summarizeRepetitions,
} from '../decide/repetitions.js';
import type { RunBenchmark } from '../results-folder/index.js';
import { esc } from './html-page.js';

function cells(head: string[], rows: string[][], mark: (row: string[]) => string): string {
  const th = head.map((h, i) => `<th${i > 1 ? ' class="num"' : ''}>${esc(h)}</th>`).join('');
  const body = rows
    .map((r) => {
      const last = r.length - 1;
      const tds = r.map((v, i) =>
        i === last
          ? `<td class="${mark(r)}">${esc(v)}</td>`
          : `<td${i > 1 ? ' class="num"' : ''}>${esc(v)}</td>`,
      );
      return `<tr>${tds.join('')}</tr>`;
    })
    .join('');
  return `<table class="decisions"><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
}

/**
 * The Thresholds section, empty when no benchmark had thresholds. A failed threshold makes a completed run
 * exit 99; a run of another run.json `status` (interrupted, also when `hpcbench report` recovered it;
 * degraded, failed) keeps its status's exit code, and the verdict line says so instead.
 */
export function thresholdSection(benchmarks: readonly BenchmarkThresholds[], status?: string): string {
  const rows = thresholdRows(benchmarks);
  if (!rows.length) return '';
  const line = thresholdSummaryLine(benchmarks);
  const failed = rows.some((r) => r[3] !== 'pass');
  const after =
    status === undefined || status === 'completed'
      ? failed
        ? ' (exit 99)'
        : ''
      : ` (the run is ${status}: judged on what it measured)`;
  return [
    '<h2>Thresholds</h2>',
    cells(THRESHOLD_HEAD, rows, (r) =>
      r[3] === 'pass' ? 'verdict verdict-better' : 'verdict verdict-worse',
    ),
    `<p class="verdict-line ${failed ? 'verdict-worse' : 'verdict-better'}">${esc(line + after)}</p>`,
  ].join('');
}

/** The Repetitions section, empty when no benchmark was repeated. */
export function repetitionSection(benchmarks: readonly RunBenchmark[]): string {
  const rows = repetitionRows(summarizeRepetitions(benchmarks));
  if (!rows.length) return '';
  const head = REPETITION_HEAD.map((h) => h || 'flag');
  return [
    '<h2>Repetitions</h2>',
    `<p class="note">${esc(REPETITION_NOTE)}</p>`,
    cells(head, rows, (r) => (r[5] ? 'verdict verdict-worse' : '')),
  ].join('');
}
