/**
 * What a run produces, as plain data: the seed's aggregated metrics shape (`total_requests`,
 * `throughput_rps`, `per_client`, ...) per benchmark and for the whole run, plus exact summaries.
 */

import type { WorkloadSpec } from '../contracts/index.js';
import type { AggregatedMetrics, ClientMetrics } from '../controller/types.js';
import type { BenchmarkSummary } from '../metrics/types.js';
import type { EnergyReport } from '../monitor/energy.js';
import type {
  BenchmarkStatus,
  ErrorInfo,
  GeneratorCheck,
  ProbeRecord,
  RunStatus,
  SaturationReport,
  SearchOutcome,
  ThresholdResult,
} from '../results-folder/types.js';
import type { ServerMetricsView } from '../serverstats/types.js';
import type { BenchmarkParameters } from './params.js';

export type { AggregatedMetrics, ClientMetrics, EnergyReport, ServerMetricsView };

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
  /**
   * Open loop only: whether the server kept up (src/decide/saturation.ts), with the evidence, and
   * `stopped_early` when `stop_on_saturation` ended the benchmark.
   */
  saturation?: SaturationReport;
  /** The recipe's thresholds evaluated on this benchmark's figures (src/decide/). */
  thresholds?: ThresholdResult[];
  /** Open loop: whether the load generator kept its schedule (src/decide/generator-gate.ts). */
  load_generator?: GeneratorCheck;
  /** A capacity search's probe: the value probed, its verdict and the SLO conditions evaluated on it. */
  probe?: ProbeRecord;
  /** Why the benchmark is `failed`, `degraded` or `interrupted` (src/orchestrator/verdict.ts). */
  reason?: string;
  /**
   * Rebuilt by `hpcbench report` after its orchestrator was killed (src/orchestrator/recover.ts): one
   * line per figure group it rebuilt and from what, or could not rebuild and why (summary.json `recovery`).
   */
  recovery?: string[];
  error?: ErrorInfo;
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
