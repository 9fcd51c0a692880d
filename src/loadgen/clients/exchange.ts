/**
 * One HTTP exchange on a target's transport (transport.ts: the executor's own HTTP/1.1 client, or undici
 * for https): the response arrives in callbacks (no response stream, no async iteration, no promise per
 * body piece), so the per-request cost is small.
 * Every network piece of a response, its end and any failure are stamped the moment JavaScript sees them
 * (by the transport), a piece decoded, and queued; the queue is worked through once per event-loop turn
 * (setImmediate: after every socket that was readable in this turn has been read and stamped), parsing
 * each piece with its own arrival stamp (`stampChunk`). So no request's parsing delays another's stamps; each
 * request's events keep their order. A non-streaming or error body is collected and decoded once at its
 * end. Failures are classified into reasons. Shared by the OpenAI and Ollama clients.
 */
import { TextDecoder } from 'node:util';
import type { RequestRecord } from '../../contracts/index.js';
import { nowMs } from '../record.js';
import type { Target } from './pools.js';
import type { TransportHandler } from './transport.js';
import { type CancelSignal, newParseState, type ParseState } from './types.js';

/** How one protocol reads a response body; a constant per client (the request body is passed apart). */
export interface Exchange {
  path: string;
  /** true: `feed` gets each decoded piece as it arrives; false: the whole body is in `st.buf` for `finish`. */
  streamed: boolean;
  /** Called with each decoded piece of a streamed response body. */
  feed(st: ParseState, chunk: string): void;
  /** Called once after the body ended (not on failures). */
  finish(st: ParseState): void;
}

const DETAIL_MAX = 200;

/** undici's codes (https targets) as the plain reasons the HTTP/1.1 client gives (docs/metrics.md). */
const UNDICI_CODES: Record<string, string> = {
  UND_ERR_SOCKET: 'connection_closed',
  UND_ERR_CONNECT_TIMEOUT: 'connect_timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  UND_ERR_CLOSED: 'client_closed',
  UND_ERR_DESTROYED: 'client_closed',
};

function reasonOf(
  err: unknown,
  signal: CancelSignal,
): { reason: string; cancelled: boolean; detail: string } {
  const e = err as { code?: string; name?: string; message?: string };
  const detail = String(e?.message ?? err).slice(0, DETAIL_MAX);
  if (signal.aborted) {
    if (signal.reason === 'timeout') return { reason: 'timeout', cancelled: false, detail };
    return { reason: 'cancelled', cancelled: true, detail };
  }
  if (typeof e?.code === 'string')
    return { reason: UNDICI_CODES[e.code] ?? e.code, cancelled: false, detail };
  if (e?.name === 'SyntaxError') return { reason: 'bad_response', cancelled: false, detail };
  if (e?.name === 'TypeError') return { reason: 'client_error', cancelled: false, detail };
  return { reason: 'network_error', cancelled: false, detail };
}

/** Each count: the server's when it reported it, else the client's estimate; `tokens_source` says which. */
export function finalizeTokens(rec: RequestRecord): void {
  const ps = rec.prompt_tokens_server;
  const os = rec.output_tokens_server;
  rec.prompt_tokens = ps ?? rec.prompt_tokens_client;
  rec.output_tokens = os ?? rec.output_tokens_client;
  rec.tokens_source =
    ps !== undefined ? (os !== undefined ? 'server' : 'mixed') : os !== undefined ? 'mixed' : 'client';
}

/**
 * A kept-alive connection the server closed without saying so (llama.cpp's server does this now and
 * then): the request fails before any response header arrives and the server never saw it. Such a
 * request is sent again once, on a fresh connection; its latency still counts from the first `sent`.
 */
function isStaleSocket(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  return code === 'connection_closed' || code === 'ECONNRESET' || code === 'UND_ERR_SOCKET';
}

function decodeAll(parts: Buffer[]): string {
  if (parts.length === 0) return '';
  return (parts.length === 1 ? parts[0] : Buffer.concat(parts)).toString('utf8');
}

/**
 * Marks a parsed chunk carrying generated text: it arrived with the network piece being parsed
 * (`st.arrived`). Sets `first_token` once, `last_token` and appends to `chunks` (the ITL stamps).
 */
export function stampChunk(st: ParseState): void {
  const rec = st.rec;
  const t = st.arrived;
  if (rec.first_token === undefined) rec.first_token = t;
  rec.last_token = t;
  rec.chunks.push(t);
}

/** The handler of one request; resolves `done` exactly once, whatever happens. */
class ExchangeHandler implements TransportHandler {
  /** The transport's abort of this request once it has a connection (onConnect). */
  private abortReq?: (err?: Error) => void;
  private status = 0;
  /** Body pieces kept for decoding at the end (non-streaming and error responses). */
  private parts?: Buffer[];
  /** Created only when a streamed piece ends inside a multi-byte character. */
  private decoder?: TextDecoder;
  private settled = false;
  private readonly st: ParseState;
  /** Text chunks after which the workload's `cancel` cancels this request (Infinity: never). */
  private readonly cancelAt: number;
  /** The workload's `cancel` after a delay: its timer, started when the request is written. */
  private cancelTimer?: NodeJS.Timeout;
  /**
   * The cancel delay's timer: cancels once `cancelAfterMs` have passed since `sent` (stamped at the write).
   * What the transport handed over before it fired (pieces and end stamped, still queued for parsing) is worked
   * through first: a response whose end is among it is ok, a cancelled one keeps those pieces' chunks.
   */
  private readonly cancelDue = (): void => {
    const ms = this.signal.cancelAfterMs ?? 0;
    const at = nowMs();
    const left = this.rec.sent + ms - at;
    if (left > 0) {
      this.cancelTimer = setTimeout(this.cancelDue, left);
      return;
    }
    work();
    this.cancelHere(at, `after ${ms} ms`);
  };
  private readonly onAbort = (): void => {
    this.abortReq?.(new Error(`aborted (${String(this.signal.reason)})`));
  };

  constructor(
    private readonly target: Target,
    private readonly ex: Exchange,
    private readonly body: string,
    private readonly rec: RequestRecord,
    private readonly signal: CancelSignal,
    private readonly done: () => void,
    reply: string[] | undefined,
  ) {
    this.cancelAt = signal.cancelAfterChunks ?? Number.POSITIVE_INFINITY;
    this.st = newParseState(rec, reply);
  }

  start(): void {
    this.rec.server = this.target.origin;
    if (this.signal.aborted) {
      this.fail(new Error(`aborted (${String(this.signal.reason)})`));
      return;
    }
    this.signal.addEventListener('abort', this.onAbort);
    this.dispatch();
  }

  private dispatch(): void {
    const t = this.target;
    t.pool.send(t.base + this.ex.path, this.rec.id, this.body, this, this.rec.retries !== undefined);
  }

  onConnect(abort: (err?: Error) => void): void {
    this.abortReq = abort;
    // aborted while waiting for a connection
    if (this.signal.aborted) this.onAbort();
    // ended while a stale connection's request waited to be sent again (the workload's cancel): not sent
    else if (this.settled) abort(new Error('cancelled (workload.cancel)'));
  }

  /**
   * The transport wrote the request (head and body) to its connection, just now: `sent`, as the bench's
   * bare client stamps it; a retry keeps the first `sent`.
   */
  onRequestSent(): void {
    if (this.rec.retries !== undefined) return;
    this.rec.sent = nowMs();
    // the workload's cancel after a delay: from this (first) write
    const ms = this.signal.cancelAfterMs;
    if (ms !== undefined) this.cancelTimer = setTimeout(this.cancelDue, ms);
  }

  onStatus(statusCode: number): void {
    this.status = statusCode;
    this.rec.http_status = statusCode;
    if (statusCode >= 400 || !this.ex.streamed) this.parts = [];
  }

  /**
   * A piece of the body, `buf[from, to)` (valid only during the call). A streamed one is decoded now —
   * into the string the queue keeps, as cheap as a copy of its bytes would be — and parsed later.
   */
  onBody(buf: Buffer, from: number, to: number, at: number): void {
    if (this.settled) return;
    if (this.parts) {
      this.parts.push(Buffer.from(buf.subarray(from, to)));
      return;
    }
    // a piece ending in an ASCII byte holds only whole characters; otherwise keep the decoder's state
    if (this.decoder === undefined && buf[to - 1] >= 0x80) this.decoder = new TextDecoder();
    const text = this.decoder
      ? this.decoder.decode(buf.subarray(from, to), { stream: true })
      : buf.toString('utf8', from, to);
    later(this, text, at);
  }

  /** A streamed piece, from the queue: parsed, its chunks stamped `arrived`. */
  piece(text: string, arrived: number): void {
    if (this.settled) return;
    this.st.arrived = arrived;
    try {
      this.ex.feed(this.st, text);
    } catch (err) {
      // a malformed piece ends the request; the transport then reports onFail, which is ignored
      this.fail(err, arrived);
      this.abortReq?.(err as Error);
      return;
    }
    // the workload's cancel by tokens; a response that finished in this piece is simply ok
    if (this.rec.chunks.length >= this.cancelAt && !this.st.done && !this.st.finished)
      this.cancelHere(arrived, `after ${this.rec.chunks.length} tokens`);
  }

  /** The workload's `cancel`: the request ends here, its connection closed (the server sees it go away). */
  private cancelHere(at: number, when: string): void {
    if (this.settled) return;
    const rec = this.rec;
    rec.end = at;
    rec.status = 'cancelled';
    rec.cancelled_by = 'workload';
    rec.error_detail = `cancelled by workload.cancel ${when}`;
    this.settle();
    this.abortReq?.(new Error('cancelled (workload.cancel)'));
  }

  onEnd(at: number): void {
    if (!this.settled) later(this, END, at);
  }

  /** The end of the body, from the queue (after every piece): `at` is when it was seen. */
  ended(at: number): void {
    if (this.settled) return;
    const rec = this.rec;
    if (this.status >= 400) {
      rec.end = at;
      rec.status = 'error';
      rec.error = `http_${this.status}`;
      rec.error_detail = decodeAll(this.parts ?? []).slice(0, DETAIL_MAX);
      this.settle();
      return;
    }
    try {
      const st = this.st;
      if (this.parts) {
        st.arrived = at;
        st.buf = decodeAll(this.parts);
      } else if (this.decoder) {
        const tail = this.decoder.decode();
        if (tail) this.ex.feed(st, tail);
      }
      this.ex.finish(st);
      rec.end = at;
      if (st.error) {
        rec.status = 'error';
        rec.error = st.error;
      } else rec.status = 'ok';
      this.settle();
    } catch (err) {
      this.fail(err, at);
    }
  }

  onFail(err: Error, at: number): void {
    if (this.settled) return;
    // after the pieces that came before it (a failure mid-stream keeps the chunks already received)
    if (this.status !== 0 && this.ex.streamed) later(this, err, at);
    else this.failed(err, at);
  }

  /** A failure, from the queue or at once (nothing of the body queued before it). */
  failed(err: Error, at: number): void {
    if (this.settled) return;
    if (this.status === 0 && this.rec.retries === undefined && !this.signal.aborted && isStaleSocket(err)) {
      this.rec.retries = 1;
      this.abortReq = undefined;
      queueMicrotask(() => this.dispatch());
      return;
    }
    this.fail(err, at);
  }

  private fail(err: unknown, at = nowMs()): void {
    if (this.settled) return;
    const rec = this.rec;
    rec.end = at;
    const r = reasonOf(err, this.signal);
    rec.status = r.cancelled ? 'cancelled' : 'error';
    if (!r.cancelled) rec.error = r.reason;
    else rec.cancelled_by = 'stop';
    rec.error_detail = r.detail;
    this.settle();
  }

  private settle(): void {
    this.settled = true;
    if (this.cancelTimer) clearTimeout(this.cancelTimer);
    this.signal.removeEventListener('abort', this.onAbort);
    finalizeTokens(this.rec);
    this.done();
  }
}

/** What the queue holds besides pieces (decoded text) and failures (Error): the end of a body. */
const END = 0;
type Queued = string | Error | typeof END;

/** The queue: handler, what happened, when; flat, in arrival order. */
let queue: (ExchangeHandler | Queued | number)[] = [];
let spare: (ExchangeHandler | Queued | number)[] = [];
let scheduled = false;

function later(h: ExchangeHandler, what: Queued, at: number): void {
  queue.push(h, what, at);
  if (!scheduled) {
    scheduled = true;
    setImmediate(work);
  }
}

/**
 * Works through what was queued so far (what it causes to be queued waits for the next turn). Run once per
 * turn (setImmediate) and by a cancel delay's timer before it cancels; an empty queue costs nothing.
 */
function work(): void {
  scheduled = false;
  if (queue.length === 0) return;
  const q = queue;
  queue = spare;
  for (let i = 0; i < q.length; i += 3) {
    const h = q[i] as ExchangeHandler;
    const what = q[i + 1] as Queued;
    const at = q[i + 2] as number;
    if (what === END) h.ended(at);
    else if (what instanceof Error) h.failed(what, at);
    else h.piece(what, at);
  }
  q.length = 0;
  spare = q;
}

/**
 * Sends `body` to the target with the exchange's path and fills `rec`; never rejects. `reply`: where the
 * generated text is appended (a session turn), else it is not kept.
 */
export function runExchange(
  target: Target,
  ex: Exchange,
  body: string,
  rec: RequestRecord,
  signal: CancelSignal,
  reply?: string[],
): Promise<void> {
  return new Promise((resolve) => new ExchangeHandler(target, ex, body, rec, signal, resolve, reply).start());
}
