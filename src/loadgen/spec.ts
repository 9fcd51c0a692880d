/**
 * The resolved workload of one benchmark, as the orchestrator sends it to every executor in
 * `POST /start`. The seed's fields (`server_url`, `model`, `duration`, `clients_per_node`, `warmup`)
 * keep their names; everything else is an extension with a default, so a seed-style body still works.
 * Durations here are numbers of seconds (the recipe layer parses '30s', '2m', ...).
 */
export type Api = 'completions' | 'chat' | 'generate';
export type RequestDistribution = 'constant' | 'poisson' | 'burst';

/** A token length: fixed, or drawn (seeded) from a distribution. */
export type LengthSpec =
  | number
  | { dist: 'uniform'; min: number; max: number }
  | { dist: 'normal'; mean: number; std: number; min?: number; max?: number }
  | { dist: 'lognormal'; mean: number; std: number; min?: number; max?: number };

export type PromptSource =
  | { source: 'synthetic'; input_tokens: LengthSpec; output_tokens: LengthSpec }
  | { source: 'hellaswag' | 'sharegpt' | 'jsonl'; path: string; output_tokens?: LengthSpec };

export interface Slo {
  ttft_ms?: number;
  tpot_ms?: number;
  e2e_ms?: number;
}

export interface WorkloadSpec {
  /** Name of the benchmark (suite entry or sweep point); `default` for a single run. */
  benchmark: string;
  /** Registered service name (`dummy`, `ollama`, `vllm`, `llamacpp`, ...). */
  service: string;
  /** Seed field: the inference server this executor targets. */
  server_url: string;
  /** All servers this executor may target, per `distribution_strategy`; defaults to [server_url]. */
  server_urls?: string[];
  distribution_strategy?: 'round-robin' | 'random' | 'all-to-all' | 'static';
  model: string;
  /** Seconds of measurement after warmup. */
  duration: number;
  /** Seconds of warmup, excluded from statistics. */
  warmup: number;
  /** Closed loop: concurrent users on this executor (the seed's threads). */
  clients_per_node: number;
  /** Closed loop think time between requests of one user, seconds. */
  sleep_seconds?: number;
  api?: Api;
  stream?: boolean;
  /** Open loop: requests/s across ALL executors; each executor takes its deterministic share. */
  target_rps?: number;
  request_distribution?: RequestDistribution;
  /** Burst distribution: mean requests per burst (>= 1). */
  burstiness?: number;
  /** Open loop: at most this many requests in flight on this executor. */
  max_concurrency?: number;
  /** Stop after this many measured requests across all executors (each takes its share). */
  max_requests?: number;
  prompts?: PromptSource;
  /** Default max_tokens when the prompt source gives none. */
  max_tokens?: number;
  ignore_eos?: boolean;
  /** Ollama only: `options.num_gpu` of every request (layers offloaded to the GPU), from `servers.service_config.gpu_layers`. */
  num_gpu?: number;
  slo?: Slo;
  seed?: number;
  /** Position of this executor among all executors (0-based) and their number: splits rates and seeds. */
  executor_index?: number;
  executor_count?: number;
  /** Per-request timeout, seconds. */
  request_timeout?: number;
  /** Seconds requests still in flight after the measurement may take before they are cancelled (default 30). */
  grace_period?: number;
  /** Seconds with only connection errors (no HTTP answer) after which the server is unreachable: E008 (default 10). */
  unreachable_timeout?: number;
  /** Time-series window for per-window histograms, seconds. */
  window_seconds?: number;
  /** Orchestrator only: failed / (ok + failed) above which the benchmark is degraded (default 0.05). */
  max_error_rate?: number;
  /** Directory where the executor appends raw per-request records (JSONL); optional. */
  records_path?: string;
}
