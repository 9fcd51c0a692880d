/**
 * Making request records (the record type is `src/contracts/record.ts`): a new record before sending, the
 * monotonic epoch clock its stamps come from, and its line in the records file.
 */
import { type AllFields, chunkOffsetMs, type RecordJson, type RequestRecord } from '../contracts/record.js';

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
    session: undefined,
    turn: undefined,
  };
  return r;
}

const ORIGIN = performance.timeOrigin;

/** Current time as epoch milliseconds from the monotonic clock. */
export const nowMs = (): number => ORIGIN + performance.now();

/** The JSONL form: chunk times become offsets from `sent` in ms (rounded to the microsecond). */
export function recordToJson(r: RequestRecord): string {
  const n = r.chunks.length;
  const offsets = new Array<number>(n);
  for (let i = 0; i < n; i++) offsets[i] = chunkOffsetMs(r.chunks[i], r.sent);
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
    session: r.session,
    turn: r.turn,
  };
  return JSON.stringify(line);
}
