/**
 * The executor's own HTTP/1.1 client for `http:` targets: a keep-alive pool of `net` sockets per origin,
 * one request at a time on each (pipelining 1), TCP_NODELAY. A request is one write of one string: the
 * head's fixed part (method, path, host, content-type; built once per path), its x-request-id and
 * content-length, and the body. Responses are read with `onread` into one buffer shared by all sockets
 * (no Buffer and no stream machinery per read) and parsed on bytes (http1-parse.ts); every read is
 * stamped before anything else is done with it, and what a request keeps of the body is taken out of the
 * buffer during the read (decoded, or copied).
 *
 * Failure codes besides the socket's own (`ECONNREFUSED`, `ECONNRESET`, ...): `connection_closed` (the
 * server closed the connection before the response ended; undici says `UND_ERR_SOCKET`), `bad_response`
 * (the response broke HTTP/1.1 framing), `connect_timeout` (no connection within 10 s;
 * `UND_ERR_CONNECT_TIMEOUT`), `client_closed` (sent after `close()`).
 */
import { connect, isIP, type Socket } from 'node:net';
import { nowMs } from '../record.js';
import { ResponseParser, type ResponseSink } from './http1-parse.js';
import type { Transport, TransportHandler } from './transport.js';

const CONNECT_TIMEOUT_MS = 10_000;
/**
 * A server that ends connections within this long (ms) of a successful chunked response on them, on
 * LEARN_CLOSES different connections, is taken to close after every chunked response (llama.cpp's server
 * does after every streamed one, without saying so); one close could be a crash or a reset under load.
 */
const CLOSE_AFTER_MS = 100;
const LEARN_CLOSES = 2;
/** Where every socket's reads land; what is kept past a read is copied out of it. */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

function coded(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/** A request waiting for a connection (the pool's cap was reached). */
interface Waiting {
  payload: string;
  h: TransportHandler;
  /** Only a new connection will do (a retry after a stale one). */
  fresh: boolean;
}

/** One socket and the request it carries (at most one). */
class Connection implements ResponseSink {
  readonly socket: Socket;
  private h: TransportHandler | undefined;
  private readonly parser = new ResponseParser(this);
  /** When the read being parsed was first seen. */
  private at = 0;
  private connected = false;
  private queued: Waiting | undefined;
  gone = false;
  /** The response being parsed ended (read() then frees or closes the connection). */
  private ended = false;
  /** When it became idle (for the keep-alive timeout). */
  idleAt = 0;
  /** When its last response ended. */
  private endedAt = Number.NEGATIVE_INFINITY;
  /** The last response was a 2xx with a chunked body. */
  lastChunkedOk = false;
  private status = 0;
  /** Its server close was counted towards the pool's learning. */
  private noted = false;
  /** It connects to a host name (not an address). */
  private readonly named: boolean;

  constructor(
    private readonly pool: Http1Pool,
    host: string,
    port: number,
  ) {
    this.socket = connect({
      host,
      port,
      noDelay: true,
      onread: {
        buffer: READ_BUFFER,
        callback: (n: number, buf: Uint8Array) => {
          this.read(n, buf as Buffer);
          return true;
        },
      },
    });
    // a host name is looked up once per pool (libuv's pool does the lookup, off the main thread and at
    // the helper threads' priority: helper-threads.ts): the address it connected to serves the next ones
    this.named = isIP(host) === 0;
    this.socket.setTimeout(CONNECT_TIMEOUT_MS);
    this.socket.on('connect', this.onConnected);
    this.socket.on('timeout', this.onTimeout);
    this.socket.on('end', this.onEnd);
    this.socket.on('error', this.onError);
    this.socket.on('close', this.onClose);
  }

  /** Carries `w` (now, or once connected). */
  assign(w: Waiting): void {
    if (!this.connected) {
      this.queued = w;
      return;
    }
    const h = w.h;
    this.h = h;
    this.parser.reset();
    // a per-request abort: a late call from an earlier request must not end the next one's connection
    h.onConnect((err) => this.abort(h, err));
    if (this.h !== h) return; // aborted before it was written: never sent
    this.socket.write(w.payload);
    h.onRequestSent();
  }

  private abort(h: TransportHandler, err?: Error): void {
    if (this.h !== h) return;
    this.h = undefined;
    this.destroy();
    h.onFail(err ?? new Error('aborted'), nowMs());
  }

  private readonly onConnected = (): void => {
    this.connected = true;
    this.pool.opened++;
    if (this.named && this.socket.remoteAddress) this.pool.address = this.socket.remoteAddress;
    this.socket.setTimeout(0);
    const w = this.queued;
    this.queued = undefined;
    if (w) this.assign(w);
  };

  private readonly onTimeout = (): void => {
    this.socket.destroy(coded('connect_timeout', `no connection within ${CONNECT_TIMEOUT_MS} ms`));
  };

  private read(n: number, buf: Buffer): void {
    const at = nowMs();
    const h = this.h;
    if (h === undefined) {
      // bytes no request asked for: the connection cannot be trusted with the next one
      this.destroy();
      return;
    }
    this.at = at;
    const stop = this.parser.feed(buf, 0, n);
    if (this.ended) {
      this.ended = false;
      this.endedAt = at;
      this.lastChunkedOk = this.parser.chunked && this.status >= 200 && this.status < 300;
      // bytes after the response belong to no request: the connection cannot be trusted with the next;
      // nor one the server is known to close after a chunked response
      if (stop === n && this.parser.keepAlive && !this.gone && !this.pool.serverCloses(this))
        this.pool.releaseSoon(this);
      else this.destroy();
    } else if (this.parser.error !== undefined && this.h === h) {
      this.h = undefined;
      this.destroy();
      h.onFail(coded('bad_response', this.parser.error), at);
    }
  }

  head(status: number): void {
    this.status = status;
    this.h?.onStatus(status);
  }

  body(buf: Buffer, from: number, to: number): void {
    if (to > from) this.h?.onBody(buf, from, to, this.at);
  }

  end(): void {
    const h = this.h;
    if (h === undefined) return;
    this.h = undefined;
    this.ended = true;
    h.onEnd(this.at);
  }

  /** The server ended its side: a body read until close is complete; anything else is cut off. */
  private readonly onEnd = (): void => {
    this.at = nowMs();
    this.noteServerClose();
    if (this.h !== undefined && !this.parser.eof()) this.cut();
    this.ended = false;
    this.destroy();
  };

  private readonly onError = (err: Error): void => {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ECONNRESET' || code === 'EPIPE') this.noteServerClose();
    // no connection at the address looked up: the next one looks the name up again
    if (!this.connected) this.pool.address = undefined;
    const h = this.h ?? this.queued?.h;
    this.h = undefined;
    this.queued = undefined;
    this.destroy();
    h?.onFail(err, nowMs());
  };

  private readonly onClose = (): void => {
    this.at = nowMs();
    this.cut();
    this.destroy();
  };

  /** The server closed this connection: right after a chunked response, the pool learns it does so. */
  private noteServerClose(): void {
    if (this.noted || !this.lastChunkedOk || nowMs() - this.endedAt >= CLOSE_AFTER_MS) return;
    this.noted = true;
    this.pool.closedAfterChunked();
  }

  /** The connection went away under a request (or under one waiting for it to connect). */
  private cut(): void {
    const h = this.h;
    const w = this.queued;
    this.h = undefined;
    this.queued = undefined;
    if (h) h.onFail(coded('connection_closed', 'the server closed the connection'), this.at);
    else if (w) w.h.onFail(coded('connection_closed', 'the connection closed before it was ready'), this.at);
  }

  /** Out of the pool at once: its 'close' comes only after this turn, a request must not take it meanwhile. */
  destroy(): void {
    if (this.gone) return;
    this.gone = true;
    this.socket.destroy();
    this.pool.dropped(this);
  }
}

/** The pool of one origin. */
export class Http1Pool implements Transport {
  private readonly host: string;
  private readonly port: number;
  private readonly hostHeader: string;
  /** The host name's address, once a connection looked it up (cleared when a connect fails). */
  address: string | undefined;
  /** Free connections, the most recently used last (taken first: the least likely to be stale). */
  private readonly idle: Connection[] = [];
  private readonly waiting: Waiting[] = [];
  private count = 0;
  /** Connections done with a response, waiting out one more event-loop turn before their next request. */
  private settling: Connection[] = [];
  private spare: Connection[] = [];
  /**
   * Learnt from the server (CLOSE_AFTER_MS): it closes a connection after each chunked response, so a
   * connection that carried one is closed at once and the next request opens its own, instead of being
   * written into the closing one (and sent again) after waiting out the two turns.
   */
  closesAfterChunked = false;
  /**
   * Requests sent (a resend not counted again), connections that connected, and requests sent again on a
   * new one after a stale connection (`fresh`).
   */
  requests = 0;
  opened = 0;
  resentStale = 0;
  private closesSeen = 0;
  private closed = false;
  private closing: (() => void) | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  /** The head's fixed part per path. */
  private readonly heads = new Map<string, string>();

  constructor(
    origin: string,
    private readonly max: number | null,
    private readonly keepAliveMs: number,
  ) {
    const u = new URL(origin);
    this.host = u.hostname.replace(/^\[|\]$/g, '');
    this.port = Number(u.port || 80);
    this.hostHeader = u.host;
  }

  send(path: string, id: string, body: string, h: TransportHandler, fresh: boolean): void {
    if (this.closed) {
      h.onFail(coded('client_closed', 'the client was closed'), nowMs());
      return;
    }
    let fixed = this.heads.get(path);
    if (fixed === undefined) {
      fixed = `POST ${path} HTTP/1.1\r\nhost: ${this.hostHeader}\r\ncontent-type: application/json\r\nx-request-id: `;
      this.heads.set(path, fixed);
    }
    const payload = `${fixed}${id}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    const w: Waiting = { payload, h, fresh };
    if (fresh) this.resentStale++;
    else this.requests++;
    const c = fresh ? undefined : this.idle.pop();
    if (c !== undefined) c.assign(w);
    else if (this.max === null ? fresh || this.waiting.length >= this.settling.length : this.count < this.max)
      this.open().assign(w);
    else this.waiting.push(w);
  }

  private open(): Connection {
    this.count++;
    return new Connection(this, this.address ?? this.host, this.port);
  }

  /**
   * A connection finished its response: it is reused only after the event loop went round once more, so
   * that a server that closes the connection right after its response anyway (llama.cpp's server does
   * after every streamed one, with no `connection: close`) is mostly seen closing first, instead of the
   * next request being written into the closing connection and sent again (undici waits the same way).
   * Not always: llama.cpp's close can come later than the two turns (about one request in six on 2 cores,
   * test/e2e-llamacpp/close-after-stream.test.ts), and that request is then sent again (`retries: 1`);
   * hence `closesAfterChunked`, learnt from such closes.
   * Meanwhile new requests wait for it rather than open connections of their own, as many as are
   * settling: without a cap (open loop, trace) a burst beyond them opens connections at once, instead
   * of waiting behind responses still in flight for connections to free.
   */
  releaseSoon(c: Connection): void {
    this.settling.push(c);
    if (this.settling.length === 1) setImmediate(this.settle1);
  }

  private readonly settle1 = (): void => {
    setImmediate(this.settle2);
  };

  private readonly settle2 = (): void => {
    const list = this.settling;
    this.settling = this.spare;
    for (const c of list) if (!c.gone) this.release(c);
    list.length = 0;
    this.spare = list;
  };

  /** A server closed a connection right after a chunked response on it (see CLOSE_AFTER_MS). */
  closedAfterChunked(): void {
    if (++this.closesSeen >= LEARN_CLOSES) this.closesAfterChunked = true;
  }

  /** Whether the server is closing `c` after its response (learnt: `closesAfterChunked`). */
  serverCloses(c: Connection): boolean {
    return this.closesAfterChunked && c.lastChunkedOk;
  }

  /** A connection can carry another request now. */
  private release(c: Connection): void {
    if (this.serverCloses(c)) {
      // learnt while it waited out its turns: the server is closing it
      c.destroy();
      return;
    }
    const w = this.waiting.shift();
    if (w !== undefined) {
      if (!w.fresh) {
        c.assign(w);
        return;
      }
      // a retry wants a new connection: this one's slot goes to it
      this.waiting.unshift(w);
      c.destroy();
      return;
    }
    if (this.closed) {
      c.destroy();
      return;
    }
    c.idleAt = nowMs();
    this.idle.push(c);
    this.sweeper ??= setInterval(this.sweep, Math.min(this.keepAliveMs, 1000)).unref();
  }

  /** A connection is closing (whatever closed it): its slot is free. */
  dropped(c: Connection): void {
    this.count--;
    const i = this.idle.indexOf(c);
    if (i >= 0) this.idle.splice(i, 1);
    // nor is it about to be free: a request must not wait for it (settle2 skips it)
    const k = this.settling.indexOf(c);
    if (k >= 0) this.settling.splice(k, 1);
    // a request waiting for a connection gets the freed slot
    const w = this.waiting.shift();
    if (w !== undefined) this.open().assign(w);
    if (this.count === 0 && this.closing) this.closing();
  }

  /** Closes connections idle past the keep-alive timeout (the oldest are first in `idle`). */
  private readonly sweep = (): void => {
    const old = nowMs() - this.keepAliveMs;
    while (this.idle.length > 0 && this.idle[0].idleAt <= old) this.idle.shift()!.destroy();
    if (this.idle.length === 0 && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  };

  close(): Promise<void> {
    this.closed = true;
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
    for (const c of this.idle.splice(0)) c.destroy();
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.closing = resolve;
    });
  }
}
