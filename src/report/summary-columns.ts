/**
 * The columns of the summary table, defined once (pure): the terminal shows the default ones (grouped
 * under a header line with the units; `--wide` shows every column), summary.md and report.html show every
 * column with flat labels. A column can be conditional: server figures only when some benchmark has
 * them, open-loop figures only for open-loop runs, goodput only with workload.slo, status only when some
 * benchmark did not complete.
 */

import type { LatencyMetric } from '../contracts/index.js';
import { INVALID_LABEL } from '../decide/generator-gate.js';
import type { BenchmarkSummary } from '../metrics/types.js';
import { benchmarkParameters, loadText } from './params.js';
import type { BenchmarkResult } from './types.js';

export interface Column {
  /** Group header in the terminal (with the unit), e.g. `TTFT ms`. */
  group: string;
  /** Column header under the group, e.g. `p50`. */
  head: string;
  /** Flat label (summary.md, report.html), e.g. `TTFT p50 (ms)`. */
  label: string;
  cell: (r: BenchmarkResult) => string;
  /** Only with --wide in the terminal (always in summary.md and report.html). */
  wide?: boolean;
  left?: boolean;
}

export function num(n: number | undefined, digits: number): string {
  return n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(digits);
}

/** Cancelled requests: `12`, or `12 (10)` when 10 of them were cancelled on purpose by workload.cancel. */
function cancelCell(q: BenchmarkSummary['requests']): string {
  const w = q.cancelled_by_workload ?? 0;
  return w > 0 ? `${q.cancelled} (${w})` : String(q.cancelled);
}

/** `12 cancelled`, or `12 cancelled (10 by workload.cancel)`. */
export function cancelledText(q: BenchmarkSummary['requests']): string {
  const w = q.cancelled_by_workload ?? 0;
  return `${q.cancelled} cancelled${w > 0 ? ` (${w} by workload.cancel)` : ''}`;
}

function pct(s: BenchmarkSummary | undefined, metric: LatencyMetric, p: 'p50' | 'p90' | 'p99'): string {
  const stats = s?.latency_ms[metric];
  return stats && stats.count > 0 ? num(stats[p], 1) : '-';
}

export function hasServerFigures(results: BenchmarkResult[]): boolean {
  return results.some((r) => r.server_metrics !== undefined);
}

/** Some benchmark's servers counted prefix-cache queries: a `prefix hit %` column (the share of prompt tokens cached). */
export function hasPrefixCache(results: BenchmarkResult[]): boolean {
  return results.some((r) => r.server_metrics?.prefix_cache_hit_rate !== undefined);
}

/** Some benchmark has measured energy (GPU power on the server nodes): `GPU W` and `tok/J` columns. */
export function hasEnergyFigures(results: BenchmarkResult[]): boolean {
  return results.some((r) => (r.energy?.energy_j ?? 0) > 0);
}

/**
 * The status as shown: `invalid (load generator)` when the gate failed (a benchmark that did not run to
 * its end, judged by hpcbench report on what it measured: `interrupted, invalid (load generator)`), else
 * the benchmark's status.
 */
export function statusText(r: BenchmarkResult): string {
  if (!r.load_generator || r.load_generator.valid) return r.status;
  return r.status === 'completed' || r.status === 'degraded'
    ? INVALID_LABEL
    : `${r.status}, ${INVALID_LABEL}`;
}

export function isOpenLoop(r: BenchmarkResult): boolean {
  return r.summary?.requested_rps !== undefined;
}

const hasSlo = (r: BenchmarkResult) => r.spec?.slo !== undefined;

/** The server's TTFT p50: exact from the simulator's ground truth, else `~` + the histogram bucket estimate. */
function serverTtft(r: BenchmarkResult): string {
  const m = r.server_metrics;
  const exact = m?.ground_truth?.latency_ms.ttft;
  if (exact) return num(exact.p50, 1);
  const est = m?.latency_ms.ttft;
  return est && Number.isFinite(est.p50) ? `~${num(est.p50, 1)}` : '-';
}

/** `yes` / `stop` (over-saturated and stopped early) / `no` for an open-loop benchmark; `-` otherwise. */
export function saturatedCell(r: BenchmarkResult): string {
  const s = r.saturation;
  if (!s) return '-';
  return s.saturated ? (s.stopped_early ? 'stop' : 'yes') : 'no';
}

/** `8 users` / `20/s` from the benchmark's parameters (or its spec). */
function load(r: BenchmarkResult): string {
  return loadText(r.parameters ?? benchmarkParameters(r.spec, r.metrics?.per_client.length || 1));
}

const latency = (metric: LatencyMetric, name: string, p: 'p50' | 'p90' | 'p99', wide = false): Column => ({
  group: `${name} ms`,
  head: p,
  label: `${name} ${p} (ms)`,
  cell: (r) => pct(r.summary, metric, p),
  wide,
});

/** Every column that applies to these results, in order. */
export function summaryColumns(results: BenchmarkResult[]): Column[] {
  const srv = hasServerFigures(results);
  const open = results.some(isOpenLoop);
  const slo = results.some(hasSlo);
  const notCompleted = results.some((r) => r.status !== 'completed');
  const probes = results.some((r) => r.probe !== undefined);
  const energy = hasEnergyFigures(results);
  const prefix = hasPrefixCache(results);
  const cancels = results.some((r) => (r.summary?.requests.cancelled ?? 0) > 0);
  const openCell = (f: (s: BenchmarkSummary) => string) => (r: BenchmarkResult) =>
    r.summary && isOpenLoop(r) ? f(r.summary) : '-';
  const cols: (Column | false)[] = [
    { group: '', head: 'benchmark', label: 'benchmark', cell: (r) => r.name, left: true },
    { group: '', head: 'status', label: 'status', cell: statusText, left: true, wide: !notCompleted },
    probes && {
      group: '',
      head: 'SLO',
      label: 'search SLO',
      cell: (r) => r.probe?.verdict ?? '-',
      left: true,
    },
    { group: '', head: 'load', label: 'load', cell: load, left: true },
    {
      group: 'requests',
      head: 'ok',
      label: 'ok',
      cell: (r) => (r.summary ? String(r.summary.requests.ok) : '-'),
    },
    {
      group: 'requests',
      head: 'failed',
      label: 'failed',
      cell: (r) => (r.summary ? String(r.summary.requests.failed) : '-'),
    },
    cancels && {
      group: 'requests',
      head: 'cancel',
      label: 'cancelled (by workload.cancel)',
      cell: (r) => (r.summary ? cancelCell(r.summary.requests) : '-'),
    },
    {
      group: 'rate /s',
      head: 'req',
      label: 'req/s',
      cell: (r) => num(r.summary?.throughput.requests_per_s, 2),
    },
    {
      group: 'rate /s',
      head: 'tok',
      label: 'out tok/s',
      cell: (r) => num(r.summary?.throughput.output_tokens_per_s, 1),
    },
    slo && {
      group: 'rate /s',
      head: 'goodput',
      label: 'goodput/s',
      cell: (r) => (hasSlo(r) ? num(r.summary?.throughput.goodput_rps, 2) : '-'),
    },
    latency('ttft', 'TTFT', 'p50'),
    latency('ttft', 'TTFT', 'p99'),
    latency('tpot', 'TPOT', 'p50'),
    latency('tpot', 'TPOT', 'p99', true),
    latency('itl', 'ITL', 'p50', true),
    latency('itl', 'ITL', 'p99', true),
    latency('e2e', 'E2E', 'p50'),
    latency('e2e', 'E2E', 'p99'),
    srv && {
      group: 'server',
      head: 'tok/s',
      label: 'srv tok/s',
      cell: (r) => (r.summary?.requests.ok ? num(r.server_metrics?.rates.output_tokens_per_s, 1) : '-'),
    },
    srv && { group: 'server', head: 'TTFT ms', label: 'srv TTFT p50 (ms)', cell: serverTtft },
    prefix && {
      group: 'server',
      head: 'prefix hit %',
      label: 'srv prefix hit %',
      cell: (r) => {
        const h = r.server_metrics?.prefix_cache_hit_rate;
        return h === undefined ? '-' : num(100 * h, 1);
      },
      wide: true,
    },
    energy && {
      group: 'energy',
      head: 'GPU W',
      label: 'GPU W',
      cell: (r) => num(r.energy?.avg_power_w, 0),
    },
    energy && {
      group: 'energy',
      head: 'tok/J',
      label: 'tok/J',
      cell: (r) => num(r.energy?.output_tokens_per_j, 3),
    },
    open && {
      group: 'open loop',
      head: 'requested/s',
      label: 'requested/s',
      cell: openCell((s) => num(s.requested_rps, 2)),
      wide: true,
    },
    open && {
      group: 'open loop',
      head: 'achieved/s',
      label: 'achieved/s',
      cell: openCell((s) => num(s.achieved_rps, 2)),
    },
    open && {
      group: 'open loop',
      head: 'dropped',
      label: 'dropped',
      cell: openCell((s) => (s.dropped_sends === null ? 'not counted' : String(s.dropped_sends))),
      wide: true,
    },
    open && {
      group: 'open loop',
      head: 'late',
      label: 'late',
      cell: openCell((s) => String(s.late_sends)),
      wide: true,
    },
    open && {
      group: 'open loop',
      head: 'E2E sched p99 ms',
      label: 'E2E sched p99 (ms)',
      cell: openCell((s) => pct(s, 'e2e_from_scheduled', 'p99')),
      wide: true,
    },
    open && {
      group: 'open loop',
      head: 'sat.',
      label: 'saturated',
      cell: saturatedCell,
    },
  ];
  return cols.filter((c): c is Column => c !== false);
}
