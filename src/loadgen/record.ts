/**
 * Making request records (the record type is `src/contracts/record.ts`): a new record before sending, the
 * monotonic epoch clock its stamps come from, and its line in the records file.
 */
import { performance } from 'node:perf_hooks';
import type { AllFields, RequestRecord } from '../contracts/record.js';
import { maxLineBytes, writeRecordLine } from './record-line.js';

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
    cancelled_by: undefined,
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
    turns: undefined,
  };
  return r;
}

const ORIGIN = performance.timeOrigin;

/**
 * Current time as epoch milliseconds from the monotonic clock (`performance` imported: the global one is
 * an accessor on globalThis, looked up through an inline cache at every call).
 */
export const nowMs = (): number => ORIGIN + performance.now();

const SCRATCH = Buffer.allocUnsafe(8192);

/**
 * The JSONL form (record-line.ts writes it): chunk times become offsets from `sent` in ms (rounded to
 * the microsecond); the same text `JSON.stringify` makes of the RecordJson literal.
 */
export function recordToJson(r: RequestRecord): string {
  const n = maxLineBytes(r);
  const b = n <= SCRATCH.length ? SCRATCH : Buffer.allocUnsafe(n);
  return b.toString('utf8', 0, writeRecordLine(r, b, 0));
}
