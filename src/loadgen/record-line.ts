/**
 * A request record's line in the records file, written as UTF-8 bytes straight into a buffer: the same
 * text `JSON.stringify` makes of its RecordJson literal (fields in its order, undefined ones left out;
 * test/loadgen/records.test.ts compares them byte for byte), without building a string per field and a
 * rope per line that the buffer write then flattens and encodes again (≈ 3 µs and most of the garbage a
 * streamed request left behind). Plain ASCII strings and the usual numbers are written byte by byte;
 * anything else goes through JSON.stringify / String(), whose text the fast paths reproduce.
 */
import { chunkOffsetMs, type RequestRecord } from '../contracts/record.js';

/** Bytes of a line's constant parts (every key, brackets, commas), with room to spare. */
const KEYS_BYTES = 1024;
/** The most bytes one number's JSON text takes (`-1.2345678901234567e-308`). */
const NUMBER_BYTES = 25;
/** The most bytes one UTF-16 unit of a string takes in JSON (`\u001f`; a character is ≤ 3 UTF-8 bytes). */
const UNIT_BYTES = 6;

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

const K = {
  id: ascii('{"id":'),
  benchmark: ascii(',"benchmark":'),
  executor: ascii(',"executor":'),
  warmupTrue: ascii(',"warmup":true,"api":'),
  warmupFalse: ascii(',"warmup":false,"api":'),
  streamTrue: ascii(',"stream":true,"server":'),
  streamFalse: ascii(',"stream":false,"server":'),
  scheduled: ascii(',"scheduled":'),
  sent: ascii(',"sent":'),
  first_token: ascii(',"first_token":'),
  last_token: ascii(',"last_token":'),
  end: ascii(',"end":'),
  chunks: ascii(',"chunk_offsets_ms":['),
  chunksEnd: ascii(']'),
  status: ascii(',"status":'),
  http_status: ascii(',"http_status":'),
  error: ascii(',"error":'),
  cancelled_by: ascii(',"cancelled_by":'),
  error_detail: ascii(',"error_detail":'),
  retries: ascii(',"retries":'),
  prompt_tokens_server: ascii(',"prompt_tokens_server":'),
  output_tokens_server: ascii(',"output_tokens_server":'),
  prompt_tokens_client: ascii(',"prompt_tokens_client":'),
  output_tokens_client: ascii(',"output_tokens_client":'),
  prompt_tokens: ascii(',"prompt_tokens":'),
  output_tokens: ascii(',"output_tokens":'),
  tokens_source: ascii(',"tokens_source":'),
  server_figures: ascii(',"server_figures":'),
  session: ascii(',"session":'),
  turn: ascii(',"turn":'),
  turns: ascii(',"turns":'),
};

/** Copies `bytes` in (one native copy: ~16 ns whatever the length, where a loop takes ~2 ns a byte). */
function put(b: Buffer, p: number, bytes: Uint8Array): number {
  b.set(bytes, p);
  return p + bytes.length;
}

/** A string's JSON text; one with a byte to escape or encode goes through JSON.stringify (its rules). */
function str(b: Buffer, p: number, s: string): number {
  const p0 = p;
  b[p++] = 0x22;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // control characters, quote, backslash; above ASCII: UTF-8 (and lone surrogates, which it escapes)
    if (c < 0x20 || c === 0x22 || c === 0x5c || c > 0x7f) return p0 + b.write(JSON.stringify(s), p0);
    b[p++] = c;
  }
  b[p++] = 0x22;
  return p;
}

/** `v`'s lowest `n` decimal digits (v < 2^31), leading zeros kept. */
function fixed(b: Buffer, p: number, v: number, n: number): number {
  for (let i = n - 1; i >= 0; i--) {
    // int32 arithmetic: `%` and Math.floor on a double above 2^31 are calls, ~20 ns a digit
    const q = (v / 10) | 0;
    b[p + i] = 0x30 + v - q * 10;
    v = q;
  }
  return p + n;
}

/** A non-negative integer below 2^53, in decimal (an epoch stamp's 13 digits as 4 + 9). */
function digits(b: Buffer, p: number, v: number): number {
  if (v >= 2 ** 31) {
    const hi = Math.floor(v / 1e9);
    return fixed(b, digits(b, p, hi), v - hi * 1e9, 9);
  }
  let n = 1;
  for (let t = v; t >= 10; t = (t / 10) | 0) n++;
  return fixed(b, p, v, n);
}

const EPOCH_LOW = 2 ** 40;
const EPOCH_HIGH = 2 ** 41;
/** Doubles in [2^40, 2^41) are multiples of 2^-12: x = i + m/4096. */
const STEPS = 4096;
/** The most bytes of a fraction's text: the point and 4 digits. */
const FRACTION_BYTES = 5;
let fractions: { bytes: Uint8Array; length: Uint8Array } | undefined;

/**
 * The text after the integer part of every i + m/4096 in [2^40, 2^41), by m: Number::toString writes the
 * fewest digits that read back as the number, which at a spacing of 2^-12 depend on m alone (the
 * integer part has its 13 digits whatever the fraction; records.test.ts checks every m against String).
 */
function fractionTable(): { bytes: Uint8Array; length: Uint8Array } {
  const bytes = new Uint8Array(STEPS * FRACTION_BYTES);
  const length = new Uint8Array(STEPS);
  for (let m = 1; m < STEPS; m++) {
    const s = String(EPOCH_LOW + m / STEPS);
    const f = s.slice(s.indexOf('.'));
    length[m] = f.length;
    for (let j = 0; j < f.length; j++) bytes[m * FRACTION_BYTES + j] = f.charCodeAt(j);
  }
  return { bytes, length };
}

/** The first 10 digits of the last epoch stamp written (they change once a second), and their bytes. */
let seconds = -1;
const secondsBytes = Buffer.alloc(10);

/** An epoch stamp in ms from 2004-11 to 2039-09 (a 13-digit integer part) as String() writes it. */
function epoch(b: Buffer, p: number, v: number): number {
  fractions ??= fractionTable();
  const i = Math.floor(v);
  const m = (v - i) * STEPS;
  const s = Math.floor(i / 1000);
  if (s !== seconds) {
    seconds = s;
    digits(secondsBytes, 0, s);
  }
  b.set(secondsBytes, p);
  p = fixed(b, p + 10, i - s * 1000, 3);
  const n = fractions.length[m];
  const at = m * FRACTION_BYTES;
  for (let j = 0; j < n; j++) b[p + j] = fractions.bytes[at + j];
  return p + n;
}

/** Any number as JSON: integers and epoch stamps directly, the rest as String() writes it (non-finite: null). */
function num(b: Buffer, p: number, v: number): number {
  if (Number.isInteger(v) && v < 2 ** 53 && v > -(2 ** 53)) {
    if (v >= 0) return digits(b, p, v); // -0 too: JSON writes it as 0
    b[p] = 0x2d;
    return digits(b, p + 1, -v);
  }
  if (v > EPOCH_LOW && v < EPOCH_HIGH) return epoch(b, p, v);
  return p + b.write(Number.isFinite(v) ? String(v) : 'null', p, 'latin1');
}

/**
 * A chunk's offset from `sent` (chunkOffsetMs: ms rounded to the µs, k/1000 for an integer k): the
 * decimal k/1000 is the shortest text that reads back as that double, so it is written from k.
 */
function offset(b: Buffer, p: number, chunk: number, sent: number): number {
  const o = chunkOffsetMs(chunk, sent);
  const k = Math.round(o * 1000);
  if (!(Math.abs(k) < 1e15)) return num(b, p, o);
  let a = k;
  if (a < 0) {
    b[p++] = 0x2d;
    a = -a;
  }
  const whole = Math.floor(a / 1000);
  let frac = a - whole * 1000;
  p = digits(b, p, whole);
  if (frac === 0) return p;
  b[p++] = 0x2e;
  let n = 3;
  while (frac % 10 === 0) {
    frac /= 10;
    n--;
  }
  return fixed(b, p, frac, n);
}

function optNum(b: Buffer, p: number, key: Uint8Array, v: number | undefined): number {
  return v === undefined ? p : num(b, put(b, p, key), v);
}

function optStr(b: Buffer, p: number, key: Uint8Array, v: string | undefined): number {
  return v === undefined ? p : str(b, put(b, p, key), v);
}

const strLen = (v: string | undefined): number => (v === undefined ? 0 : v.length);

/** The most bytes `r`'s line can take (its strings at their longest JSON, every number at its longest). */
export function maxLineBytes(r: RequestRecord): number {
  const units =
    r.id.length +
    r.benchmark.length +
    r.executor.length +
    r.api.length +
    r.server.length +
    r.status.length +
    strLen(r.error) +
    strLen(r.cancelled_by) +
    strLen(r.error_detail) +
    r.tokens_source.length +
    strLen(r.session);
  // Ollama's figures: their text, made twice for the few records that have them
  const figures = r.server_figures === undefined ? 0 : 3 * JSON.stringify(r.server_figures).length;
  return KEYS_BYTES + UNIT_BYTES * units + NUMBER_BYTES * (16 + r.chunks.length) + figures;
}

/**
 * The two runs of fields that seldom change from one record to the next — benchmark to server (a run's
 * constants, the server too but with several targets), and status to tokens_source (the same for every
 * ok request of a workload of fixed lengths) — kept as bytes beside the values they were written from: a
 * record with the same values copies them.
 */
interface Head {
  benchmark: string;
  executor: string;
  warmup: boolean;
  api: string;
  stream: boolean;
  server: string;
  bytes: Uint8Array;
}

interface Tail {
  status: string;
  http_status: number | undefined;
  error: string | undefined;
  cancelled_by: string | undefined;
  error_detail: string | undefined;
  retries: number | undefined;
  prompt_tokens_server: number | undefined;
  output_tokens_server: number | undefined;
  prompt_tokens_client: number;
  output_tokens_client: number;
  prompt_tokens: number;
  output_tokens: number;
  tokens_source: string;
  bytes: Uint8Array;
}

let head: Head | undefined;
let tail: Tail | undefined;

const copyOf = (b: Buffer, from: number, to: number): Uint8Array =>
  Uint8Array.prototype.slice.call(b, from, to);

function writeHead(r: RequestRecord, b: Buffer, p: number): number {
  const h = head;
  if (
    h !== undefined &&
    h.benchmark === r.benchmark &&
    h.executor === r.executor &&
    h.warmup === r.warmup &&
    h.api === r.api &&
    h.stream === r.stream &&
    h.server === r.server
  )
    return put(b, p, h.bytes);
  const from = p;
  p = str(b, put(b, p, K.benchmark), r.benchmark);
  p = str(b, put(b, p, K.executor), r.executor);
  p = str(b, put(b, p, r.warmup ? K.warmupTrue : K.warmupFalse), r.api);
  p = str(b, put(b, p, r.stream ? K.streamTrue : K.streamFalse), r.server);
  const { benchmark, executor, warmup, api, stream, server } = r;
  head = { benchmark, executor, warmup, api, stream, server, bytes: copyOf(b, from, p) };
  return p;
}

function writeTail(r: RequestRecord, b: Buffer, p: number): number {
  const t = tail;
  if (
    t !== undefined &&
    t.status === r.status &&
    t.http_status === r.http_status &&
    t.error === r.error &&
    t.cancelled_by === r.cancelled_by &&
    t.error_detail === r.error_detail &&
    t.retries === r.retries &&
    t.prompt_tokens_server === r.prompt_tokens_server &&
    t.output_tokens_server === r.output_tokens_server &&
    t.prompt_tokens_client === r.prompt_tokens_client &&
    t.output_tokens_client === r.output_tokens_client &&
    t.prompt_tokens === r.prompt_tokens &&
    t.output_tokens === r.output_tokens &&
    t.tokens_source === r.tokens_source
  )
    return put(b, p, t.bytes);
  const from = p;
  p = str(b, put(b, p, K.status), r.status);
  p = optNum(b, p, K.http_status, r.http_status);
  p = optStr(b, p, K.error, r.error);
  p = optStr(b, p, K.cancelled_by, r.cancelled_by);
  p = optStr(b, p, K.error_detail, r.error_detail);
  p = optNum(b, p, K.retries, r.retries);
  p = optNum(b, p, K.prompt_tokens_server, r.prompt_tokens_server);
  p = optNum(b, p, K.output_tokens_server, r.output_tokens_server);
  p = num(b, put(b, p, K.prompt_tokens_client), r.prompt_tokens_client);
  p = num(b, put(b, p, K.output_tokens_client), r.output_tokens_client);
  p = num(b, put(b, p, K.prompt_tokens), r.prompt_tokens);
  p = num(b, put(b, p, K.output_tokens), r.output_tokens);
  p = str(b, put(b, p, K.tokens_source), r.tokens_source);
  const { status, http_status, error, cancelled_by, error_detail, retries, tokens_source } = r;
  tail = {
    status,
    http_status,
    error,
    cancelled_by,
    error_detail,
    retries,
    prompt_tokens_server: r.prompt_tokens_server,
    output_tokens_server: r.output_tokens_server,
    prompt_tokens_client: r.prompt_tokens_client,
    output_tokens_client: r.output_tokens_client,
    prompt_tokens: r.prompt_tokens,
    output_tokens: r.output_tokens,
    tokens_source,
    bytes: copyOf(b, from, p),
  };
  return p;
}

/** Writes `r`'s line (no newline) at `p` in `b`, which has maxLineBytes(r) from `p`; returns its end. */
export function writeRecordLine(r: RequestRecord, b: Buffer, p: number): number {
  p = str(b, put(b, p, K.id), r.id);
  p = writeHead(r, b, p);
  p = num(b, put(b, p, K.scheduled), r.scheduled);
  p = num(b, put(b, p, K.sent), r.sent);
  p = optNum(b, p, K.first_token, r.first_token);
  p = optNum(b, p, K.last_token, r.last_token);
  p = num(b, put(b, p, K.end), r.end);
  p = put(b, p, K.chunks);
  const ch = r.chunks;
  // where the last offset's text starts: a chunk of the same network piece (the same stamp) copies it
  let last = p;
  for (let i = 0; i < ch.length; i++) {
    if (i > 0) {
      b[p++] = 0x2c;
      if (ch[i] === ch[i - 1]) {
        const n = p - 1 - last;
        for (let j = 0; j < n; j++) b[p + j] = b[last + j];
        last = p;
        p += n;
        continue;
      }
    }
    last = p;
    p = offset(b, p, ch[i], r.sent);
  }
  p = writeTail(r, b, put(b, p, K.chunksEnd));
  if (r.server_figures !== undefined) {
    p = put(b, p, K.server_figures);
    p += b.write(JSON.stringify(r.server_figures), p);
  }
  p = optStr(b, p, K.session, r.session);
  p = optNum(b, p, K.turn, r.turn);
  p = optNum(b, p, K.turns, r.turns);
  b[p++] = 0x7d;
  return p;
}
