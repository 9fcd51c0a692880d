/**
 * The one registry of figure names that thresholds and `compare` talk about, each mapped to where its
 * value is in a benchmark's `summary.json` (a `BenchmarkSummary` plus `server_metrics`), or how it is
 * derived from fields there. Latencies are milliseconds; ratios are fractions (0.95 = 95%).
 */

import type { LatencyMetric } from '../contracts/index.js';
import type { BenchmarkSummary } from '../metrics/types.js';
import type { EnergyReport } from '../monitor/energy.js';
import type { FigureUnit, SearchOutcome } from '../results-folder/types.js';
import type { ServerMetricsView } from '../serverstats/types.js';

/** A benchmark's `summary.json` as written (the summary may be missing when the benchmark failed early). */
export type SummaryFile = Partial<BenchmarkSummary> & {
  server_metrics?: ServerMetricsView;
  energy?: EnergyReport;
  /** The run's capacity search (the run's summary.json `search`): read by the `search.*` figures only. */
  search?: SearchOutcome;
};

/** Energy figures (summary.json `energy`, docs/metrics.md Energy): name, unit, better. */
const ENERGY_FIGURES: [keyof EnergyReport, FigureUnit, 'lower' | 'higher'][] = [
  ['energy_j', 'J', 'lower'],
  ['energy_above_idle_j', 'J', 'lower'],
  ['cpu_energy_j', 'J', 'lower'],
  ['avg_power_w', 'W', 'lower'],
  ['avg_power_per_gpu_w', 'W', 'lower'],
  ['output_tokens_per_j', 'per_J', 'higher'],
  ['j_per_output_token', 'J', 'lower'],
  ['j_per_request', 'J', 'lower'],
];

/** Where a benchmark's figures live apart (a run's result, a benchmark read back from its folder). */
export interface FigureSources {
  summary?: Partial<BenchmarkSummary>;
  server_metrics?: ServerMetricsView;
  energy?: EnergyReport;
}

/** A benchmark's figures in one object, as the figure getters read them. */
export function figureSource(b: FigureSources): SummaryFile {
  return { ...b.summary, server_metrics: b.server_metrics, energy: b.energy };
}

export interface Figure {
  name: string;
  unit: FigureUnit;
  /**
   * Which direction is an improvement; `neither` for a figure of the workload rather than of the
   * performance (a turn's prompt tokens in compare: a significant change `differs`).
   */
  better: 'lower' | 'higher' | 'neither';
  /** Where the value comes from, in words (`latency_ms.ttft.p99`, `requests.failed / requests.sent`). */
  field: string;
  /** `run`: a figure of the whole run (its capacity search), not of one benchmark. */
  scope: 'benchmark' | 'run';
  get(s: SummaryFile): number | undefined;
}

const CLIENT_LATENCIES: LatencyMetric[] = [
  'ttft',
  'itl',
  'tpot',
  'e2e',
  'schedule_lag',
  'ttft_from_scheduled',
  'e2e_from_scheduled',
];
const CLIENT_STATS = ['p50', 'p90', 'p95', 'p99', 'p999', 'mean', 'min', 'max', 'std'] as const;
/** Multi-turn sessions: figures of the first and of the last turn index (summary `per_turn`). */
const TURN_ENDS = ['turn_first', 'turn_last'] as const;
const TURN_LATENCIES = ['ttft', 'tpot', 'e2e'] as const;
const TURN_STATS = ['p50', 'p90', 'p99', 'mean', 'max'] as const;
const SERVER_LATENCIES = ['ttft', 'e2e', 'itl', 'request_tpot', 'queue', 'prefill', 'decode'] as const;
const SERVER_STATS = ['p50', 'p90', 'p99', 'mean'] as const;
const SERVER_GAUGES = ['running_requests', 'waiting_requests', 'kv_cache_usage'] as const;
/** summary.json `connections` counts that are figures, each also per request (`connections.<k>_per_request`). */
const CONNECTION_COUNTS = ['opened', 'resent_stale'] as const;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const ratio = (a: number | undefined, b: number | undefined) =>
  a !== undefined && b !== undefined && b > 0 ? a / b : undefined;

function build(): Figure[] {
  const out: Figure[] = [];
  const add = (
    name: string,
    unit: FigureUnit,
    better: Figure['better'],
    field: string,
    get: Figure['get'],
    scope: Figure['scope'] = 'benchmark',
  ) => out.push({ name, unit, better, field, scope, get });
  for (const m of CLIENT_LATENCIES)
    for (const st of CLIENT_STATS)
      add(`${m}.${st}`, 'ms', 'lower', `latency_ms.${m}.${st}`, (s) => {
        const l = s.latency_ms?.[m];
        return l && l.count > 0 ? num(l[st]) : undefined;
      });
  for (const end of TURN_ENDS)
    for (const m of TURN_LATENCIES)
      for (const st of TURN_STATS)
        add(
          `${end}.${m}.${st}`,
          'ms',
          'lower',
          `per_turn[${end === 'turn_first' ? 0 : -1}].${m}_ms.${st}`,
          (s) => {
            const t = end === 'turn_first' ? s.per_turn?.[0] : s.per_turn?.at(-1);
            const l = t?.[`${m}_ms`];
            return l && l.count > 0 ? num(l[st]) : undefined;
          },
        );
  for (const k of ['requests_per_s', 'output_tokens_per_s', 'total_tokens_per_s', 'goodput_rps'] as const)
    add(k, 'per_s', 'higher', `throughput.${k}`, (s) => num(s.throughput?.[k]));
  add('error_rate', 'ratio', 'lower', 'requests.failed / requests.sent', (s) =>
    ratio(num(s.requests?.failed), num(s.requests?.sent)),
  );
  add('goodput_ratio', 'ratio', 'higher', 'throughput.goodput_rps × duration_s / requests.sent', (s) => {
    const g = num(s.throughput?.goodput_rps);
    const d = num(s.duration_s);
    return ratio(g !== undefined && d !== undefined ? g * d : undefined, num(s.requests?.sent));
  });
  add('achieved_rate_ratio', 'ratio', 'higher', 'achieved_rps / requested_rps', (s) =>
    ratio(num(s.achieved_rps), num(s.requested_rps)),
  );
  add('achieved_rps', 'per_s', 'higher', 'achieved_rps', (s) => num(s.achieved_rps));
  for (const k of ['sent', 'ok', 'failed', 'cancelled', 'cancelled_by_workload'] as const)
    add(k, 'count', k === 'ok' || k === 'sent' ? 'higher' : 'lower', `requests.${k}`, (s) =>
      num(s.requests?.[k]),
    );
  for (const k of ['late_sends', 'dropped_sends'] as const) add(k, 'count', 'lower', k, (s) => num(s[k]));
  // the load generator's connections over the run, warmup included; per request: of the requests the
  // pools were given over the same run (not requests.sent, the measured ones)
  for (const k of CONNECTION_COUNTS) {
    add(`connections.${k}`, 'count', 'lower', `connections.${k}`, (s) => num(s.connections?.[k]));
    add(`connections.${k}_per_request`, 'ratio', 'lower', `connections.${k} / connections.requests`, (s) =>
      ratio(num(s.connections?.[k]), num(s.connections?.requests)),
    );
  }
  for (const k of ['output_tokens_per_s', 'total_tokens_per_s', 'requests_per_s'] as const)
    add(`server.${k}`, 'per_s', 'higher', `server_metrics.rates.${k}`, (s) =>
      num(s.server_metrics?.rates?.[k]),
    );
  for (const m of SERVER_LATENCIES)
    for (const st of SERVER_STATS)
      add(`server.${m}.${st}`, 'ms', 'lower', `server_metrics.latency_ms.${m}.${st}`, (s) => {
        const l = s.server_metrics?.latency_ms?.[m];
        return l && l.count > 0 ? num(l[st]) : undefined;
      });
  add('server.prefix_cache_hit_rate', 'ratio', 'higher', 'server_metrics.prefix_cache_hit_rate', (s) =>
    num(s.server_metrics?.prefix_cache_hit_rate),
  );
  add('server.preemptions', 'count', 'lower', 'server_metrics.counters.preemptions', (s) =>
    num(s.server_metrics?.counters?.preemptions),
  );
  for (const g of SERVER_GAUGES)
    for (const st of ['max', 'mean'] as const)
      add(
        `server.${g}.${st}`,
        g === 'kv_cache_usage' ? 'ratio' : 'count',
        'lower',
        `server_metrics.gauges.${g}.${st}`,
        (s) => num(s.server_metrics?.gauges?.[g]?.[st]),
      );
  for (const [k, unit, better] of ENERGY_FIGURES)
    add(`energy.${k}`, unit, better, `energy.${k}`, (s) => num(s.energy?.[k]));
  // the capacity search's answer: the highest probed value that met the SLO (a lower bound of the capacity)
  for (const [k, unit, field] of [
    ['capacity_rps', 'per_s', 'target_rps'],
    ['capacity_users', 'count', 'clients_per_node'],
  ] as const)
    add(
      `search.${k}`,
      unit,
      'higher',
      `search.capacity (search.field ${field})`,
      (s) => (s.search?.field === field ? num(s.search.capacity) : undefined),
      'run',
    );
  return out;
}

export const FIGURES: readonly Figure[] = build();
const BY_NAME = new Map(FIGURES.map((f) => [f.name, f]));

export function figure(name: string): Figure | undefined {
  return BY_NAME.get(name);
}

/** The valid names, compactly: `ttft|itl|....p50|p90|...` groups, for error messages. */
export function figureNamesHelp(): string {
  return [
    `${CLIENT_LATENCIES.join('|')} . ${CLIENT_STATS.join('|')} (ms)`,
    `${TURN_ENDS.join('|')} . ${TURN_LATENCIES.join('|')} . ${TURN_STATS.join('|')} (ms, multi-turn sessions)`,
    'requests_per_s, output_tokens_per_s, total_tokens_per_s, goodput_rps, achieved_rps (per second)',
    'error_rate, goodput_ratio, achieved_rate_ratio (fractions: 0.95 or 95%)',
    'sent, ok, failed, cancelled, cancelled_by_workload, late_sends, dropped_sends (counts)',
    `connections.${CONNECTION_COUNTS.join('|')} (counts), connections.${CONNECTION_COUNTS.map((k) => `${k}_per_request`).join('|')} (fractions of the requests): the load generator’s connections, warmup included`,
    'server.output_tokens_per_s, server.total_tokens_per_s, server.requests_per_s',
    `server.${SERVER_LATENCIES.join('|')} . ${SERVER_STATS.join('|')} (ms, bucket estimates)`,
    `server.preemptions, server.prefix_cache_hit_rate (a fraction), server.${SERVER_GAUGES.join('|')} . max|mean`,
    `energy.${ENERGY_FIGURES.map(([k]) => k).join('|')} (J, W, per J; with GPU power readings)`,
    'search.capacity_rps (per second), search.capacity_users (clients per node): the run’s capacity search, in hpcbench check',
  ].join('; ');
}
