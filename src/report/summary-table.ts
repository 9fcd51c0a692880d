/**
 * The end-of-run summary as a table (pure functions): one row per benchmark with throughput, TTFT / ITL /
 * E2E p50 and p99 (ms) and errors. When servers reported their own figures (`server_metrics`), the
 * servers' output tokens/s and TTFT p50 stand beside the client's (`srv` columns). Open-loop benchmarks add
 * requested/s, achieved/s, dropped and late sends and E2E p99 from the scheduled time; benchmarks with
 * `workload.slo` add goodput/s (each group only when some benchmark needs it). An open-loop benchmark that
 * missed its target rate gets a warning line under the table. Rendered as aligned text and as Markdown.
 */
import { LATE_MS } from '../metrics/recorder.js';
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

const SRV_NOTE =
  "the servers' own figures over the window (/metrics deltas; ~ = estimated from histogram buckets; simulated service: exact ground truth)";

const OPEN_LOOP_NOTE =
  'Open loop: requested/s = target rate, achieved/s = sends per second, dropped = scheduled sends never made, ' +
  `late = sends that left more than ${LATE_MS} ms after their scheduled time; E2E sched = last content chunk − scheduled time.`;
const GOODPUT_NOTE = 'goodput/s = requests per second meeting every SLO in workload.slo.';

function num(n: number | undefined, digits: number): string {
  return n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(digits);
}

function pct(s: BenchmarkSummary | undefined, metric: LatencyMetric, p: 'p50' | 'p99'): string {
  const stats = s?.latency_ms[metric];
  return stats && stats.count > 0 ? num(stats[p], 1) : '-';
}

/** Whether any result carries the servers' own figures (the table then has `srv` columns). */
function hasServerColumns(results: BenchmarkResult[]): boolean {
  return results.some((r) => r.server_metrics !== undefined);
}

/** Open loop: the summary carries the requested rate. */
function isOpenLoop(r: BenchmarkResult): boolean {
  return r.summary?.requested_rps !== undefined;
}

function hasOpenLoopColumns(results: BenchmarkResult[]): boolean {
  return results.some(isOpenLoop);
}

function hasSlo(r: BenchmarkResult): boolean {
  return r.spec?.slo !== undefined;
}

function hasGoodputColumn(results: BenchmarkResult[]): boolean {
  return results.some(hasSlo);
}

/** Some benchmark has measured energy (GPU power on the server nodes): `GPU W` and `tok/J` columns. */
function hasEnergyColumns(results: BenchmarkResult[]): boolean {
  return results.some((r) => (r.energy?.energy_j ?? 0) > 0);
}

const ENERGY_NOTE =
  "GPU W / tok/J = the server nodes' average GPU power and output tokens per joule over the measurement window (docs/metrics.md, Energy)";

const OPEN_LOOP_HEADER = ['requested/s', 'achieved/s', 'dropped', 'late', 'E2E sched p99'];

export function summaryHeader(results: BenchmarkResult[]): string[] {
  const h = [...HEADER];
  if (hasServerColumns(results)) {
    h.splice(h.indexOf('TTFT p50') + 1, 0, 'srv TTFT p50');
    h.splice(h.indexOf('out tok/s') + 1, 0, 'srv tok/s');
  }
  if (hasOpenLoopColumns(results)) h.push(...OPEN_LOOP_HEADER);
  if (hasGoodputColumn(results)) h.push('goodput/s');
  if (hasEnergyColumns(results)) h.push('GPU W', 'tok/J');
  return h;
}

/** Achieved below this share of the requested rate (or any dropped send) = the target rate was not met. */
const MET_SHARE = 0.9;

/**
 * `benchmark X: target rate not met: requested 200.00/s, achieved 12.70/s, 570 dropped, 3 late — ...` for an
 * open-loop benchmark whose achieved rate is below 90% of the requested one or that dropped sends;
 * undefined otherwise.
 */
export function rateNotMetNote(r: BenchmarkResult): string | undefined {
  const s = r.summary;
  if (!s || s.requested_rps === undefined) return undefined;
  const achieved = s.achieved_rps ?? 0;
  const short = s.requested_rps > 0 && achieved < MET_SHARE * s.requested_rps;
  if (!short && s.dropped_sends === 0) return undefined;
  return (
    `benchmark ${r.name}: target rate not met: requested ${num(s.requested_rps, 2)}/s, achieved ` +
    `${num(achieved, 2)}/s, ${s.dropped_sends} dropped, ${s.late_sends} late — the client or server ` +
    'could not keep up; quote latencies from the scheduled time (E2E sched), not from the send'
  );
}

/** The server's TTFT p50: exact from the simulator's ground truth, else `~` + the histogram bucket estimate. */
function serverTtft(r: BenchmarkResult): string {
  const m = r.server_metrics;
  const exact = m?.ground_truth?.latency_ms.ttft;
  if (exact) return num(exact.p50, 1);
  const est = m?.latency_ms.ttft;
  return est && Number.isFinite(est.p50) ? `~${num(est.p50, 1)}` : '-';
}

export function summaryRows(results: BenchmarkResult[]): string[][] {
  const srv = hasServerColumns(results);
  const open = hasOpenLoopColumns(results);
  const slo = hasGoodputColumn(results);
  const energy = hasEnergyColumns(results);
  return results.map((r) => {
    const s = r.summary;
    const openCells =
      s && isOpenLoop(r)
        ? [
            num(s.requested_rps, 2),
            num(s.achieved_rps, 2),
            String(s.dropped_sends),
            String(s.late_sends),
            pct(s, 'e2e_from_scheduled', 'p99'),
          ]
        : OPEN_LOOP_HEADER.map(() => '-');
    return [
      r.name,
      r.status,
      s ? String(s.requests.ok) : '-',
      s ? String(s.requests.failed) : '-',
      num(s?.throughput.requests_per_s, 2),
      num(s?.throughput.output_tokens_per_s, 1),
      ...(srv ? [s?.requests.ok ? num(r.server_metrics?.rates.output_tokens_per_s, 1) : '-'] : []),
      pct(s, 'ttft', 'p50'),
      ...(srv ? [serverTtft(r)] : []),
      pct(s, 'ttft', 'p99'),
      pct(s, 'itl', 'p50'),
      pct(s, 'itl', 'p99'),
      pct(s, 'e2e', 'p50'),
      pct(s, 'e2e', 'p99'),
      ...(open ? openCells : []),
      ...(slo ? [hasSlo(r) ? num(s?.throughput.goodput_rps, 2) : '-'] : []),
      ...(energy ? [num(r.energy?.avg_power_w, 0), num(r.energy?.output_tokens_per_j, 3)] : []),
    ];
  });
}

/**
 * `benchmark X failed: no request succeeded: ... — see records` (or `degraded: ...`) for a benchmark
 * whose status is failed or degraded (the reason from src/orchestrator/verdict.ts); undefined otherwise,
 * also for an interrupted benchmark (its counts are what was measured until the interrupt).
 */
export function statusNote(r: BenchmarkResult): string | undefined {
  if (r.status !== 'failed' && r.status !== 'degraded') return undefined;
  return `benchmark ${r.name} ${r.status}: ${r.reason ?? r.error?.message ?? r.status} — see records`;
}

/** Aligned plain-text table (latencies in ms). */
export function renderSummaryTable(results: BenchmarkResult[]): string {
  const head = summaryHeader(results);
  const rows = [head, ...summaryRows(results)];
  const widths = head.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  const out = [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)];
  for (const r of results) {
    const rate = rateNotMetNote(r);
    if (rate) out.push(`warning: ${rate}`);
  }
  const errors = results.flatMap((r) =>
    Object.entries(r.summary?.errors_by_reason ?? {}).map(([why, n]) => `  ${r.name}: ${n} x ${why}`),
  );
  if (errors.length > 0) out.push('errors:', ...errors);
  for (const r of results) {
    const note = statusNote(r);
    if (note) out.push(`warning: ${note}`);
  }
  const srv = hasServerColumns(results) ? `; srv = ${SRV_NOTE}` : '';
  const sched = hasOpenLoopColumns(results) ? '; E2E sched = from the scheduled send time' : '';
  const joules = hasEnergyColumns(results) ? `; ${ENERGY_NOTE}` : '';
  return `${out.join('\n')}\n(latencies in ms${srv}${sched}${joules})\n`;
}

/** The same table in Markdown, for summary.md. */
export function renderSummaryMarkdown(
  title: string,
  results: BenchmarkResult[],
  notes: string[] = [],
): string {
  const rows = summaryRows(results);
  const head = summaryHeader(results);
  const warnings = results.flatMap((r) => {
    const note = rateNotMetNote(r);
    return note ? [`**warning:** ${note}`] : [];
  });
  const md = [
    `# ${title}`,
    '',
    ...notes.map((n) => `- ${n}`),
    ...(notes.length ? [''] : []),
    `| ${head.join(' | ')} |`,
    `|${head.map((_, i) => (i < 2 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    ...(warnings.length ? ['', ...warnings] : []),
    '',
    'Latencies in milliseconds. TTFT = first content chunk − sent; ITL = gaps between content chunks;',
    'E2E = last content chunk − sent. Throughput over the measurement window (after warmup).',
    ...(hasServerColumns(results) ? [`srv = ${SRV_NOTE}.`] : []),
    ...(hasOpenLoopColumns(results) ? [OPEN_LOOP_NOTE] : []),
    ...(hasGoodputColumn(results) ? [GOODPUT_NOTE] : []),
    ...(hasEnergyColumns(results) ? [`${ENERGY_NOTE}.`] : []),
  ];
  const errors = results.flatMap((r) =>
    Object.entries(r.summary?.errors_by_reason ?? {}).map(([why, n]) => `- ${r.name}: ${n} × ${why}`),
  );
  if (errors.length > 0) md.push('', '## Errors', '', ...errors);
  return `${md.join('\n')}\n`;
}
