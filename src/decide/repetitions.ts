/**
 * Repetitions (`repetitions: N` runs every benchmark N times as `<name>_rep1` ... `<name>_repN`): for
 * each headline figure across the repetitions, the mean, a Student-t confidence interval of the mean and
 * the coefficient of variation; a figure whose CV exceeds UNSTABLE_CV (a fraction: whose standard
 * deviation exceeds UNSTABLE_RATIO_SD) is flagged unstable. Figures that are one number per run (energy,
 * connections per request) are here like the others: the repetitions are what gives them a spread.
 */
import { formatFigure } from './evaluate.js';
import { type Figure, type FigureSources, figure, figureSource } from './figures.js';
import { mean, sampleStd, tQuantile } from './stats.js';

/** Coefficient of variation above which a figure is reported unstable across repetitions. */
export const UNSTABLE_CV = 0.05;
/** Standard deviation above which a fraction (error rate, connections per request) is unstable. */
const UNSTABLE_RATIO_SD = UNSTABLE_CV / 5;
const CONFIDENCE = 0.95;

/** What the repetitions table shows, under its heading in summary.md and report.html. */
export const REPETITION_NOTE = `Mean over the repetitions, 95% Student-t interval of the mean, coefficient of variation; UNSTABLE: CV above ${100 * UNSTABLE_CV}% (fractions: error rate, connections per request: standard deviation above ${100 * UNSTABLE_RATIO_SD} pp).`;

export const REPETITION_FIGURES = [
  'ttft.p50',
  'ttft.p99',
  'itl.p50',
  'itl.p99',
  'tpot.p50',
  'e2e.p50',
  'e2e.p99',
  'output_tokens_per_s',
  'requests_per_s',
  'goodput_rps',
  'error_rate',
  'energy.output_tokens_per_j',
  'connections.opened_per_request',
  'connections.resent_stale_per_request',
] as const;

const REP = /^(.*)_rep(\d+)$/;

/** Names grouped by repetition: `x_rep1`, `x_rep2` → `x`; a name without siblings stays alone. */
export function groupByRepetition<T extends { name: string }>(items: readonly T[]): Map<string, T[]> {
  const counts = new Map<string, number>();
  for (const b of items) {
    const m = REP.exec(b.name);
    if (m) counts.set(m[1], (counts.get(m[1]) ?? 0) + 1);
  }
  const out = new Map<string, T[]>();
  for (const b of items) {
    const m = REP.exec(b.name);
    const key = m && (counts.get(m[1]) ?? 0) > 1 ? m[1] : b.name;
    out.set(key, [...(out.get(key) ?? []), b]);
  }
  return out;
}

export interface RepetitionFigure {
  figure: string;
  unit: Figure['unit'];
  values: number[];
  mean: number;
  /** 95% Student-t interval of the mean. */
  ci: [number, number];
  /** Sample standard deviation / mean (0 when the mean is 0). */
  cv: number;
  unstable: boolean;
}

export interface RepetitionSummary {
  benchmark: string;
  repetitions: number;
  figures: RepetitionFigure[];
}

/** Every benchmark run more than once, with its figures across repetitions. */
export function summarizeRepetitions(
  benchmarks: readonly (FigureSources & { name: string })[],
): RepetitionSummary[] {
  const out: RepetitionSummary[] = [];
  for (const [name, reps] of groupByRepetition(benchmarks)) {
    if (reps.length < 2) continue;
    const figures: RepetitionFigure[] = [];
    for (const n of REPETITION_FIGURES) {
      const f = figure(n) as Figure;
      const values = reps.map((r) => f.get(figureSource(r)));
      if (values.some((v) => v === undefined)) continue;
      const vs = values as number[];
      const m = mean(vs);
      const sd = sampleStd(vs);
      const half = (tQuantile(1 - (1 - CONFIDENCE) / 2, vs.length - 1) * sd) / Math.sqrt(vs.length);
      const cv = m !== 0 ? sd / Math.abs(m) : 0;
      // a fraction near 0 (error_rate, resends per request) has a meaningless CV: judge it by its
      // spread in percentage points
      const unstable = f.unit === 'ratio' ? sd > UNSTABLE_RATIO_SD : cv > UNSTABLE_CV;
      figures.push({ figure: n, unit: f.unit, values: vs, mean: m, ci: [m - half, m + half], cv, unstable });
    }
    out.push({ benchmark: name, repetitions: reps.length, figures });
  }
  return out;
}

/** One row per figure of every repeated benchmark: benchmark ×N, figure, mean, interval, CV, flag. */
export function repetitionRows(list: readonly RepetitionSummary[]): string[][] {
  return list.flatMap((r) =>
    r.figures.map((f) => [
      `${r.benchmark} ×${r.repetitions}`,
      f.figure,
      formatFigure(f.mean, f.unit),
      `[${formatFigure(f.ci[0], f.unit)}, ${formatFigure(f.ci[1], f.unit)}]`,
      `${(100 * f.cv).toFixed(1)}%`,
      f.unstable ? 'UNSTABLE' : '',
    ]),
  );
}

export const REPETITION_HEAD = ['benchmark', 'figure', 'mean', '95% interval', 'CV', ''];

/** The table for the terminal, '' when no benchmark was repeated. */
export function renderRepetitionTable(list: readonly RepetitionSummary[]): string {
  const body = repetitionRows(list);
  if (!body.length) return '';
  const all = [REPETITION_HEAD, ...body];
  const widths = REPETITION_HEAD.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const unstable = list.flatMap((r) =>
    r.figures.filter((f) => f.unstable).map((f) => `${r.benchmark} ${f.figure}`),
  );
  return `${[line(REPETITION_HEAD), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n')}\n${
    unstable.length
      ? `warning: unstable across repetitions (CV above ${100 * UNSTABLE_CV}%): ${unstable.join(', ')}\n`
      : ''
  }`;
}

/** The same as a markdown section, '' when no benchmark was repeated. */
export function renderRepetitionMarkdown(list: readonly RepetitionSummary[]): string {
  const body = repetitionRows(list);
  if (!body.length) return '';
  return [
    '## Repetitions',
    '',
    REPETITION_NOTE,
    '',
    `| ${REPETITION_HEAD.map((h) => h || 'flag').join(' | ')} |`,
    `|${REPETITION_HEAD.map(() => '---').join('|')}|`,
    ...body.map((r) => `| ${r.join(' | ')} |`),
    '',
  ].join('\n');
}
