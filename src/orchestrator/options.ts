/** `new Orchestrator({...})` options: the seed's arguments (camelCase) plus run-level extensions. */
import type { LogSource } from '../logs/index.js';
import type { ContainerImageRef } from '../provenance/run.js';
import type { RunPlan } from './run-plan.js';

/** Something started for the run that must be stopped at teardown (monitors, scrapers, collectors). */
export interface Stoppable {
  stop(): Promise<unknown>;
}

/** Context handed to monitoring / logging hooks. */
export interface HookContext {
  runId: string;
  runDir: string;
  plan: RunPlan;
  serverNodes: string[];
  clientNodes: string[];
  /** Server base URLs (`http://host:port`). */
  serverUrls: string[];
  warn(message: string): void;
}

export interface OrchestratorOptions {
  serverNodes: string[];
  clientNodes: string[];
  /** Recipe file (YAML/JSON). One of configFile / recipe / plan is required. */
  configFile?: string;
  /** Recipe object (as a user would write it). */
  recipe?: unknown;
  /** An already resolved plan (launchers that loaded the recipe themselves pass it). */
  plan?: RunPlan;
  /** Default 11434 (the seed's). Ignored for servers given in serverEndpoints. */
  serverPort?: number;
  /** Default 5000 (the seed's). Ignored for executors given in clientEndpoints. */
  clientPort?: number;
  /** Seconds for each control operation and grace after a benchmark's planned end. Default 600. */
  timeout?: number;
  enableMonitoring?: boolean;
  /** Pushgateway as `node`, `node:port` or URL (port 9091 by default). */
  pushgatewayNode?: string;
  /** Seconds between monitor samples. Default 5. */
  monitorInterval?: number;
  /** The orchestrator node's monitor CSV, relative to the results folder. Default benchmark_metrics.csv. */
  monitorOutput?: string;
  /** Server endpoints (`host:port` or URL) in the order of serverNodes, when ports differ per server. */
  serverEndpoints?: string[];
  /** Executor endpoints (`host:port` or URL) in the order of clientNodes. */
  clientEndpoints?: string[];
  /** Bearer token for the executors' POST endpoints (default: env HPCBENCH_TOKEN). */
  token?: string;
  /** Folder under which `<scenario>_<UTC stamp>/` is created. Default `results`. */
  resultsDir?: string;
  /** Exact results folder (already created by a launcher); wins over resultsDir. */
  runDir?: string;
  /** Stops the run: the workload is stopped, what was measured is kept and written. */
  signal?: AbortSignal;
  /** `local`, `attach`, `slurm`: recorded in run.json. Default `attach`. */
  mode?: string;
  /** Container images the run's roles use (path, remote URI), for run.json's provenance (digests). */
  containerImages?: ContainerImageRef[];
  /** Extra fields for run.json (e.g. Slurm job id, PIDs). */
  runInfo?: Record<string, unknown>;
  /** Log files of the run's components, followed into `<run>/logs/` (stdout.log, aggregated.jsonl). */
  logSources?: LogSource[];
  /** Replaces the default monitoring (in-process monitors + server scraper) when given; `false` disables. */
  monitoring?: ((ctx: HookContext) => Promise<Stoppable>) | false;
  /** Replaces the default log collection when given; `false` disables. */
  logging?: ((ctx: HookContext) => Promise<Stoppable>) | false;
  /**
   * Per benchmark, scrape each server's Prometheus /metrics at the start and end of the measurement window
   * (gauges every `gaugeInterval` s, default 1) into `server_metrics` (vllm, llamacpp, dummy). Default on.
   */
  serverMetrics?: boolean | { gaugeInterval?: number };
  /**
   * Seconds of idle power baseline before the first benchmark, when monitors report GPU power or CPU
   * energy (default: 3 monitor intervals, 1–30 s); 0 skips it.
   */
  idleBaseline?: number;
  /** Seconds between executor status polls while a benchmark runs. Default 1. */
  pollInterval?: number;
  /** Seconds the executors' health is retried. Default min(timeout, 30). */
  clientHealthTimeout?: number;
}
