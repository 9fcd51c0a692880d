/**
 * Token lengths per benchmark (pure): the prompt tokens sent and output tokens received per ok request,
 * from the summary's `lengths` (exact merge of every executor's histograms), as table rows (summary.md,
 * report.html) and as a percentile plot decoded from metrics.json's merged snapshot.
 */

import { LENGTH_METRICS, type LengthMetric, type MetricsSnapshot } from '../contracts/index.js';
import { decodeHistogram } from '../metrics/histogram.js';
import type { BenchmarkSummary } from '../metrics/types.js';
import { ninesGrid, ninesPercentile } from './distribution-plots.js';
import { markdownTable } from './markdown-table.js';
import type { Plot } from './plot-types.js';
import { num } from './summary-columns.js';
import type { BenchmarkResult } from './types.js';

export const LENGTH_LABELS: Record<LengthMetric, string> = {
  prompt_tokens: 'prompt tokens sent',
  output_tokens: 'output tokens received',
};

export const LENGTH_HEAD = ['benchmark', 'length', 'requests', 'mean', 'min', 'p50', 'p90', 'p99', 'max'];

/** One row per benchmark and length that has values. */
export function lengthRows(results: { name: string; summary?: BenchmarkSummary }[]): string[][] {
  const rows: string[][] = [];
  for (const r of results)
    for (const m of LENGTH_METRICS) {
      const s = r.summary?.lengths?.[m];
      if (!s || s.count === 0) continue;
      rows.push([
        r.name,
        LENGTH_LABELS[m],
        String(s.count),
        num(s.mean, 1),
        String(s.min),
        String(s.p50),
        String(s.p90),
        String(s.p99),
        String(s.max),
      ]);
    }
  return rows;
}

export const LENGTH_NOTE =
  'Lengths in tokens per ok request: prompt tokens sent and output tokens received (the server’s usage when it reports one, else the client’s count), merged exactly over every executor.';

/** summary.md's lengths section ('' when no benchmark has lengths). */
export function renderLengthMarkdown(results: BenchmarkResult[]): string {
  const rows = lengthRows(results);
  if (rows.length === 0) return '';
  return `${['## Token lengths', '', ...markdownTable(LENGTH_HEAD, rows, 2), '', LENGTH_NOTE].join('\n')}\n`;
}

/** The lengths' percentile plot of one benchmark (undefined without lengths). */
export function lengthPlot(id: string, snapshot: MetricsSnapshot | undefined): Plot | undefined {
  const series: Plot['series'] = [];
  const columns: number[][] = [];
  let xs: number[] | undefined;
  for (const m of LENGTH_METRICS) {
    const b64 = snapshot?.lengths?.[m];
    if (!b64) continue;
    const h = decodeHistogram(b64);
    if (h.totalCount > 0) {
      xs ??= ninesGrid(h.totalCount);
      const grid = xs;
      columns.push(grid.map((x) => h.getValueAtPercentile(ninesPercentile(x))));
      series.push({ label: LENGTH_LABELS[m] });
    }
    h.destroy();
  }
  if (!xs || series.length === 0) return undefined;
  return {
    id: `${id}-dist-lengths`,
    title: 'Token lengths distribution',
    kind: 'percentile',
    xLabel: 'percentile',
    yLabel: 'tokens per request',
    series,
    data: [xs, ...columns],
  };
}
