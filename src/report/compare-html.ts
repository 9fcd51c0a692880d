/**
 * The comparison page of `hpcbench compare ... --html FILE` (pure: from the runs and their comparison to
 * one self-contained page in the report's style): the runs, the method, per run and matched benchmark each
 * headline figure side by side with its change, its confidence interval drawn and the verdict coloured
 * (multi-turn sessions: also each turn index's), the unmatched benchmarks, and per benchmark the latency distributions of every run overlaid.
 */
import { basename } from 'node:path';
import { type CapacityComparison, capacitySideText } from '../decide/capacity-compare.js';
import type {
  BenchmarkComparison,
  CompareOptions,
  FigureComparison,
  Regression,
  RunComparison,
} from '../decide/compare.js';
import {
  formatChange,
  formatInterval,
  methodText,
  statusNotes,
  TURN_TABLE_NOTE,
  verdictText,
} from '../decide/compare-render.js';
import { formatFigure } from '../decide/evaluate.js';
import { groupByRepetition } from '../decide/repetitions.js';
import { mergeEncoded } from '../metrics/histogram.js';
import type { RunBenchmark, RunFolder } from '../results-folder/index.js';
import { DISTRIBUTION_METRICS, ninesGrid, ninesPercentile } from './distribution-plots.js';
import type { ReportAssets } from './html-assets.js';
import { esc, page, plotDivs, table } from './html-page.js';
import type { Plot } from './plot-types.js';

export interface ComparisonPageInput {
  /** The baseline first, then each compared run (as given on the command line). */
  runs: RunFolder[];
  /** Each run after the first against the first. */
  comparisons: RunComparison[];
  options: CompareOptions;
  /** `--fail-on-regression` as a fraction, when given. */
  tolerance?: number;
  regressions: Regression[];
}

const label = (i: number) => (i === 0 ? 'baseline' : `run ${i}`);
const pct = (v: number) => `${Math.round(v * 1000) / 10}%`;

function runsTable(runs: RunFolder[]): string {
  return table(
    ['', 'results folder', 'scenario', 'status', 'started', 'hpcbench', 'benchmarks'],
    runs.map((r, i) => [
      label(i),
      r.dir,
      r.run?.scenario ?? '-',
      r.run?.status ?? '-',
      r.run?.started_at ?? '-',
      r.run?.hpcbench_version ?? '-',
      String(r.benchmarks.length),
    ]),
    7,
  );
}

function methodSection(o: ComparisonPageInput): string {
  const c = pct(o.options.confidence);
  return [
    '<h2>Method</h2>',
    '<p class="method">',
    `Benchmarks are matched by name (repetitions <code>&lt;name&gt;_repN</code> grouped under <code>&lt;name&gt;</code>). `,
    `Each run is compared with the baseline: the change is relative (run / baseline − 1) for latencies, rates and energy, `,
    'absolute (percentage points) for the error rate and the connections per request. ',
    `Intervals are two-sided ${esc(c)} confidence intervals of the change. Without repetitions in both runs they come from a seeded bootstrap `,
    `of each run's raw records (${o.options.resamples} resamples, seed ${o.options.seed}): a cluster bootstrap over requests for latency percentiles, `,
    'over time windows for rates and the error rate; with repetitions in both runs (each ≥ 2), from Welch’s t interval over the repetitions. ',
    'Energy and connection figures are one number per run: they get an interval only from repetitions, else the verdict is “needs repetitions”. ',
    `A figure is better or worse when its interval excludes 0${o.options.minChange > 0 ? ` and the change is at least ${esc(pct(o.options.minChange))}` : ''}; `,
    'the bootstrap sees the noise within a run, not the drift between runs (use repetitions for that). ',
    'The method and its assumptions: docs/metrics.md, “Comparing runs”.',
    '</p>',
  ].join('');
}

function regressionLine(o: ComparisonPageInput): string {
  if (o.tolerance === undefined) return '';
  if (!o.regressions.length)
    return `<p class="verdict-line">No figure is significantly worse by more than ${esc(pct(o.tolerance))} (--fail-on-regression).</p>`;
  const list = o.regressions.map(
    (r) => `${r.benchmark} ${r.figure} (${formatChange(r.change, r.change_kind, r.unit)})`,
  );
  return `<p class="verdict-line verdict-worse">${o.regressions.length} figure(s) significantly worse by more than ${esc(pct(o.tolerance))}: ${esc(list.join(', '))}.</p>`;
}

/** The interval and the change drawn against 0 on a scale shared by the rows of one kind of a table. */
function intervalSvg(f: FigureComparison, scale: number): string {
  const w = 180;
  const h = 16;
  const x = (v: number) =>
    Math.round((w / 2 + (Math.max(-scale, Math.min(scale, v)) / scale) * (w / 2 - 6)) * 10) / 10;
  const parts = [`<line x1="${w / 2}" y1="1" x2="${w / 2}" y2="${h - 1}" class="zero"/>`];
  if (f.ci)
    parts.push(`<line x1="${x(f.ci[0])}" y1="${h / 2}" x2="${x(f.ci[1])}" y2="${h / 2}" class="bar"/>`);
  if (f.change !== null) parts.push(`<circle cx="${x(f.change)}" cy="${h / 2}" r="3.5" class="point"/>`);
  const title = `change ${formatChange(f.change, f.change_kind, f.unit)}, interval ${formatInterval(f)}`;
  return `<svg class="ci-svg ci-${esc(f.verdict.replace(/\s+/g, '-'))}" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="${esc(title)}"><title>${esc(title)}</title>${parts.join('')}</svg>`;
}

/** Rows drawn on one scale: relative changes together, absolute ones per unit (pp, ms, J, ...). */
const scaleKey = (f: FigureComparison) => (f.change_kind === 'relative' ? 'relative' : `absolute ${f.unit}`);

function scaleOf(figures: FigureComparison[], key: string): number {
  const vs = figures
    .filter((f) => scaleKey(f) === key)
    .flatMap((f) => [f.change ?? 0, ...(f.ci ?? [])])
    .map(Math.abs)
    .filter(Number.isFinite);
  return Math.max(key === 'relative' ? 0.01 : 0.001, ...vs) * 1.1;
}

const verdictClass = (v: string) => `verdict verdict-${v.replace(/\s+/g, '-')}`;

/** Figures as table rows; `lead`: cells before each row's figure (the per-turn table's turn and requests). */
function figureTable(
  figures: FigureComparison[],
  lead: { head: string[]; cells: string[][]; attr: string[] } = { head: [], cells: [], attr: [] },
): string {
  const scales = new Map([...new Set(figures.map(scaleKey))].map((k) => [k, scaleOf(figures, k)]));
  const rows = figures.map((f, i) =>
    [
      `<tr data-figure="${esc(f.figure)}"${lead.attr[i] ?? ''}>`,
      ...(lead.cells[i] ?? []).map((c) => `<td class="num">${esc(c)}</td>`),
      `<td>${esc(f.figure)}</td>`,
      `<td class="num">${esc(formatFigure(f.baseline, f.unit))}</td>`,
      `<td class="num">${esc(formatFigure(f.value, f.unit))}</td>`,
      `<td class="num">${esc(formatChange(f.change, f.change_kind, f.unit))}</td>`,
      `<td class="num">${esc(formatInterval(f))}</td>`,
      `<td class="ci">${intervalSvg(f, scales.get(scaleKey(f)) ?? 1)}</td>`,
      `<td class="${verdictClass(f.verdict)}" data-verdict="${esc(f.verdict)}">${esc(verdictText(f))}</td>`,
      '</tr>',
    ].join(''),
  );
  const n = lead.head.length;
  const head = [
    ...lead.head,
    'figure',
    'baseline',
    'run',
    'change',
    'interval',
    'interval against 0',
    'verdict',
  ];
  return `<table class="compare"><thead><tr>${head.map((h, i) => `<th${i < n || (i > n && i < n + 5) ? ' class="num"' : ''}>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** Multi-turn sessions: every turn index's figures in one table ('' without sessions). */
function turnTable(b: BenchmarkComparison): string {
  const turns = b.per_turn ?? [];
  if (!turns.length) return '';
  const figures = turns.flatMap((t) => t.figures);
  const cells = turns.flatMap((t) =>
    t.figures.map(() => [String(t.turn), `${t.requests[0]} / ${t.requests[1]}`]),
  );
  const attr = turns.flatMap((t) => t.figures.map(() => ` data-turn="${t.turn}"`));
  return `<h4>Per turn (multi-turn sessions)</h4><p class="note">${esc(TURN_TABLE_NOTE)}.</p>${figureTable(figures, { head: ['turn', 'requests'], cells, attr })}`;
}

function unmatched(c: RunComparison, i: number): string {
  const items = [
    ...(c.only_in_baseline.length
      ? [`only in the baseline (not compared): ${c.only_in_baseline.join(', ')}`]
      : []),
    ...(c.only_in_run.length ? [`only in ${label(i)} (not compared): ${c.only_in_run.join(', ')}`] : []),
  ];
  return items.length ? `<ul class="unmatched">${items.map((t) => `<li>${esc(t)}</li>`).join('')}</ul>` : '';
}

/** The two brackets [low, high) on one axis from 0 (an open end drawn to the edge with an arrow). */
function bracketSvg(cap: CapacityComparison): string {
  const w = 320;
  const rowH = 18;
  const sides = [cap.baseline, cap.run];
  const ends = sides.flatMap((x) => [x.low, x.high]).filter((v): v is number => v !== null);
  const top = Math.max(1e-9, ...ends) * 1.25;
  const x = (v: number) => Math.round((6 + (v / top) * (w - 12)) * 10) / 10;
  const bars = sides.map((sd, k) => {
    const y = rowH * k + rowH / 2;
    const a = x(sd.low ?? 0);
    const b = sd.high === null ? w - 2 : x(sd.high);
    const open = sd.high === null ? `<text x="${w - 10}" y="${y + 4}" class="open">→</text>` : '';
    return `<line x1="${a}" y1="${y}" x2="${b}" y2="${y}" class="bar bracket-${k ? 'run' : 'baseline'}"/>${open}`;
  });
  const title = sides
    .map((sd, k) => `${k ? 'run' : 'baseline'} ${capacitySideText(sd, cap.unit)}`)
    .join('; ');
  return `<svg class="bracket-svg" width="${w}" height="${2 * rowH}" viewBox="0 0 ${w} ${2 * rowH}" role="img" aria-label="${esc(title)}"><title>${esc(title)}</title>${bars.join('')}</svg>`;
}

/** The capacity searches side by side: status, answer, bracket, the brackets drawn, the verdict. */
function capacitySection(cap: CapacityComparison | undefined): string {
  if (!cap) return '';
  const change = cap.change === null ? '-' : `${cap.change >= 0 ? '+' : ''}${(100 * cap.change).toFixed(1)}%`;
  const row = (name: string, sd: CapacityComparison['baseline']) =>
    `<tr><td>${esc(name)}</td><td>${esc(sd.status)}</td><td class="num">${sd.capacity === null ? '-' : esc(`${sd.capacity} ${cap.unit}`)}</td><td class="num">[${esc(sd.low === null ? '0' : String(sd.low))}, ${esc(sd.high === null ? '∞' : String(sd.high))})</td><td class="num">${sd.precision === null ? '-' : esc(pct(sd.precision))}</td></tr>`;
  return [
    `<h3>Capacity search over ${esc(cap.field)}</h3>`,
    `<p class="note">SLO: ${esc(cap.slo.join(', '))}. A search brackets its capacity in [highest pass, lowest fail): better or worse only when the brackets do not overlap.</p>`,
    '<table class="compare capacity"><thead><tr><th></th><th>status</th><th class="num">capacity</th><th class="num">bracket</th><th class="num">precision</th></tr></thead><tbody>',
    row('baseline', cap.baseline),
    row('run', cap.run),
    '</tbody></table>',
    bracketSvg(cap),
    `<p class="verdict-line ${verdictClass(cap.verdict)}" data-capacity-verdict="${esc(cap.verdict)}">${esc(`${cap.verdict} (${change}): ${cap.why}`)}</p>`,
  ].join('');
}

function comparisonSection(c: RunComparison, i: number, benchmarkIds: Map<string, string>): string {
  const parts = [`<h2>${esc(label(i))} against the baseline</h2>`];
  parts.push(`<p class="note">${esc(c.run)} against ${esc(c.baseline)}</p>`);
  for (const n of statusNotes(c)) parts.push(`<p class="note run-status">${esc(n)}</p>`);
  if (!c.benchmarks.length) parts.push('<p>No benchmark in common.</p>');
  for (const b of c.benchmarks) {
    const id = benchmarkIds.get(b.benchmark);
    parts.push(
      `<h3>${esc(b.benchmark)}</h3>`,
      `<p class="note">Method: ${esc(methodText(b))}${b.repetitions[0] > 1 || b.repetitions[1] > 1 ? `; repetitions ${b.repetitions[0]} (baseline) and ${b.repetitions[1]} (run)` : ''}.${id ? ` <a href="#${id}">Distributions</a>.` : ''}</p>`,
      b.parameters_differ.length
        ? `<p class="note">Parameters differ: ${esc(b.parameters_differ.join('; '))}</p>`
        : '',
      figureTable(b.figures),
      turnTable(b),
    );
  }
  parts.push(capacitySection(c.search), unmatched(c, i));
  return parts.join('');
}

/** One run's benchmark as a pooled histogram of a metric (its repetitions merged). */
function pooled(reps: RunBenchmark[] | undefined, metric: string) {
  const h = mergeEncoded((reps ?? []).map((r) => r.snapshot?.histograms[metric as 'ttft']));
  return h && h.totalCount > 0 ? h : undefined;
}

/** Per benchmark in the baseline and at least one run: each metric's percentile curves, every run overlaid. */
function distributionSection(runs: RunFolder[], plots: Plot[], ids: Map<string, string>): string {
  const groups = runs.map((r) => groupByRepetition(r.benchmarks));
  const parts: string[] = [];
  let k = 0;
  for (const name of groups[0].keys()) {
    if (!groups.slice(1).some((g) => g.has(name))) continue;
    const id = `d${k++}`;
    const mine: Plot[] = [];
    for (const { metric, title } of DISTRIBUTION_METRICS) {
      const hs = groups.map((g) => pooled(g.get(name), metric));
      const present = hs.map((h, i) => ({ h, i })).filter((x) => x.h !== undefined);
      if (present.length < 2) continue;
      const xs = ninesGrid(Math.min(...present.map((x) => x.h!.totalCount)));
      mine.push({
        id: `${id}-dist-${metric}`,
        title: `${title} distribution`,
        kind: 'percentile',
        xLabel: 'percentile',
        yLabel: `${title} (ms)`,
        series: present.map((x) => ({ label: label(x.i) })),
        data: [
          xs,
          ...present.map((x) => xs.map((p) => x.h!.getValueAtPercentile(ninesPercentile(p)) / 1000)),
        ],
      });
    }
    if (!mine.length) continue;
    ids.set(name, id);
    plots.push(...mine);
    parts.push(`<h3 id="${id}">${esc(name)}</h3>`, plotDivs(mine.map((p) => p.id)));
  }
  if (!parts.length) return '';
  return [
    '<h2>Distributions</h2>',
    '<p class="note">Each run’s percentiles from its merged HdrHistogram (repetitions pooled), on a “nines” axis (50%, 90%, 99%, 99.9% equally spaced).</p>',
    ...parts,
  ].join('');
}

/** The comparison page. */
export function renderComparisonHtml(o: ComparisonPageInput, assets: ReportAssets): string {
  const plots: Plot[] = [];
  const ids = new Map<string, string>();
  const distributions = distributionSection(o.runs, plots, ids);
  const names = o.runs.map((r) => basename(r.dir));
  const body = [
    `<h1>hpcbench compare: ${esc(names.slice(1).join(', '))} against ${esc(names[0])}</h1>`,
    runsTable(o.runs),
    regressionLine(o),
    methodSection(o),
    ...o.comparisons.map((c, i) => comparisonSection(c, i + 1, ids)),
    distributions,
    `<p class="note">Written by hpcbench compare; the same comparison as JSON: <code>hpcbench compare ${esc(o.runs.map((r) => r.dir).join(' '))} --json</code>.</p>`,
  ].join('\n');
  return page(`hpcbench compare: ${names.join(' vs ')}`, body, { plots }, assets);
}
