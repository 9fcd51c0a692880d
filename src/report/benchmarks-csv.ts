/**
 * `benchmarks.csv` (pure): one row per benchmark, the benchmark's parameters as columns (load mode, users
 * per executor and in total, rate, prompt and output lengths, ... see params.ts) and then its headline
 * metrics (latencies in ms, rates per second). Loads directly into pandas / a spreadsheet.
 */

import type { LatencyMetric, LengthMetric } from '../contracts/index.js';
import { type Figure, figure } from '../decide/figures.js';
import type { SaturationReport } from '../decide/saturation.js';
import type { BenchmarkSummary } from '../metrics/types.js';
import type { EnergyReport } from '../monitor/energy.js';
import type { GeneratorCheck, SearchOutcome } from '../results-folder/types.js';
import type { ServerMetricsView } from '../serverstats/types.js';
import { type BenchmarkParameters, parameterColumns } from './params.js';

export interface CsvBenchmark {
  name: string;
  status: string;
  parameters: BenchmarkParameters;
  load_generator?: GeneratorCheck;
  probe?: { value: number; verdict: string };
  summary?: BenchmarkSummary;
  server_metrics?: ServerMetricsView;
  energy?: EnergyReport;
  saturation?: SaturationReport;
}

type Metric = [string, (s: BenchmarkSummary) => number | boolean | string | undefined];

const lat = (m: LatencyMetric, p: 'mean' | 'p50' | 'p90' | 'p99'): Metric => [
  `${m}_${p}_ms`,
  (s) => (s.latency_ms[m]?.count ? s.latency_ms[m]?.[p] : undefined),
];

const len = (m: LengthMetric, p: 'mean' | 'p50' | 'p99' | 'max'): Metric => [
  `${m}_${p}`,
  (s) => (s.lengths?.[m]?.count ? s.lengths[m]?.[p] : undefined),
];

/**
 * A fraction from the figure registry, with 4 significant digits rather than the 3 decimals of the other
 * cells (a resend in 20,000 requests is 0.00005, not 0).
 */
function fraction(column: string, name: string): Metric {
  const f = figure(name) as Figure;
  return [
    column,
    (s) => {
      const v = f.get(s);
      return v === undefined ? undefined : String(Number(v.toPrecision(4)));
    },
  ];
}

export const METRIC_COLUMNS: Metric[] = [
  ['sent', (s) => s.requests.sent],
  ['ok', (s) => s.requests.ok],
  ['failed', (s) => s.requests.failed],
  ['cancelled', (s) => s.requests.cancelled],
  ['cancelled_by_workload', (s) => s.requests.cancelled_by_workload ?? 0],
  ['measured_s', (s) => s.duration_s],
  ['requests_per_s', (s) => s.throughput.requests_per_s],
  ['output_tokens_per_s', (s) => s.throughput.output_tokens_per_s],
  ['total_tokens_per_s', (s) => s.throughput.total_tokens_per_s],
  ['goodput_rps', (s) => s.throughput.goodput_rps],
  ['requested_rps', (s) => s.requested_rps],
  ['achieved_rps', (s) => s.achieved_rps],
  ['late_sends', (s) => s.late_sends],
  ['dropped_sends', (s) => s.dropped_sends ?? undefined],
  lat('ttft', 'mean'),
  lat('ttft', 'p50'),
  lat('ttft', 'p90'),
  lat('ttft', 'p99'),
  lat('tpot', 'mean'),
  lat('tpot', 'p50'),
  lat('tpot', 'p99'),
  lat('itl', 'p50'),
  lat('itl', 'p99'),
  lat('e2e', 'mean'),
  lat('e2e', 'p50'),
  lat('e2e', 'p90'),
  lat('e2e', 'p99'),
  lat('schedule_lag', 'p99'),
  lat('e2e_from_scheduled', 'p99'),
  len('prompt_tokens', 'mean'),
  len('prompt_tokens', 'p50'),
  len('prompt_tokens', 'p99'),
  len('prompt_tokens', 'max'),
  len('output_tokens', 'mean'),
  len('output_tokens', 'p50'),
  len('output_tokens', 'p99'),
  len('output_tokens', 'max'),
  // multi-turn sessions: the session counts, and TTFT of the first and of the last turn index
  ['sessions_started', (s) => s.sessions?.started],
  ['sessions_completed', (s) => s.sessions?.completed],
  ['turn_first_ttft_p50_ms', (s) => s.per_turn?.[0]?.ttft_ms?.p50],
  ['turn_last', (s) => s.per_turn?.at(-1)?.turn],
  ['turn_last_ttft_p50_ms', (s) => s.per_turn?.at(-1)?.ttft_ms?.p50],
  // the executors' connections (warmup included): a server closing after every stream puts a connect in each TTFT
  ['connections_opened', (s) => s.connections?.opened],
  ['resent_stale', (s) => s.connections?.resent_stale],
  fraction('connections_opened_per_request', 'connections.opened_per_request'),
  fraction('resent_stale_per_request', 'connections.resent_stale_per_request'),
  ['server_closes_after_stream', (s) => s.connections?.server_closes_after_stream],
];

const SERVER_COLUMNS: [string, (m: ServerMetricsView) => number | undefined][] = [
  ['server_output_tokens_per_s', (m) => m.rates?.output_tokens_per_s],
  ['server_ttft_p50_ms', (m) => m.ground_truth?.latency_ms.ttft?.p50 ?? m.latency_ms?.ttft?.p50],
  ['server_prefix_cache_hit_rate', (m) => m.prefix_cache_hit_rate],
];

/** The measurement window's energy on the server nodes (docs/metrics.md, Energy); empty without power readings. */
const ENERGY_COLUMNS: [string, (e: EnergyReport) => number | undefined][] = [
  ['energy_j', (e) => e.energy_j],
  ['avg_power_w', (e) => e.avg_power_w],
  ['avg_power_per_gpu_w', (e) => e.avg_power_per_gpu_w],
  ['energy_above_idle_j', (e) => e.energy_above_idle_j],
  ['output_tokens_per_j', (e) => e.output_tokens_per_j],
  ['j_per_output_token', (e) => e.j_per_output_token],
  ['j_per_request', (e) => e.j_per_request],
  ['cpu_energy_j', (e) => e.cpu_energy_j],
];

/** The load-generator gate (open loop): its verdict and the figures it judged. */
const GATE_COLUMNS: [string, (g: GeneratorCheck) => unknown][] = [
  ['load_generator', (g) => g.label],
  ['sent_share', (g) => g.sent_share],
  ['achieved_rate_ratio', (g) => g.achieved_rate_ratio],
  ['max_schedule_lag_ms', (g) => g.max_schedule_lag_ms],
  ['executor_cpu_cores', (g) => g.executor_load?.cpu_cores],
  ['executor_event_loop', (g) => g.executor_load?.event_loop_utilization],
];

/**
 * A capacity search's columns: the probe's value and verdict, and `search` = `answer` on the highest probe
 * meeting the SLO and `first_fail` on the lowest failing above it (the bracket).
 */
function searchCells(b: CsvBenchmark, search: SearchOutcome | undefined): unknown[] {
  const role =
    search?.low_benchmark === b.name ? 'answer' : search?.high_benchmark === b.name ? 'first_fail' : '';
  return [b.probe?.value, b.probe?.verdict, role];
}

function cell(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(Math.round(v * 1000) / 1000) : '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function benchmarksCsv(list: CsvBenchmark[], search?: SearchOutcome): string {
  const params = parameterColumns(list.map((b) => b.parameters));
  const gate = list.some((b) => b.load_generator);
  const header = [
    'benchmark',
    'status',
    ...(search ? ['search_value', 'search_verdict', 'search'] : []),
    ...(gate ? GATE_COLUMNS.map(([k]) => k) : []),
    ...params,
    ...METRIC_COLUMNS.map(([k]) => k),
    'saturated',
    ...SERVER_COLUMNS.map(([k]) => k),
    ...ENERGY_COLUMNS.map(([k]) => k),
  ];
  const rows = list.map((b) => [
    cell(b.name),
    cell(b.status),
    ...(search ? searchCells(b, search).map(cell) : []),
    ...(gate ? GATE_COLUMNS.map(([, f]) => cell(b.load_generator ? f(b.load_generator) : undefined)) : []),
    ...params.map((k) => cell(b.parameters[k])),
    ...METRIC_COLUMNS.map(([, f]) => cell(b.summary ? f(b.summary) : undefined)),
    cell(b.saturation?.saturated),
    ...SERVER_COLUMNS.map(([, f]) => cell(b.server_metrics ? f(b.server_metrics) : undefined)),
    ...ENERGY_COLUMNS.map(([, f]) => cell(b.energy ? f(b.energy) : undefined)),
  ]);
  return `${[header.join(','), ...rows.map((r) => r.join(','))].join('\n')}\n`;
}
