/**
 * One request as the load generator saw it: what the load generator writes, the metrics record and the
 * records file (`records.jsonl`) holds. Times are Unix epoch milliseconds with sub-millisecond precision
 * (performance.timeOrigin + performance.now(), a monotonic clock), taken as each chunk is parsed.
 */
import type { Api } from './workload.js';

export type RequestStatus = 'ok' | 'error' | 'cancelled';

/**
 * Who cancelled a request: `workload` its `cancel` setting (a share cancelled on purpose, like impatient
 * users), `stop` the run (in flight past the grace period, or the run was stopped).
 */
export type CancelledBy = 'workload' | 'stop';

/** Which source the record's token counts used (see `RequestRecord.tokens_source`). */
export type TokensSource = 'server' | 'client' | 'mixed';

/**
 * Ollama's own figures for one request, from its final object (`done: true`). Only the Ollama client sets
 * them; an OpenAI-compatible `usage` fills only `prompt_tokens_server` / `output_tokens_server`.
 */
export interface ServerFigures {
  prompt_eval_count?: number;
  eval_count?: number;
  total_duration_ns?: number;
  load_duration_ns?: number;
  prompt_eval_duration_ns?: number;
  eval_duration_ns?: number;
}

export interface RequestRecord {
  /** `<executor>-<n>`; sent as the `x-request-id` header (the simulator's ground truth matches on it). */
  id: string;
  benchmark: string;
  executor: string;
  /** Sent during warmup: written to the records file, excluded from every statistic. */
  warmup: boolean;
  api: Api;
  stream: boolean;
  /** Origin the request went to. */
  server: string;
  /** When the schedule wanted it sent (closed loop: when its user became ready). */
  scheduled: number;
  /** Just before the request's bytes were written to its connection (after any wait for a free one). */
  sent: number;
  /** First chunk carrying generated text (streaming only). */
  first_token?: number;
  /** Last chunk carrying generated text (streaming), or the complete response (non-streaming). */
  last_token?: number;
  /** Response complete, failed or cancelled. */
  end: number;
  /** Arrival time of every chunk carrying generated text (epoch ms); empty when not streaming. */
  chunks: number[];
  status: RequestStatus;
  http_status?: number;
  /** Failure reason (the key of errors_by_reason: `http_503`, `timeout`, `ECONNREFUSED`, ...). */
  error?: string;
  /** Status `cancelled`: by the workload's `cancel` setting or by the run's stop. */
  cancelled_by?: CancelledBy;
  /** Failure detail (server message, truncated). */
  error_detail?: string;
  /** 1 when the request was sent again after a kept-alive connection closed before any response. */
  retries?: number;
  prompt_tokens_server?: number;
  output_tokens_server?: number;
  prompt_tokens_client: number;
  output_tokens_client: number;
  /** The counts used in statistics: each the server's when it reported it, else the client's estimate. */
  prompt_tokens: number;
  output_tokens: number;
  /**
   * Where the two counts came from: `server` both reported by the server, `client` both estimated,
   * `mixed` one of each (e.g. Ollama leaves out `prompt_eval_count` for a cached prompt); which one is
   * the server's shows in `prompt_tokens_server` / `output_tokens_server` (present = used).
   */
  tokens_source: TokensSource;
  server_figures?: ServerFigures;
  /** Multi-turn sessions: the session this request is a turn of (`<executor>-s<n>`). */
  session?: string;
  /** Multi-turn sessions: the turn's index in its session, 1 for the first. */
  turn?: number;
  /**
   * Multi-turn sessions: the number of turns its session was planned to send (it ends early when a turn
   * fails or the measurement ends): the session completed when turn `turns` ended ok.
   */
  turns?: number;
}

/** Every field of T present (optional ones as `undefined`), so the compiler flags one left out. */
export type AllFields<T> = { [K in keyof Required<T>]: T[K] };

/** One line of the records file: the record with `chunks` as `chunk_offsets_ms` (offsets from `sent`). */
export type RecordJson = AllFields<Omit<RequestRecord, 'chunks'>> & { chunk_offsets_ms: number[] };

/**
 * A chunk's offset from `sent` in ms, rounded to the microsecond: what `chunk_offsets_ms` holds, and what
 * ITL is computed from (so metrics rebuilt from a records file equal the executor's own).
 */
export function chunkOffsetMs(chunk: number, sent: number): number {
  return Math.round((chunk - sent) * 1000) / 1000;
}

/** A records-file line back as a record (chunk stamps = sent + offset). */
export function recordFromJson(line: RecordJson): RequestRecord {
  const { chunk_offsets_ms: offsets, ...rest } = line;
  return { ...rest, chunks: (offsets ?? []).map((o) => line.sent + o) };
}
