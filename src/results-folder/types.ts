/**
 * The shapes of a results folder's files that more than one layer reads: run.json (`RunRecord`), the
 * statuses it records, an error as written, a threshold's result and an open-loop benchmark's
 * over-saturation verdict (src/decide/saturation.ts) as summary.json keeps them.
 */
import type { LatencyMetric } from '../contracts/index.js';
import type { IdleBaseline } from '../monitor/energy.js';

export type BenchmarkStatus =
  | 'pending'
  | 'running'
  | 'completed'
  | 'degraded'
  | 'failed'
  | 'interrupted'
  | 'skipped';
export type RunStatus = 'running' | 'completed' | 'degraded' | 'failed' | 'interrupted';

export interface ErrorInfo {
  code?: string;
  message: string;
}

/** The unit of a reported figure (src/decide/figures.ts): milliseconds, a fraction, per second, ... */
export type FigureUnit = 'ms' | 'ratio' | 'per_s' | 'count' | 'J' | 'W' | 'per_J';

export type ThresholdOperator = '<' | '<=' | '>' | '>=';

/** One threshold evaluated on one benchmark (summary.json `thresholds[]`). */
export interface ThresholdResult {
  /** The condition as written. */
  condition: string;
  figure: string;
  /** Where the value is in summary.json. */
  field: string;
  op: ThresholdOperator;
  /** The limit in the figure's unit (ms, fraction, per second, count). */
  limit: number;
  unit: FigureUnit;
  /** The figure's value; null when the benchmark has none. */
  actual: number | null;
  pass: boolean;
}

export interface TrendEvidence {
  metric: Extract<LatencyMetric, 'ttft' | 'e2e'>;
  /** Judged windows (runs of `merged_windows` full windows, at least `minRequests` completions each), and the median (ms) of each, in time order. */
  windows: number;
  /** Full windows merged into one judged window (1: none merged). */
  merged_windows: number;
  medians_ms: number[];
  /** Mann–Kendall S, Kendall's tau and the one-sided p-value of a rising trend. */
  kendall_s: number;
  tau: number;
  p_value: number;
  /** Var(S) multiplier for serial correlation (1 + 2 Σ (1 − k/n) r1^k; 1 without it). */
  variance_factor: number;
  /** Theil–Sen slope (ms per second) and its rise from the first to the last window (ms). */
  slope_ms_per_s: number;
  rise_ms: number;
  /** The lowest window median (ms): what the rise is compared to. */
  baseline_ms: number;
  /** The rise required: the largest of minRise × baseline, minRiseMs and minRiseService × the fastest E2E. */
  margin_ms: number;
  /** The Theil–Sen rise (ms) over the first and the second half of the judged windows (each must reach margin / 2). */
  half_rises_ms: number[];
  rising: boolean;
}

export interface ServedEvidence {
  /** Seconds of full windows compared. */
  seconds: number;
  served: number;
  requested: number;
  served_rps: number;
  requested_rps: number;
  /** served / requested. */
  share: number;
  below: boolean;
}

export interface RejectedEvidence {
  /** HTTP 429 + 503 answers. */
  count: number;
  /** Of the finished requests. */
  share: number;
  over: boolean;
}

export interface SaturationReport {
  saturated: boolean;
  /** One sentence per signal that fired (empty when not saturated). */
  reasons: string[];
  /** Full windows of the sending period that were read. */
  windows: number;
  window_seconds: number;
  /** Undefined when fewer than `minWindows` full windows have a median. */
  trend?: TrendEvidence;
  /** Undefined when the requested rate is unknown or no full window was read. */
  served?: ServedEvidence;
  rejected: RejectedEvidence;
  /** Set by the orchestrator when `stop_on_saturation` ended the benchmark early. */
  stopped_early?: { at_s: number; planned_s: number };
}

/** `run.json`: written when the run starts and rewritten as it progresses and ends. */
export interface RunRecord {
  hpcbench_version: string;
  scenario: string;
  run_id: string;
  mode: string;
  recipe_file?: string;
  server_nodes: string[];
  client_nodes: string[];
  server_endpoints: string[];
  client_endpoints: string[];
  started_at: string;
  ended_at?: string;
  status: RunStatus;
  /** The code the process exits with (src/exit-codes.ts). */
  exit_code?: number;
  /** Why the run is `failed`, `degraded` or `interrupted`. */
  reason?: string;
  /** Interrupted: the phase the run was in (e.g. `server-health`, `benchmark warmup`). */
  interrupted_phase?: string;
  error?: ErrorInfo;
  /**
   * The process that runs (or ran) the run: `hpcbench report` recovers the run only once it is gone. On
   * Linux also the boot it ran in and its start in it (clock ticks), so that no other process is taken
   * for it (src/results-folder/run-state.ts).
   */
  orchestrator?: { host: string; pid: number; boot_id?: string; start_ticks?: number };
  /** Set by `hpcbench report` when it found the run `running` with its orchestrator gone. */
  recovered?: { by: string; at: string; benchmarks: string[] };
  /**
   * The idle baseline measured before the first benchmark (energy above idle), kept here as soon as it is
   * measured so that `hpcbench report` can use it when it rebuilds a killed run's unfinished benchmark.
   */
  idle_baseline?: IdleBaseline;
  benchmarks: { name: string; status: BenchmarkStatus; reason?: string }[];
  [key: string]: unknown;
}

/** The load generator's own use of its machine (summary.json `executor_load`, src/contracts/metrics.ts). */
interface ExecutorLoadFigures {
  cpu_cores: number;
  event_loop_utilization: number;
}

/** An open-loop benchmark's validity gate (summary.json `load_generator`, src/decide/generator-gate.ts). */
export interface GeneratorCheck {
  valid: boolean;
  /**
   * `valid`, `invalid (load generator)`, or (a benchmark rebuilt by hpcbench report whose unsent arrivals
   * could not be counted) `valid (sent share not judged: why)`.
   */
  label: string;
  /** Why it is invalid (each criterion that failed), empty when valid. */
  reasons: string[];
  requested_rps: number;
  achieved_rps: number;
  /** achieved_rps / requested_rps. */
  achieved_rate_ratio: number;
  /**
   * Sends made / sends scheduled in the measurement window (recovered by hpcbench report: due by the last
   * send measured); null when the unsent arrivals could not be counted (not judged).
   */
  sent_share: number | null;
  schedule_lag_p99_ms: number | null;
  max_schedule_lag_ms: number;
  executor_load?: ExecutorLoadFigures;
  /** max_concurrency was set: lag and unsent arrivals are not held against the generator. */
  capped?: boolean;
}

/** What a capacity search varies (src/decide/search.ts). */
export type SearchField = 'target_rps' | 'clients_per_node';
export type ProbeVerdict = 'pass' | 'fail' | 'invalid';

/** One probe of a search, as the outcome lists it. */
export interface Probe {
  benchmark: string;
  value: number;
  verdict: ProbeVerdict;
  /** The SLO conditions that failed, with their values (`e2e.p99 = 512ms`), or why it is invalid. */
  why: string[];
}

/** A probe's summary.json `probe`: its value and verdict, and the SLO conditions evaluated on it. */
export interface ProbeRecord {
  field: SearchField;
  value: number;
  verdict: ProbeVerdict;
  why: string[];
  slo: ThresholdResult[];
}

/**
 * found: bracketed within precision; above_max: `max` passed; below_min: `min` failed; inconclusive: a
 * probe's load generator fell behind; incomplete: max_probes ran out, or the run stopped, before that.
 */
export type SearchStatus = 'found' | 'above_max' | 'below_min' | 'inconclusive' | 'incomplete';

/** A capacity search's outcome (the run's summary.json `search`). */
export interface SearchOutcome {
  field: SearchField;
  unit: string;
  slo: string[];
  precision: number;
  status: SearchStatus;
  /** The highest value that met the SLO (the answer); undefined when none did. */
  capacity?: number;
  /** The answer's bracket: the highest pass and the lowest fail above it (a bound may be missing). */
  bracket: { low?: number; high?: number };
  low_benchmark?: string;
  high_benchmark?: string;
  /** One line saying what was found. */
  text: string;
  probes: Probe[];
  /**
   * Set by `hpcbench report` when it rebuilt the search of a run whose orchestrator was killed mid-search:
   * from its finished probes, and why it is not complete.
   */
  interrupted?: string;
}
