/**
 * Mergeable measurement data. Executors produce `MetricsSnapshot`s (the `snapshot` of `GET /metrics`);
 * the controller merges them exactly (histograms are added, counters summed: never averaged percentiles)
 * and derives a `BenchmarkSummary` (src/metrics/types.ts). Latencies are recorded in microseconds.
 */
export type LatencyMetric =
  | 'ttft'
  | 'itl'
  | 'tpot'
  | 'e2e'
  | 'schedule_lag'
  | 'ttft_from_scheduled'
  | 'e2e_from_scheduled';

/**
 * Token lengths per request, as HdrHistograms of plain token counts (not microseconds): the prompt tokens
 * sent and the output tokens received of every ok request (`prompt_tokens` / `output_tokens` of its
 * record: the server's usage when it reports one, else the client's count).
 */
export type LengthMetric = 'prompt_tokens' | 'output_tokens';
export const LENGTH_METRICS: readonly LengthMetric[] = ['prompt_tokens', 'output_tokens'];

export interface Counters {
  sent: number;
  ok: number;
  failed: number;
  /** Every cancelled request, whoever cancelled it; */
  cancelled: number;
  /** of which cancelled on purpose by the workload's `cancel` (the rest: by the run's stop). */
  cancelled_by_workload: number;
  prompt_tokens: number;
  output_tokens: number;
  /** Requests meeting every SLO in workload.slo (equals ok when no SLO is set). */
  good: number;
  /** Open loop: sends that left later than their schedule allowed / that were never sent. */
  late_sends: number;
  dropped_sends: number;
}

export interface WindowSnapshot {
  /** Window start, epoch milliseconds. */
  start: number;
  counters: Counters;
  histograms: Partial<Record<LatencyMetric, string>>;
}

/** The load generator's own use of its machine over one run (warmup included). */
export interface ExecutorLoad {
  /** Process CPU time (user + system) over wall time: 1 = one core busy all the time. */
  cpu_cores: number;
  /** Share of the time the executor's event loop was busy (0-1); near 1 its sends and timestamps lag. */
  event_loop_utilization: number;
}

/**
 * The load generator's connections to the servers over one run (warmup included), counted by its
 * connection pools (src/loadgen/clients/http1.ts; undici's Pool for `https:`). Merged: counts summed over
 * executors, `server_closes_after_stream` true when any executor learnt it (`learnt_by` of `executors`).
 */
export interface ConnectionFigures {
  /**
   * Requests given to the pools (warmup included; a resend after a stale connection not counted again):
   * what the per-request connection figures divide by (docs/metrics.md).
   */
  requests: number;
  /** Connections opened (connected). */
  opened: number;
  /**
   * Requests sent again on a new connection because the kept-alive one they were written to turned out
   * closed by the server (stale): the records' `retries: 1`; each has a reconnect in its latency.
   */
  resent_stale: number;
  /**
   * The pool learnt that the server closes the connection after every streamed (chunked) response
   * (llama.cpp's server does): from then on each request opens a new connection. The connect comes before
   * the request is written (`sent`), so it is not in TTFT or E2E but in the schedule lag (open loop: also
   * in the latencies from the scheduled time; closed loop: between a user's requests). Learnt only by the
   * `http:` pool (http1.ts): always false for `https:` targets (undici's Pool), where `opened` near the
   * requests sent is the evidence (docs/load-generation.md#hot-path-what-one-request-costs).
   */
  server_closes_after_stream: boolean;
  /** Executors whose pools learnt it, of `executors` (those that reported connection figures). */
  learnt_by: number;
  executors: number;
}

export interface MetricsSnapshot {
  /** Who produced it (executor node name), for per-client listings. */
  source?: string;
  benchmark?: string;
  /** Epoch ms: measurement window start (after warmup) and end (last completion). */
  window_start?: number;
  window_end?: number;
  /** Epoch ms of the latest `sent` stamp (connection write) of a finished measured request (achieved rate = sent / (last_send − window_start)). */
  last_send?: number;
  counters: Counters;
  errors_by_reason: Record<string, number>;
  /** Base64-encoded HdrHistograms (microseconds), per metric. */
  histograms: Partial<Record<LatencyMetric, string>>;
  /** Base64-encoded HdrHistograms of token counts per ok request (absent from older executors). */
  lengths?: Partial<Record<LengthMetric, string>>;
  windows: WindowSnapshot[];
  /** Length of each entry of `windows`, seconds (window starts are multiples of it since the epoch). */
  window_seconds?: number;
  /** Open loop only: requests/s this snapshot's executor(s) were asked to send. */
  requested_rps?: number;
  /**
   * Open loop rebuilt from records files (an executor lost, or a killed run): each executor whose arrivals
   * never sent could not be counted, `NODE: why`; `counters.dropped_sends` then leaves them out, and the
   * summary's `dropped_sends` is null. Merged: every executor's.
   */
  dropped_sends_uncounted?: string[];
  /** How busy the load generator was over the run (warmup included); merged: the busiest executor's. */
  executor_load?: ExecutorLoad;
  /** The load generator's connections (absent from older executors, custom clients and rebuilt snapshots). */
  connections?: ConnectionFigures;
  /** What the server itself reported (Ollama durations, /metrics deltas, simulator ground truth). */
  server_reported?: Record<string, unknown>;
  /**
   * Multi-turn sessions: figures per turn index (key "1", "2", ...; the last, MAX_TURN_FIGURES, also holds
   * every later turn) of the measured ok turns: base64 HdrHistograms, latencies in microseconds and
   * `prompt_tokens` in tokens. Merged like `histograms`.
   */
  turns?: Record<string, Partial<Record<TurnMetric, string>>>;
  /** Multi-turn sessions begun (warmup included) and those that sent all their turns; merged: summed. */
  sessions?: { started: number; completed: number };
}

/** The figures kept per turn index of a multi-turn session. */
export type TurnMetric = 'ttft' | 'tpot' | 'e2e' | 'prompt_tokens';
export const TURN_METRICS: readonly TurnMetric[] = ['ttft', 'tpot', 'e2e', 'prompt_tokens'];
