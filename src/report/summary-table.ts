/**
 * The end-of-run summary as a table (pure functions): one row per benchmark with throughput, TTFT / ITL /
 * E2E p50 and p99 (ms) and errors. Rendered as aligned text for the terminal and as Markdown.
 */
import type { BenchmarkSummary, LatencyMetric } from '../metrics/types.js';
import type { BenchmarkResult } from './types.js';

const HEADER = [
  'benchmark',
  'status',
  'ok',
  'failed',
  'req/s',
  'out tok/s',
  'TTFT p50',
  'TTFT p99',
  'ITL p50',
  'ITL p99',
  'E2E p50',
  'E2E p99',
];

function num(n: number | undefined, digits: number): string {
  return n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(digits);
}

function pct(s: BenchmarkSummary | undefined, metric: LatencyMetric, p: 'p50' | 'p99'): string {
  const stats = s?.latency_ms[metric];
  return stats && stats.count > 0 ? num(stats[p], 1) : '-';
}

export function summaryRows(results: BenchmarkResult[]): string[][] {
  return results.map((r) => {
    const s = r.summary;
    return [
      r.name,
      r.status,
      s ? String(s.requests.ok) : '-',
      s ? String(s.requests.failed) : '-',
      num(s?.throughput.requests_per_s, 2),
      num(s?.throughput.output_tokens_per_s, 1),
      pct(s, 'ttft', 'p50'),
      pct(s, 'ttft', 'p99'),
      pct(s, 'itl', 'p50'),
      pct(s, 'itl', 'p99'),
      pct(s, 'e2e', 'p50'),
      pct(s, 'e2e', 'p99'),
    ];
  });
}

/**
 * `benchmark X: all N requests failed: http_400 ×N — see records` for a benchmark that finished with a
 * summary and no successful request; undefined otherwise. Such a run still completes (failures are data).
 */
export function allFailedNote(r: BenchmarkResult): string | undefined {
  const s = r.summary;
  if (!s || s.requests.ok > 0) return undefined;
  const reasons = Object.entries(s.errors_by_reason ?? {})
    .map(([why, n]) => `${why} ×${n}`)
    .join(', ');
  return `benchmark ${r.name}: all ${s.requests.sent} requests failed${reasons ? `: ${reasons}` : ''} — see records`;
}

/** Aligned plain-text table (latencies in ms). */
export function renderSummaryTable(results: BenchmarkResult[]): string {
  const rows = [HEADER, ...summaryRows(results)];
  const widths = HEADER.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  const out = [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)];
  const errors = results.flatMap((r) =>
    Object.entries(r.summary?.errors_by_reason ?? {}).map(([why, n]) => `  ${r.name}: ${n} x ${why}`),
  );
  if (errors.length > 0) out.push('errors:', ...errors);
  for (const r of results) {
    const note = allFailedNote(r);
    if (note) out.push(`warning: ${note}`);
  }
  return `${out.join('\n')}\n(latencies in ms)\n`;
}

/** The same table in Markdown, for summary.md. */
export function renderSummaryMarkdown(
  title: string,
  results: BenchmarkResult[],
  notes: string[] = [],
): string {
  const rows = summaryRows(results);
  const md = [
    `# ${title}`,
    '',
    ...notes.map((n) => `- ${n}`),
    ...(notes.length ? [''] : []),
    `| ${HEADER.join(' | ')} |`,
    `|${HEADER.map((_, i) => (i < 2 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    'Latencies in milliseconds. TTFT = first content chunk − sent; ITL = gaps between content chunks;',
    'E2E = last content chunk − sent. Throughput over the measurement window (after warmup).',
  ];
  const errors = results.flatMap((r) =>
    Object.entries(r.summary?.errors_by_reason ?? {}).map(([why, n]) => `- ${r.name}: ${n} × ${why}`),
  );
  if (errors.length > 0) md.push('', '## Errors', '', ...errors);
  return `${md.join('\n')}\n`;
}
