/**
 * One request as the load generator saw it. Times are Unix epoch milliseconds with sub-millisecond
 * precision (performance.timeOrigin + performance.now(), a monotonic clock), taken as each chunk is parsed.
 */
import type { Api } from './spec.js';

export type RequestStatus = 'ok' | 'error' | 'cancelled';

/** What the server itself reported for one request (Ollama's final NDJSON object; OpenAI `usage`). */
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
  /** Just before the request was handed to the HTTP client. */
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
  /** The counts used in statistics: the server's when it reported them, else the client's estimates. */
  prompt_tokens: number;
  output_tokens: number;
  tokens_source: 'server' | 'client';
  server_figures?: ServerFigures;
}

/** A record before sending: everything the caller knows; the client fills the rest. */
export function newRecord(
  f: Pick<RequestRecord, 'id' | 'benchmark' | 'executor' | 'warmup' | 'api' | 'stream' | 'scheduled'> & {
    prompt_tokens_client: number;
  },
): RequestRecord {
  return {
    ...f,
    server: '',
    sent: 0,
    end: 0,
    chunks: [],
    status: 'error',
    output_tokens_client: 0,
    prompt_tokens: 0,
    output_tokens: 0,
    tokens_source: 'client',
  };
}

/** Current time as epoch milliseconds from the monotonic clock. */
export const nowMs = (): number => performance.timeOrigin + performance.now();

/** The JSONL form: chunk times become offsets from `sent` in ms (rounded to the microsecond). */
export function recordToJson(r: RequestRecord): string {
  const chunks = new Array<number>(r.chunks.length);
  for (let i = 0; i < r.chunks.length; i++) chunks[i] = Math.round((r.chunks[i] - r.sent) * 1000) / 1000;
  return JSON.stringify({ ...r, chunks: undefined, chunk_offsets_ms: chunks });
}
