/**
 * report.html of a results folder (pure: from the folder's data to one self-contained page). Sections:
 * header (scenario, status, when, where, version, resolved recipe), for a run `hpcbench report` recovered
 * after its orchestrator was killed what was rebuilt and what could not be, the summary table, per benchmark the
 * latency distributions, per-window time series and errors by reason, for suites and sweeps the
 * headline metrics against the swept parameter and the Pareto view, per node the monitor series with the
 * benchmarks' warmup and measurement shaded, and the last log lines of every component when something
 * failed. See docs/user-guide.md (The HTML report).
 */

import { kneeText } from '../decide/knee.js';
import type { Provenance } from '../provenance/run.js';
import type { RunBenchmark, RunFolder } from '../results-folder/index.js';
import { repetitionSection, thresholdSection } from './decisions-section.js';
import { distributionPlots } from './distribution-plots.js';
import type { ReportAssets } from './html-assets.js';
import { esc, page, plotDivs, table } from './html-page.js';
import { runKnees } from './knees.js';
import { LENGTH_HEAD, LENGTH_NOTE, lengthPlot, lengthRows } from './lengths.js';
import { benchmarkParameters, parameterColumns, varyingParameters } from './params.js';
import type { Plot } from './plot-types.js';
import { energyLine, provenanceSection } from './provenance-section.js';
import { cancelledText } from './summary-columns.js';
import { connectionNote, saturationNote, summaryHeader, summaryRows } from './summary-table.js';
import { paretoPlot, type SweepPoint, searchPlot, sweepPlots } from './sweep-plots.js';
import { benchmarkBands, benchmarkTimePlots, monitorPlots, runTimeRange } from './time-plots.js';
import { TURN_HEAD, turnNote, turnPlot, turnRows } from './turns.js';
import type { BenchmarkResult } from './types.js';

/** Log lines shown per component when the run or a benchmark failed. */
export const LOG_TAIL = 25;

function executorsOf(b: RunBenchmark, folder: RunFolder): number {
  return b.executors ?? b.spec?.executor_count ?? (folder.run?.client_nodes?.length || 1);
}

function asResult(b: RunBenchmark, folder: RunFolder): BenchmarkResult {
  return {
    ...b,
    parameters: benchmarkParameters(b.spec, executorsOf(b, folder)),
  } as unknown as BenchmarkResult;
}

function statusSpan(status: string | undefined): string {
  return `<span class="status-${esc(status)}">${esc(status ?? 'unknown')}</span>`;
}

/** `0.1.0 @ 1a2b3c4d5e6f (modified)`: the version and, run from a checkout, its commit. */
function software(version: string | undefined, p: Provenance | undefined): string {
  const git = p?.hpcbench.git_commit;
  return `${version ?? '-'}${git ? ` @ ${git.slice(0, 12)}${p?.hpcbench.git_dirty ? ' (modified)' : ''}` : ''}`;
}

function slurmRow(p: Provenance | undefined): [string, string][] {
  const s = p?.slurm;
  if (!s) return [];
  return [
    [
      'Slurm job',
      `${s.job_id}${s.partition ? ` (${s.partition})` : ''}${s.node_list ? ` on ${s.node_list}` : ''}`,
    ],
  ];
}

function header(folder: RunFolder): string {
  const r = folder.run;
  const resolved = folder.resolved as { workload?: { model?: string; service?: string } } | undefined;
  const models = [...new Set(folder.benchmarks.map((b) => b.spec?.model).filter(Boolean))];
  const model = models.length ? models.join(', ') : (resolved?.workload?.model ?? '-');
  const rows: [string, string][] = [
    ['status', r?.status ?? 'unknown'],
    ['started', r?.started_at ?? '-'],
    ['ended', r?.ended_at ?? '(not recorded)'],
    ['mode', r?.mode ?? '-'],
    ['service', String(r?.service ?? resolved?.workload?.service ?? '-')],
    ['model', model],
    ['server nodes', (r?.server_nodes ?? []).join(', ') || '-'],
    ['servers', (r?.server_endpoints ?? []).join(', ') || '-'],
    ['client nodes', (r?.client_nodes ?? []).join(', ') || '-'],
    ['hpcbench', software(r?.hpcbench_version, folder.run?.provenance as Provenance | undefined)],
    ...slurmRow(folder.run?.provenance as Provenance | undefined),
    ['run id', r?.run_id ?? '-'],
  ];
  const err = r?.error
    ? `<p class="status-failed">${esc(r.error.code ?? 'error')}: ${esc(r.error.message)}</p>`
    : '';
  const missing = folder.missing.length
    ? `<p class="note">Not in the folder (the run may have been interrupted): ${esc(folder.missing.join(', '))}</p>`
    : '';
  const body = rows
    .map(([k, v]) => `<tr><td>${esc(k)}</td><td>${k === 'status' ? statusSpan(v) : esc(v)}</td></tr>`)
    .join('');
  return `<h1>hpcbench: ${esc(r?.scenario ?? 'run')}</h1><table class="meta">${body}</table>${err}${missing}`;
}

/**
 * A run `hpcbench report` recovered after its orchestrator stopped (run.json `recovered`, the benchmarks'
 * summary.json `recovery`): said near the top, with every recovery line, so that its figures are not
 * taken for a finished run's. Empty for any other run.
 */
function recoverySection(folder: RunFolder): string {
  const r = folder.run;
  const lines = folder.benchmarks.flatMap((b) => (b.recovery ?? []).map((l) => `${b.name}: ${l}`));
  if (!r?.recovered && lines.length === 0) return '';
  const by = r?.recovered
    ? ` by ${esc(r.recovered.by)}${r.recovered.at ? ` at ${esc(r.recovered.at)}` : ''}`
    : '';
  const names = r?.recovered?.benchmarks ?? [];
  const rebuilt = names.length
    ? ` The figures of ${esc(names.join(', '))} were rebuilt from the records files their executors wrote, not measured to the end by the run.`
    : r?.recovered
      ? ' No benchmark figures were rebuilt.'
      : '';
  return [
    '<section class="recovered" id="recovered"><h2>Recovered run</h2>',
    `<p><strong>This run was rebuilt${by} from what was on disk after its orchestrator stopped</strong> (killed, or its node lost): it did not finish.${rebuilt}</p>`,
    r?.reason ? `<p class="note">${esc(r.reason)}</p>` : '',
    lines.length
      ? `<p>What was rebuilt, from what, and what could not be:</p><ul class="recovery">${lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>`
      : '',
    '</section>',
  ].join('');
}

function recipeSection(folder: RunFolder): string {
  if (folder.resolved === undefined) return '';
  return `<details><summary>Recipe (resolved, with defaults)</summary><pre>${esc(JSON.stringify(folder.resolved, null, 2))}</pre></details>`;
}

function summarySection(folder: RunFolder): string {
  const results = folder.benchmarks.map((b) => asResult(b, folder));
  if (results.length === 0) return '<h2>Summary</h2><p>No benchmark in this results folder.</p>';
  return [
    '<h2>Summary</h2>',
    `<div class="scroll">${table(summaryHeader(results), summaryRows(results), 2, 'summary')}</div>`,
    '<p class="note">Latencies in ms. TTFT = first content chunk − sent; TPOT = (E2E − TTFT) / (output tokens − 1); ',
    'ITL = gaps between content chunks; E2E = last content chunk − sent. Throughput over the measurement window. ',
    'load = concurrent users over all executors (closed loop) or the target rate (open loop). ',
    'srv = the servers’ own figures (~ = estimated from histogram buckets).</p>',
    ...results.flatMap((r) => {
      const note = connectionNote(r);
      return note ? [`<p class="connections-note"><strong>${esc(note)}</strong></p>`] : [];
    }),
  ].join('');
}

/** A capacity search: the answer with its bracket, and each probe's value and verdict. */
function searchSection(folder: RunFolder, plots: Plot[]): string {
  const o = folder.search;
  if (!o) return '';
  const first = folder.benchmarks.find((b) => b.probe?.slo[0])?.probe?.slo[0];
  const plot = first
    ? searchPlot(
        folder.benchmarks.flatMap((b) =>
          b.probe
            ? [
                {
                  value: b.probe.value,
                  verdict: b.probe.verdict,
                  actual: b.probe.slo.find((c) => c.condition === first.condition)?.actual ?? null,
                },
              ]
            : [],
        ),
        { figure: first.figure, limit: first.limit },
        o.field,
      )
    : undefined;
  if (plot) plots.push(plot);
  return [
    '<h2>Capacity search</h2>',
    `<p class="search-answer"><strong>${esc(o.text)}</strong></p>`,
    o.interrupted
      ? `<p class="status-interrupted search-interrupted">Interrupted: ${esc(o.interrupted)}.</p>`
      : '',
    `<p class="note">SLO: ${esc(o.slo.join(', '))}; status ${esc(o.status)}; bracket [${esc(String(o.bracket.low ?? '-'))}, ${esc(String(o.bracket.high ?? '-'))}] ${esc(o.unit)}. Strategy: geometric growth to the first failure, then bisection to the stated precision (docs/load-generation.md).</p>`,
    table(
      ['probe', o.field, 'verdict', 'why'],
      o.probes.map((p) => [p.benchmark, String(p.value), p.verdict, p.why.join('; ')]),
    ),
    plot ? plotDivs([plot.id]) : '',
  ].join('');
}

function benchmarkSection(b: RunBenchmark, i: number, plots: Plot[]): string {
  const id = `b${i}`;
  const lengths = lengthPlot(id, b.snapshot);
  const turns = turnPlot(id, b.summary);
  const mine = [
    ...distributionPlots(id, b.snapshot, b.server_metrics),
    ...(lengths ? [lengths] : []),
    ...(turns ? [turns] : []),
    ...benchmarkTimePlots(id, b.timeseries),
  ];
  plots.push(...mine);
  const lengthTable = lengthRows([{ name: b.name, summary: b.summary }]).map((r) => r.slice(1));
  const turnTable = turnRows([{ name: b.name, summary: b.summary }]).map((r) => r.slice(1));
  const errors = Object.entries(b.summary?.errors_by_reason ?? {}).sort((x, y) => y[1] - x[1]);
  const parts = [
    `<h3 id="${id}">${esc(b.name)} — ${statusSpan(b.status)}</h3>`,
    b.error ? `<p class="status-failed">${esc(b.error.code ?? 'error')}: ${esc(b.error.message)}</p>` : '',
    b.recovery
      ? '<p class="status-interrupted">Rebuilt by hpcbench report after the orchestrator stopped: see <a href="#recovered">Recovered run</a>.</p>'
      : '',
    b.summary
      ? `<p class="note">${b.summary.requests.sent} sent, ${b.summary.requests.ok} ok, ${b.summary.requests.failed} failed, ${cancelledText(b.summary.requests)} over ${b.summary.duration_s.toFixed(1)} s measured.</p>`
      : '<p class="note">No metrics were written for this benchmark.</p>',
    connectionLine(b),
    energyLine(b.energy),
    saturationLine(b),
    lengthTable.length
      ? `<h3>Token lengths</h3>${table(LENGTH_HEAD.slice(1), lengthTable)}<p class="note">${esc(LENGTH_NOTE)}</p>`
      : '',
    turnTable.length
      ? `<h3>Per turn (multi-turn sessions)</h3>${table(TURN_HEAD.slice(1), turnTable)}<p class="note">${esc(turnNote(b.summary))}</p>`
      : '',
    errors.length
      ? `<h3>Errors by reason</h3>${table(
          ['reason', 'requests'],
          errors.map(([k, n]) => [k, String(n)]),
        )}`
      : '',
    mine.length ? plotDivs(mine.map((p) => p.id)) : '',
  ];
  return parts.join('');
}

/** The executors' connections: how many opened and resent, and whether the server closed after every stream. */
function connectionLine(b: RunBenchmark): string {
  const c = b.summary?.connections;
  if (!c) return '';
  return [
    `<p class="note connections">Connections: ${c.opened} opened, ${c.resent_stale} request${c.resent_stale === 1 ? '' : 's'} resent after a stale connection (over the run, warmup included, ${c.executors} executor${c.executors === 1 ? '' : 's'}).</p>`,
    c.server_closes_after_stream
      ? `<p class="connections-note"><strong>${esc(connectionNote(b))}</strong></p>`
      : '',
  ].join('');
}

/** Open loop: whether the server kept up, and why not (docs/load-generation.md, Over-saturation). */
function saturationLine(b: RunBenchmark): string {
  if (!b.saturation) return '';
  const note = saturationNote(b as unknown as BenchmarkResult);
  return note
    ? `<p class="status-degraded">${esc(note)}</p>`
    : `<p class="note">Not over-saturated (${b.saturation.windows} full windows of ${b.saturation.window_seconds} s judged).</p>`;
}

function sweepSection(folder: RunFolder, plots: Plot[]): string {
  if (folder.benchmarks.length < 2) return '';
  const points: SweepPoint[] = folder.benchmarks.map((b) => ({
    name: b.name,
    params: benchmarkParameters(b.spec, executorsOf(b, folder)),
    summary: b.summary,
  }));
  const varying = varyingParameters(points.map((p) => p.params));
  const mine = sweepPlots(points, varying);
  const pareto = paretoPlot(points);
  if (pareto) mine.push(pareto);
  plots.push(...mine);
  const cols = varying.length ? varying : parameterColumns(points.map((p) => p.params)).slice(0, 4);
  const knees = runKnees(points.map((p) => ({ name: p.name, parameters: p.params, summary: p.summary })));
  return [
    '<h2>Suite: metrics against the swept parameters</h2>',
    ...knees.map((k) => `<p class="knee${k.knee ? '' : ' note'}">${esc(kneeText(k))}</p>`),
    table(
      ['benchmark', ...cols],
      points.map((p) => [p.name, ...cols.map((c) => String(p.params[c] ?? ''))]),
    ),
    mine.length
      ? plotDivs(mine.map((p) => p.id))
      : '<p class="note">Fewer than two benchmarks with successful requests.</p>',
  ].join('');
}

function monitorSection(folder: RunFolder, plots: Plot[]): string {
  if (folder.monitors.length === 0) return '';
  const bands = benchmarkBands(folder.benchmarks);
  const range = runTimeRange(folder.benchmarks, folder.monitors);
  const parts = [
    '<h2>Monitors per node</h2>',
    '<p class="note"><span class="legend-band" style="background:rgba(255,165,0,.35)"></span>warmup',
    '<span class="legend-band" style="background:rgba(46,160,67,.3)"></span>measured (per benchmark); time in UTC.</p>',
  ];
  folder.monitors.forEach((m, i) => {
    const mine = monitorPlots(`m${i}`, m, bands, range);
    plots.push(...mine);
    parts.push(
      `<h3>${esc(m.node)}${m.role ? ` (${esc(m.role)})` : ''} — ${esc(m.file)}</h3>`,
      plotDivs(mine.map((p) => p.id)),
    );
  });
  return parts.join('');
}

/** Whether something failed (the run, or any benchmark): the report then shows the logs' last lines. */
function somethingFailed(folder: RunFolder): boolean {
  return folder.run?.status !== 'completed' || folder.benchmarks.some((b) => b.status !== 'completed');
}

function logSection(folder: RunFolder): string {
  if (!somethingFailed(folder) || folder.logs.length === 0) return '';
  const bySource = new Map<string, string[]>();
  const sorted = [...folder.logs].sort((a, b) => a.ts.localeCompare(b.ts));
  for (const r of sorted) {
    const key = `${r.node}/${r.component}`;
    const lines = bySource.get(key) ?? [];
    lines.push(`${r.ts} ${r.stream === 'stderr' ? '[stderr] ' : ''}${r.line}`);
    bySource.set(key, lines);
  }
  const parts = ['<h2>Last log lines</h2>'];
  for (const [key, lines] of bySource)
    parts.push(`<h3>${esc(key)}</h3><pre>${esc(lines.slice(-LOG_TAIL).join('\n'))}</pre>`);
  return parts.join('');
}

/** The report page of a results folder. */
export function renderReportHtml(folder: RunFolder, assets: ReportAssets): string {
  const plots: Plot[] = [];
  const benchmarks = folder.benchmarks.map((b, i) => benchmarkSection(b, i, plots)).join('');
  const body = [
    header(folder),
    recoverySection(folder),
    provenanceSection(folder.run?.provenance as Provenance | undefined),
    recipeSection(folder),
    searchSection(folder, plots),
    summarySection(folder),
    thresholdSection(folder.benchmarks, folder.run?.status),
    repetitionSection(folder.benchmarks),
    sweepSection(folder, plots),
    folder.benchmarks.length ? `<h2>Benchmarks</h2>${benchmarks}` : '',
    monitorSection(folder, plots),
    logSection(folder),
    `<p class="note">Written by hpcbench ${esc(folder.run?.hpcbench_version ?? '')} from ${esc(folder.dir)}; rebuild with <code>hpcbench report ${esc(folder.dir)}</code>.</p>`,
  ].join('\n');
  return page(`hpcbench: ${folder.run?.scenario ?? 'run'}`, body, { plots }, assets);
}
