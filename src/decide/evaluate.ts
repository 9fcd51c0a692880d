/**
 * Thresholds evaluated on one benchmark's figures, and the pass/fail table (terminal and markdown).
 * A figure without a value (the benchmark failed, TTFT without streaming, a server without /metrics)
 * fails its threshold: a gate that cannot be checked does not pass.
 */
import type { FigureUnit, ThresholdResult } from '../results-folder/types.js';
import type { SummaryFile } from './figures.js';
import { holds, parseThreshold } from './threshold.js';

/** Evaluates conditions already checked by the recipe (or `check`); a malformed one throws. */
export function evaluateThresholds(conditions: readonly string[], s: SummaryFile): ThresholdResult[] {
  return conditions.map((c) => {
    const p = parseThreshold(c);
    if (!p.ok) throw new Error(p.message);
    const t = p.threshold;
    const actual = t.figure.get(s);
    return {
      condition: t.text,
      figure: t.figure.name,
      field: t.figure.field,
      op: t.op,
      limit: t.value,
      unit: t.figure.unit,
      actual: actual ?? null,
      pass: actual !== undefined && holds(t.op, actual, t.value),
    };
  });
}

export interface BenchmarkThresholds {
  name: string;
  thresholds?: ThresholdResult[];
}

/** Number of failed thresholds over all benchmarks. */
export function failedThresholds(benchmarks: readonly BenchmarkThresholds[]): number {
  return benchmarks.reduce((n, b) => n + (b.thresholds ?? []).filter((t) => !t.pass).length, 0);
}

/** Number of passed thresholds over all benchmarks. */
export function thresholdsPassed(benchmarks: readonly BenchmarkThresholds[]): number {
  return benchmarks.reduce((n, b) => n + (b.thresholds ?? []).filter((t) => t.pass).length, 0);
}

export function formatFigure(v: number | null | undefined, unit: FigureUnit): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '-';
  if (unit === 'ms') return `${v.toFixed(Math.abs(v) >= 100 ? 1 : 2)}ms`;
  if (unit === 'ratio') return `${(v * 100).toFixed(2)}%`;
  if (unit === 'per_s') return `${v.toFixed(Math.abs(v) >= 100 ? 1 : 3)}/s`;
  if (unit === 'J' || unit === 'W') return `${v.toFixed(Math.abs(v) >= 100 ? 1 : 3)}${unit}`;
  if (unit === 'per_J') return `${v.toFixed(Math.abs(v) >= 100 ? 1 : 3)}/J`;
  return String(Math.round(v));
}

/** One row per evaluated threshold: benchmark, condition, actual value, `pass` / `FAIL`. */
export function thresholdRows(benchmarks: readonly BenchmarkThresholds[]): string[][] {
  return benchmarks.flatMap((b) =>
    (b.thresholds ?? []).map((t) => [
      b.name,
      t.condition,
      t.actual === null ? 'no value' : formatFigure(t.actual, t.unit),
      t.pass ? 'pass' : 'FAIL',
    ]),
  );
}

export const THRESHOLD_HEAD = ['benchmark', 'threshold', 'actual', 'result'];

export function thresholdSummaryLine(benchmarks: readonly BenchmarkThresholds[]): string {
  const total = benchmarks.reduce((n, b) => n + (b.thresholds?.length ?? 0), 0);
  const failed = failedThresholds(benchmarks);
  return failed ? `thresholds: ${failed} of ${total} failed` : `thresholds: all ${total} passed`;
}

/** The pass/fail table for the terminal, '' when no benchmark has thresholds. */
export function renderThresholdTable(benchmarks: readonly BenchmarkThresholds[]): string {
  const body = thresholdRows(benchmarks);
  if (!body.length) return '';
  const all = [THRESHOLD_HEAD, ...body];
  const widths = THRESHOLD_HEAD.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return `${[line(THRESHOLD_HEAD), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n')}\n${thresholdSummaryLine(benchmarks)}\n`;
}

/** The same as a markdown section, '' when no benchmark has thresholds. */
export function renderThresholdMarkdown(benchmarks: readonly BenchmarkThresholds[]): string {
  const body = thresholdRows(benchmarks);
  if (!body.length) return '';
  const esc = (c: string) => c.replace(/\|/g, '\\|');
  const line = (r: string[]) => `| ${r.map(esc).join(' | ')} |`;
  return [
    '## Thresholds',
    '',
    line(THRESHOLD_HEAD),
    `|${THRESHOLD_HEAD.map(() => '---').join('|')}|`,
    ...body.map(line),
    '',
    thresholdSummaryLine(benchmarks),
    '',
  ].join('\n');
}
