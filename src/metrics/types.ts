/**
 * Summaries derived from merged snapshots (the snapshot itself is `src/contracts/metrics.ts`). Latencies
 * are reported in milliseconds.
 */
import type { ConnectionFigures, ExecutorLoad, LatencyMetric, LengthMetric } from '../contracts/metrics.js';

export interface LatencyStats {
  count: number;
  mean: number;
  min: number;
  max: number;
  std: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
}

/**
 * Token counts per ok request (prompt tokens sent, output tokens received): the same statistics as a
 * latency, in tokens. Exact below 2048 tokens, within 0.1% above (HdrHistogram, 3 significant digits).
 */
export type LengthStats = LatencyStats;

export interface BenchmarkSummary {
  benchmark: string;
  /**
   * Measured requests: sent = ok + failed + cancelled; `cancelled_by_workload` of the cancelled were
   * cancelled on purpose by the workload's `cancel` (the rest by the run's stop; absent from results
   * written before it existed).
   */
  requests: { sent: number; ok: number; failed: number; cancelled: number; cancelled_by_workload?: number };
  errors_by_reason: Record<string, number>;
  /** Seconds of the measurement window. */
  duration_s: number;
  throughput: {
    requests_per_s: number;
    output_tokens_per_s: number;
    total_tokens_per_s: number;
    goodput_rps?: number;
  };
  requested_rps?: number;
  achieved_rps?: number;
  late_sends: number;
  /**
   * Open loop: the arrivals due in the measurement that were never sent; null when they could not be
   * counted for every executor (a run rebuilt from records files: the snapshot's `dropped_sends_uncounted`
   * says whose and why), so a threshold on it fails as one without a value does.
   */
  dropped_sends: number | null;
  /** The busiest executor's CPU (cores) and event-loop utilisation over the run, warmup included. */
  executor_load?: ExecutorLoad;
  /**
   * The executors' connections over the run, warmup included: opened, requests resent after a stale
   * connection, and whether the server closed the connection after every streamed response (then every
   * request opened a new TCP connection before it was sent: the connect is in the schedule lag, not in
   * TTFT). Absent when no executor reported them.
   */
  connections?: ConnectionFigures;
  tokens: { prompt: number; output: number };
  /** Milliseconds. */
  latency_ms: Partial<Record<LatencyMetric, LatencyStats>>;
  /** Tokens per ok request: prompt sent, output received (absent when no request succeeded). */
  lengths?: Partial<Record<LengthMetric, LengthStats>>;
  /**
   * Multi-turn sessions: figures of the measured ok turns per turn index (the last entry, turn
   * MAX_TURN_FIGURES, also holds every later turn), milliseconds and prompt tokens.
   */
  per_turn?: TurnStats[];
  /** Multi-turn sessions begun (warmup included) and those that sent all their turns. */
  sessions?: { started: number; completed: number };
  /** Server-reported sums (tokens from `usage`/Ollama, Ollama's durations) and rates derived from them. */
  server_reported?: Record<string, number>;
}

/** One turn index of multi-turn sessions: its ok turns' latencies (ms) and prompt tokens (the conversation so far). */
export interface TurnStats {
  turn: number;
  requests: number;
  ttft_ms?: LatencyStats;
  tpot_ms?: LatencyStats;
  e2e_ms: LatencyStats;
  prompt_tokens: LengthStats;
}
