/**
 * Making request records (the record type is `src/contracts/record.ts`): a new record before sending, the
 * monotonic epoch clock its stamps come from, and its line in the records file.
 */
import { type AllFields, chunkOffsetMs, type RequestRecord } from '../contracts/record.js';

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

/** Current time as epoch milliseconds from the monotonic clock. */
export const nowMs = (): number => ORIGIN + performance.now();

/** A string as JSON: as is between quotes when nothing in it needs escaping, else JSON.stringify's. */
function str(v: string): string {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    // control characters, quote, backslash, and surrogates (JSON.stringify escapes lone ones)
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(v);
  }
  return `"${v}"`;
}

/** A number as JSON (JSON.stringify writes a non-finite one as null). */
const num = (v: number): string => (Number.isFinite(v) ? String(v) : 'null');

/** `,"key":value` for a field JSON keeps (undefined ones it leaves out). */
const optNum = (key: string, v: number | undefined): string => (v === undefined ? '' : `,"${key}":${num(v)}`);
const optStr = (key: string, v: string | undefined): string => (v === undefined ? '' : `,"${key}":${str(v)}`);

/**
 * The JSONL form: chunk times become offsets from `sent` in ms (rounded to the microsecond). The same
 * text `JSON.stringify` makes of the RecordJson literal (fields in its order, undefined ones left out;
 * test/loadgen/records.test.ts compares them), written field by field: about a third of the cost, and a
 * run of equal offsets (events that arrived in one network piece) is formatted once.
 */
export function recordToJson(r: RequestRecord): string {
  const ch = r.chunks;
  let offsets = '';
  let prev = Number.NaN;
  let prevText = '';
  for (let i = 0; i < ch.length; i++) {
    const o = chunkOffsetMs(ch[i], r.sent);
    if (o !== prev) {
      prev = o;
      prevText = num(o);
    }
    offsets += i === 0 ? prevText : `,${prevText}`;
  }
  return (
    `{"id":${str(r.id)},"benchmark":${str(r.benchmark)},"executor":${str(r.executor)},` +
    `"warmup":${r.warmup},"api":${str(r.api)},"stream":${r.stream},"server":${str(r.server)},` +
    `"scheduled":${num(r.scheduled)},"sent":${num(r.sent)}` +
    optNum('first_token', r.first_token) +
    optNum('last_token', r.last_token) +
    `,"end":${num(r.end)},"chunk_offsets_ms":[${offsets}],"status":${str(r.status)}` +
    optNum('http_status', r.http_status) +
    optStr('error', r.error) +
    optStr('cancelled_by', r.cancelled_by) +
    optStr('error_detail', r.error_detail) +
    optNum('retries', r.retries) +
    optNum('prompt_tokens_server', r.prompt_tokens_server) +
    optNum('output_tokens_server', r.output_tokens_server) +
    `,"prompt_tokens_client":${num(r.prompt_tokens_client)},"output_tokens_client":${num(r.output_tokens_client)}` +
    `,"prompt_tokens":${num(r.prompt_tokens)},"output_tokens":${num(r.output_tokens)}` +
    `,"tokens_source":${str(r.tokens_source)}` +
    (r.server_figures === undefined ? '' : `,"server_figures":${JSON.stringify(r.server_figures)}`) +
    optStr('session', r.session) +
    optNum('turn', r.turn) +
    optNum('turns', r.turns) +
    '}'
  );
}
