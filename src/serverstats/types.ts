/**
 * The server-side view of one benchmark's measurement window (`BenchmarkResult.server_metrics`): what the
 * inference servers' own Prometheus `/metrics` say happened between two scrapes (counter deltas, rates,
 * histogram deltas, sampled gauges), summed over every server, and for the simulated service its exact
 * per-request ground truth over the same window.
 */

/** A latency histogram's delta over the window, in milliseconds. Percentiles are bucket estimates. */
export interface BucketLatency {
  /** The server's metric it comes from, e.g. `vllm:time_to_first_token_seconds`. */
  metric: string;
  count: number;
  /** Δsum / Δcount: exact (the server's own sum). */
  mean: number;
  /** Linear interpolation inside the bucket holding the rank (as PromQL's histogram_quantile). */
  p50: number;
  p90: number;
  p99: number;
  estimate: 'bucket';
}

/** A gauge sampled during the window (start, every sampling tick, end), summed over servers per sample. */
export interface GaugeSamples {
  metric: string;
  max: number;
  mean: number;
  samples: number;
}

export type CounterKey =
  | 'requests_succeeded'
  | 'requests_aborted'
  | 'prompt_tokens'
  | 'generation_tokens'
  | 'prefix_cache_queries'
  | 'prefix_cache_hits'
  | 'preemptions'
  | 'prompt_seconds'
  | 'generation_seconds'
  | 'decode_calls';

export type LatencyKey = 'ttft' | 'e2e' | 'itl' | 'request_tpot' | 'queue' | 'prefill' | 'decode';

export type GaugeKey = 'running_requests' | 'waiting_requests' | 'kv_cache_usage';

/** One server's part of the view. */
export interface ServerScrapeInfo {
  url: string;
  /** Both scrapes succeeded and their deltas are included. */
  scraped: boolean;
  /** Why it is not included (scrape failure), when it is not. */
  error?: string;
  /** A counter went down during the window: the server restarted; its deltas count from zero. */
  reset?: string[];
  /** This server's part of `counters.generation_tokens`. */
  generation_tokens?: number;
}

export interface ExactLatency {
  count: number;
  mean: number;
  min: number;
  max: number;
  p50: number;
  p90: number;
  p99: number;
}

/** The simulated service's own per-request record (`GET /hpcbench/requests`) over the window. */
export interface GroundTruthSummary {
  source: 'GET /hpcbench/requests';
  /** Requests that ended inside the window, by final state (`done`, `cancelled`, `disconnected`). */
  requests: number;
  by_state: Record<string, number>;
  prompt_tokens: number;
  /** Of those, the tokens found in the simulator's prefix cache (not prefilled). */
  cached_prompt_tokens?: number;
  /** Tokens the server emitted (all states). */
  output_tokens: number;
  /** Exact, from the server's timestamps, in ms, over `done` requests: first / last chunk written − arrival. */
  latency_ms: { ttft?: ExactLatency; e2e?: ExactLatency; queue?: ExactLatency };
  /** False when the server's trace buffer (`trace_capacity`) may have dropped requests of the window. */
  complete: boolean;
}

export interface ServerMetricsView {
  source: 'prometheus';
  /** The services' metric family the figures come from: `vllm` (also the simulator) or `llamacpp`. */
  families: string[];
  window: {
    /** ISO times of the scrapes that bound the window. */
    start: string;
    end: string;
    duration_s: number;
    /**
     * `benchmark-start`: before the workload started (no warmup, or warmup end never seen); `warmup-end`;
     * `monitor-scrape`: rebuilt by `hpcbench report` from the monitor's periodic scrapes (a killed run).
     */
    start_trigger: 'benchmark-start' | 'warmup-end' | 'monitor-scrape';
  };
  servers: ServerScrapeInfo[];
  /** Deltas over the window, summed over label sets and servers. */
  counters: Partial<Record<CounterKey, number>>;
  /**
   * Δprefix_cache_hits / Δprefix_cache_queries: the share of prompt tokens the servers found in their
   * prefix cache over the window (vLLM, the simulator); absent when no server counts them or none queried.
   */
  prefix_cache_hit_rate?: number;
  /** Requests by `finished_reason` (vLLM), deltas. */
  finished_reasons?: Record<string, number>;
  /**
   * What the rates divide by: `client-window`, the client's measurement window (`summary.duration_s`, so
   * both tokens/s compare like for like), or `scrape-window` (`window.duration_s`) when there is none.
   */
  rate_basis: 'client-window' | 'scrape-window';
  rates: {
    /** Δgeneration tokens / rate_basis seconds. */
    output_tokens_per_s?: number;
    /** Δ(prompt + generation) tokens / rate_basis seconds. */
    total_tokens_per_s?: number;
    /** Δrequests succeeded / rate_basis seconds. */
    requests_per_s?: number;
    /** llama.cpp: Δtokens_predicted / Δtokens_predicted_seconds (the server's own decode speed). */
    decode_tokens_per_s?: number;
    /** llama.cpp: Δprompt_tokens / Δprompt_seconds. */
    prefill_tokens_per_s?: number;
  };
  latency_ms: Partial<Record<LatencyKey, BucketLatency>>;
  gauges: Partial<Record<GaugeKey, GaugeSamples>>;
  ground_truth?: GroundTruthSummary;
  notes: string[];
}
