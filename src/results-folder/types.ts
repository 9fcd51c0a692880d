/**
 * The shapes of a results folder's files that more than one layer reads: run.json (`RunRecord`), the
 * statuses it records, an error as written, and a threshold's result as summary.json keeps it.
 */

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
  benchmarks: { name: string; status: BenchmarkStatus; reason?: string }[];
  [key: string]: unknown;
}
