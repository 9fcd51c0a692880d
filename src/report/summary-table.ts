/**
 * The end-of-run summary as a table (pure functions), one row per benchmark, from the columns of
 * summary-columns.ts: load (total users or rate), requests, throughput, TTFT / TPOT / ITL / E2E
 * percentiles (ms), the servers' own figures grouped apart, open-loop and goodput figures when they apply.
 * The terminal table shows the default columns under group headers that carry the units and fits
 * `width` (120) columns by shortening long benchmark names; `wide` shows every column. summary.md and
 * report.html show every column. An open-loop benchmark that missed its target rate gets a warning line;
 * one whose server closed the connection after every streamed response a note line (connectionNote).
 */

import { generatorNote } from '../decide/generator-gate.js';
import { saturationText } from '../decide/saturation.js';
import { LATE_MS } from '../metrics/recorder.js';
import type { BenchmarkSummary } from '../metrics/types.js';
import { markdownTable } from './markdown-table.js';
import {
  type Column,
  hasEnergyFigures,
  hasServerFigures,
  isOpenLoop,
  num,
  summaryColumns,
} from './summary-columns.js';
import type { BenchmarkResult } from './types.js';

const SRV_NOTE =
  "the servers' own figures over the window (/metrics deltas; ~ = estimated from histogram buckets; simulated service: exact ground truth)";

const OPEN_LOOP_NOTE =
  'Open loop: requested/s = target rate, achieved/s = sends per second, dropped = scheduled sends never made, ' +
  `late = sends that left more than ${LATE_MS} ms after their scheduled time; E2E sched = last content chunk − scheduled time.`;
const GOODPUT_NOTE = 'goodput/s = requests per second meeting every SLO in workload.slo.';
const ENERGY_NOTE =
  "GPU W / tok/J = the server nodes' average GPU power and output tokens per joule over the measurement window (docs/metrics.md, Energy)";

/** Flat column labels (every column), as in summary.md and report.html. */
export function summaryHeader(results: BenchmarkResult[]): string[] {
  return summaryColumns(results).map((c) => c.label);
}

/** Every column's cells, one row per benchmark. */
export function summaryRows(results: BenchmarkResult[]): string[][] {
  const cols = summaryColumns(results);
  return results.map((r) => cols.map((c) => c.cell(r)));
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
  if (!short && !s.dropped_sends) return undefined;
  const dropped = s.dropped_sends === null ? 'dropped sends not counted' : `${s.dropped_sends} dropped`;
  return (
    `benchmark ${r.name}: target rate not met: requested ${num(s.requested_rps, 2)}/s, achieved ` +
    `${num(achieved, 2)}/s, ${dropped}, ${s.late_sends} late — the client or server ` +
    'could not keep up; quote latencies from the scheduled time (E2E sched), not from the send'
  );
}

/**
 * `benchmark X over-saturated: TTFT p50 rising across 7 windows: ...; stopped early at 12 s of 60 s` for an
 * open-loop benchmark whose server did not keep up (src/decide/saturation.ts); undefined otherwise.
 */
export function saturationNote(r: BenchmarkResult): string | undefined {
  const s = r.saturation;
  return s?.saturated ? `benchmark ${r.name} ${saturationText(s)}` : undefined;
}

/**
 * What a server that closes after every streamed response means for the latencies (docs/metrics.md): the
 * new connection is connected before the request is written, and `sent` is stamped at the write, so the
 * connect is in `sent − scheduled`, not in TTFT or E2E (measured from `sent`).
 */
const CLOSES_AFTER_STREAM =
  'the server closed the connection after every streamed response: every request opened a new TCP connection ' +
  'before it was sent, so the connect is not in TTFT or E2E but in the schedule lag (open loop: also in the ' +
  "latencies from the scheduled time; closed loop: between a user's requests, lowering requests/s)";

/**
 * The executors' connections when they bear on the latencies: `benchmark X: the server closed the
 * connection after every streamed response: ... (learnt by 2 of 2 executors; 64 connections opened, 2
 * requests resent after a stale connection)`, or, not learnt, `benchmark X: 3 requests resent after a
 * stale connection ...`; undefined when neither (or no figures).
 */
export function connectionNote(r: { name: string; summary?: BenchmarkSummary }): string | undefined {
  const c = r.summary?.connections;
  if (!c) return undefined;
  const resent = `${c.resent_stale} request${c.resent_stale === 1 ? '' : 's'} resent after a stale connection`;
  if (c.server_closes_after_stream)
    return `benchmark ${r.name}: ${CLOSES_AFTER_STREAM} (learnt by ${c.learnt_by} of ${c.executors} executor${c.executors === 1 ? '' : 's'}; ${c.opened} connections opened, ${resent})`;
  if (c.resent_stale > 0)
    return `benchmark ${r.name}: ${resent} (the server had closed a kept-alive connection without saying so): each has a reconnect in its latency`;
  return undefined;
}

/**
 * `benchmark X failed: no request succeeded: ... — see records` (or `degraded: ...`) for a benchmark
 * whose status is failed or degraded (the reason from src/orchestrator/verdict.ts), `benchmark Y skipped: why`
 * for one that did not run; for an interrupted one whose load generator fell behind (judged by hpcbench
 * report on what it measured) `benchmark Z interrupted, invalid (load generator): why — ...`; undefined
 * otherwise, also for an interrupted benchmark (its counts are what was measured until the interrupt).
 */
export function statusNote(r: BenchmarkResult): string | undefined {
  // `benchmark B skipped: benchmark A failed and orchestration.on_failure is stop`
  if (r.status === 'skipped') return `benchmark ${r.name} ${r.reason ?? 'skipped'}`;
  const gate = r.status === 'interrupted' ? generatorNote(r.load_generator) : undefined;
  if (gate)
    return `benchmark ${r.name} interrupted, ${gate} — judged on what was measured before it stopped; its figures describe the load generator, not the server`;
  if (r.status !== 'failed' && r.status !== 'degraded') return undefined;
  return `benchmark ${r.name} ${r.status}: ${r.reason ?? r.error?.message ?? r.status} — see records`;
}

export interface TableOptions {
  /** Every column (default: the default columns only). */
  wide?: boolean;
  /** Terminal width to fit (default 120; long benchmark names are shortened). Ignored with wide. */
  width?: number;
}

export const TABLE_WIDTH = 120;
const MIN_NAME = 12;

function shorten(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

/** Lays out grouped columns: 1 space inside a group, 2 between groups; group labels over their columns. */
function layout(cols: Column[], rows: string[][], nameWidth?: number): string[] {
  const cells = rows.map((r) => r.map((c, i) => (i === 0 && nameWidth ? shorten(c, nameWidth) : c)));
  if (nameWidth) cols = [{ ...cols[0], head: shorten(cols[0].head, nameWidth) }, ...cols.slice(1)];
  const widths = cols.map((c, i) => Math.max(c.head.length, ...cells.map((r) => r[i].length)));
  const sep = (i: number) =>
    i === 0 ? '' : cols[i].group === cols[i - 1].group && cols[i].group ? ' ' : '  ';
  // a group label wider than its columns widens the group's last column
  for (let i = 0; i < cols.length; ) {
    let j = i;
    while (j + 1 < cols.length && cols[j + 1].group === cols[i].group) j++;
    const span = widths.slice(i, j + 1).reduce((a, b) => a + b, 0) + (j - i);
    if (cols[i].group.length > span) widths[j] += cols[i].group.length - span;
    i = j + 1;
  }
  const line = (r: string[]) =>
    r
      .map((c, i) => sep(i) + (cols[i].left ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('')
      .trimEnd();
  const head = line(cols.map((c) => c.head));
  const rule = cols.map((_, i) => sep(i) + '-'.repeat(widths[i])).join('');
  return [groupLine(cols, widths, sep), head, rule, ...cells.map(line)];
}

/** The group labels, each starting over the first column of its group. */
function groupLine(cols: Column[], widths: number[], sep: (i: number) => string): string {
  let out = '';
  let pos = 0;
  for (let i = 0; i < cols.length; i++) {
    pos += sep(i).length;
    if (cols[i].group && (i === 0 || cols[i].group !== cols[i - 1].group)) {
      out = out.padEnd(pos) + cols[i].group;
    }
    pos += widths[i];
  }
  return out.trimEnd();
}

/**
 * Sweep names that all list the same keys (`concurrency=4,gen_tokens=32`): the values only (`4,32`) and
 * the keys as the column header (`concurrency,gen_tokens`); undefined for other names.
 */
export function compactNames(names: string[]): { head: string; names: string[] } | undefined {
  const parsed = names.map((n) => n.split(',').map((kv) => kv.split('=')));
  if (parsed.some((p) => p.some((kv) => kv.length !== 2))) return undefined;
  const keys = parsed[0]?.map(([k]) => k).join(',');
  if (!keys || parsed.some((p) => p.map(([k]) => k).join(',') !== keys)) return undefined;
  return { head: keys, names: parsed.map((p) => p.map(([, v]) => v).join(',')) };
}

/** The footnote: at most two lines of at most 120 characters. */
function footnote(results: BenchmarkResult[], wide: boolean): string[] {
  const first =
    'ms = milliseconds; TPOT = (E2E - TTFT)/(tokens - 1); load = users over all executors or rate';
  const lines = [wide ? first : `${first}; --wide: all columns`];
  const second: string[] = [];
  if (hasServerFigures(results)) second.push("server = the servers' own /metrics (~ = bucket estimate)");
  if (results.some(isOpenLoop)) second.push('achieved/s = sends/s, sat. = over-saturated');
  if (hasEnergyFigures(results)) second.push('tok/J = output tokens per joule (GPU)');
  if (second.length) lines.push(second.join('; '));
  return lines;
}

/** The aligned plain-text table for a terminal, with warnings, errors and a footnote. */
export function renderSummaryTable(results: BenchmarkResult[], opts: TableOptions = {}): string {
  const all = summaryColumns(results);
  const idx = all.map((c, i) => ({ c, i })).filter(({ c }) => opts.wide || !c.wide);
  let cols = idx.map(({ c }) => c);
  let rows = results.map((r) => idx.map(({ c }) => c.cell(r)));
  let out = layout(cols, rows);
  const width = opts.width ?? TABLE_WIDTH;
  const tooWide = () => !opts.wide && Math.max(...out.map((l) => l.length)) > width;
  if (tooWide()) {
    // sweep names `a=1,b=32` → `1,32` under the header `a,b`
    const compact = compactNames(rows.map((r) => r[0]));
    if (compact) {
      cols = [{ ...cols[0], head: compact.head }, ...cols.slice(1)];
      rows = rows.map((r, i) => [compact.names[i], ...r.slice(1)]);
      out = layout(cols, rows);
    }
  }
  if (tooWide()) {
    const widest = Math.max(...out.map((l) => l.length));
    const names = Math.max(...rows.map((r) => r[0].length), 'benchmark'.length);
    out = layout(cols, rows, Math.max(MIN_NAME, names - (widest - width)));
  }
  for (const r of results) {
    const rate = rateNotMetNote(r);
    if (rate) out.push(`warning: ${rate}`);
    const sat = saturationNote(r);
    if (sat) out.push(`warning: ${sat}`);
    const conn = connectionNote(r);
    if (conn) out.push(`note: ${conn}`);
  }
  const errors = results.flatMap((r) =>
    Object.entries(r.summary?.errors_by_reason ?? {}).map(([why, n]) => `  ${r.name}: ${n} x ${why}`),
  );
  if (errors.length > 0) out.push('errors:', ...errors);
  for (const r of results) {
    const note = statusNote(r);
    if (note) out.push(`warning: ${note}`);
  }
  return `${[...out, ...footnote(results, opts.wide ?? false)].join('\n')}\n`;
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
    const conn = connectionNote(r);
    return [
      ...[rateNotMetNote(r), saturationNote(r)].flatMap((note) => (note ? [`**warning:** ${note}`] : [])),
      ...(conn ? [`**note:** ${conn}`] : []),
    ];
  });
  const md = [
    `# ${title}`,
    '',
    ...notes.map((n) => `- ${n}`),
    ...(notes.length ? [''] : []),
    ...markdownTable(head, rows, 2),
    // one paragraph each
    ...warnings.flatMap((w) => ['', w]),
    '',
    'Latencies in milliseconds. TTFT = first content chunk − sent; TPOT = (E2E − TTFT) / (output tokens − 1);',
    'ITL = gaps between content chunks; E2E = last content chunk − sent. Throughput over the measurement window',
    '(after warmup). load = concurrent users over all executors (closed loop) or the target rate (open loop).',
    ...(hasServerFigures(results) ? [`srv = ${SRV_NOTE}.`] : []),
    ...(results.some(isOpenLoop) ? [OPEN_LOOP_NOTE] : []),
    ...(results.some((r) => r.spec?.slo !== undefined) ? [GOODPUT_NOTE] : []),
    ...(hasEnergyFigures(results) ? [`${ENERGY_NOTE}.`] : []),
  ];
  const errors = results.flatMap((r) =>
    Object.entries(r.summary?.errors_by_reason ?? {}).map(([why, n]) => `- ${r.name}: ${n} × ${why}`),
  );
  if (errors.length > 0) md.push('', '## Errors', '', ...errors);
  return `${md.join('\n')}\n`;
}
