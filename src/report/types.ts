/**
 * What a run produces, as plain data: the seed's aggregated metrics shape (`total_requests`,
 * `throughput_rps`, `per_client`, ...) per benchmark and for the whole run, plus exact summaries.
 */

import type { WorkloadSpec } from '../contracts/index.js';
import type { AggregatedMetrics, ClientMetrics } from '../controller/types.js';
import type { ThresholdResult } from '../decide/evaluate.js';
import type { GeneratorCheck } from '../decide/generator-gate.js';
import type { ProbeVerdict, SearchField, SearchOutcome } from '../decide/search.js';
import type { BenchmarkSummary } from '../metrics/types.js';
import type { EnergyReport } from '../monitor/energy.js';
import type { ServerMetricsView } from '../serverstats/types.js';
import type { BenchmarkParameters } from './params.js';

export type { AggregatedMetrics, ClientMetrics, EnergyReport, ServerMetricsView };

export type BenchmarkStatus = 'pending' | 'running' | 'completed' | 'degraded' | 'failed' | 'interrupted';
export type RunStatus = 'running' | 'completed' | 'degraded' | 'failed' | 'interrupted';

export interface ErrorInfo {
  code?: string;
  message: string;
}

export interface BenchmarkResult {
  name: string;
  status: BenchmarkStatus;
  started_at?: string;
  ended_at?: string;
  /** The spec sent to the executors (without per-executor fields). */
  spec?: WorkloadSpec;
  /** The spec as flat columns (load mode, users per executor and in total, rate, lengths, ...). */
  parameters?: BenchmarkParameters;
  metrics?: AggregatedMetrics;
  summary?: BenchmarkSummary;
  /**
   * The servers' own view of the measurement window (their Prometheus /metrics deltas, and the simulated
   * service's ground truth), beside the client's `summary`. Absent when the service has no /metrics or no
   * server could be scraped.
   */
  server_metrics?: ServerMetricsView;
  /** The measurement window's energy on the server nodes (monitors with GPU power or RAPL; docs/metrics.md). */
  energy?: EnergyReport;
  /** The recipe's thresholds evaluated on this benchmark's figures (src/decide/). */
  thresholds?: ThresholdResult[];
  /** Open loop: whether the load generator kept its schedule (src/decide/generator-gate.ts). */
  load_generator?: GeneratorCheck;
  /** A capacity search's probe: the value probed, its verdict and the SLO conditions evaluated on it. */
  probe?: { field: SearchField; value: number; verdict: ProbeVerdict; why: string[]; slo: ThresholdResult[] };
  /** Why the benchmark is `failed`, `degraded` or `interrupted` (src/orchestrator/verdict.ts). */
  reason?: string;
  error?: ErrorInfo;
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

/** What `Orchestrator.run()` resolves to: the seed's top-level metrics plus every benchmark. */
export interface RunResults extends Omit<AggregatedMetrics, 'summary' | 'snapshot'> {
  summary?: BenchmarkSummary;
  scenario: string;
  run_id: string;
  status: RunStatus;
  /** The code the process exits with (src/exit-codes.ts), as written to run.json. */
  exit_code: number;
  reason?: string;
  /** Interrupted: where the run was (a phase, or `benchmark NAME (warmup)`...). */
  interrupted_phase?: string;
  results_dir?: string;
  benchmarks: BenchmarkResult[];
  /** `workload.search`: the answer with its bracket and every probe (src/decide/search.ts). */
  search?: SearchOutcome;
  error?: ErrorInfo;
}
