/**
 * One request as the load generator saw it. Times are Unix epoch milliseconds with sub-millisecond
 * precision (performance.timeOrigin + performance.now(), a monotonic clock), taken as each chunk is parsed.
 */
import type { Api } from './spec.js';

export type RequestStatus = 'ok' | 'error' | 'cancelled';

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
}

/** Every field of T present (optional ones as `undefined`), so the compiler flags one left out. */
type AllFields<T> = { [K in keyof Required<T>]: T[K] };

/**
 * A record before sending: everything the caller knows; the client fills the rest. Every field exists from
 * the start (optional ones `undefined`, which JSON leaves out), so all records share one object shape, and
 * the literal avoids object spread, which V8 makes slow when properties follow it.
 */
export function newRecord(
  f: Pick<RequestRecord, 'id' | 'benchmark' | 'executor' | 'warmup' | 'api' | 'stream' | 'scheduled'> & {
    prompt_tokens_client: number;
  },
): RequestRecord {
  const r: AllFields<RequestRecord> = {
    id: f.id,
    benchmark: f.benchmark,
    executor: f.executor,
    warmup: f.warmup,
    api: f.api,
    stream: f.stream,
    server: '',
    scheduled: f.scheduled,
    sent: 0,
    first_token: undefined,
    last_token: undefined,
    end: 0,
    chunks: [],
    status: 'error',
    http_status: undefined,
    error: undefined,
    error_detail: undefined,
    retries: undefined,
    prompt_tokens_server: undefined,
    output_tokens_server: undefined,
    prompt_tokens_client: f.prompt_tokens_client,
    output_tokens_client: 0,
    prompt_tokens: 0,
    output_tokens: 0,
    tokens_source: 'client',
    server_figures: undefined,
  };
  return r;
}

const ORIGIN = performance.timeOrigin;

/** Current time as epoch milliseconds from the monotonic clock. */
export const nowMs = (): number => ORIGIN + performance.now();

/** One line of the records file: the record with `chunks` as `chunk_offsets_ms`. */
type RecordJson = AllFields<Omit<RequestRecord, 'chunks'>> & { chunk_offsets_ms: number[] };

/** The JSONL form: chunk times become offsets from `sent` in ms (rounded to the microsecond). */
export function recordToJson(r: RequestRecord): string {
  const n = r.chunks.length;
  const offsets = new Array<number>(n);
  for (let i = 0; i < n; i++) offsets[i] = Math.round((r.chunks[i] - r.sent) * 1000) / 1000;
  // a literal, not `{ ...r }`: see newRecord
  const line: RecordJson = {
    id: r.id,
    benchmark: r.benchmark,
    executor: r.executor,
    warmup: r.warmup,
    api: r.api,
    stream: r.stream,
    server: r.server,
    scheduled: r.scheduled,
    sent: r.sent,
    first_token: r.first_token,
    last_token: r.last_token,
    end: r.end,
    chunk_offsets_ms: offsets,
    status: r.status,
    http_status: r.http_status,
    error: r.error,
    error_detail: r.error_detail,
    retries: r.retries,
    prompt_tokens_server: r.prompt_tokens_server,
    output_tokens_server: r.output_tokens_server,
    prompt_tokens_client: r.prompt_tokens_client,
    output_tokens_client: r.output_tokens_client,
    prompt_tokens: r.prompt_tokens,
    output_tokens: r.output_tokens,
    tokens_source: r.tokens_source,
    server_figures: r.server_figures,
  };
  return JSON.stringify(line);
}
