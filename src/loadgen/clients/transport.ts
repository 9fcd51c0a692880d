/**
 * What the exchange needs of a connection pool: send one POST and report what happens to a handler. Two
 * transports: the executor's own HTTP/1.1 client on `net` sockets for `http:` targets (http1.ts: one
 * write per request, a byte-level response parser, no stream machinery), and undici's `Pool` for
 * `https:` ones (TLS costs far more than undici's own per-request work, and undici's TLS handling is
 * proven; see docs/load-generation.md#hot-path). Both call the same handler methods.
 */
import { type Dispatcher, Pool } from 'undici';
import { nowMs } from '../record.js';

/** What a transport reports about one request, in this order (a failure can come at any point). */
export interface TransportHandler {
  /** The request got its connection and is about to be written; `abort` ends it (closing the connection). */
  onConnect(abort: (err?: Error) => void): void;
  /** The request's bytes were handed to the socket, just now. */
  onRequestSent(): void;
  /** The final response's status (informational 1xx responses are skipped). */
  onStatus(status: number): void;
  /**
   * A piece of the body, `buf[from, to)`: valid only during the call (the buffer is reused); `at`: when
   * JavaScript first saw its bytes.
   */
  onBody(buf: Buffer, from: number, to: number, at: number): void;
  /** The body ended, seen at `at`. */
  onEnd(at: number): void;
  /** The request failed, seen at `at` (after an `abort`, too). */
  onFail(err: Error, at: number): void;
}

export interface Transport {
  /**
   * POSTs `body` (JSON) to `path`, with `x-request-id: id`. `fresh`: on a new connection (the retry of a
   * request whose kept-alive connection turned out closed).
   */
  send(path: string, id: string, body: string, h: TransportHandler, fresh: boolean): void;
  /** Ends every connection once the requests sent so far are done. */
  close(): Promise<void>;
  /** Requests sent so far, a resend (`fresh`) not counted again (counters: read with the run's snapshot). */
  readonly requests: number;
  /** Connections opened so far. */
  readonly opened: number;
  /** Requests sent again on a new connection (`fresh`) so far. */
  readonly resentStale: number;
  /** Learnt that the server closes the connection after every chunked response (http1.ts). */
  readonly closesAfterChunked: boolean;
}

/** undici's first handler interface (the one its HTTP/1.1 client calls directly) on a TransportHandler. */
class UndiciAdapter implements Dispatcher.DispatchHandler {
  constructor(private readonly h: TransportHandler) {}
  onConnect(abort: (err?: Error) => void): void {
    this.h.onConnect(abort);
  }
  onRequestSent(): void {
    this.h.onRequestSent();
  }
  onHeaders(statusCode: number): boolean {
    if (statusCode >= 200) this.h.onStatus(statusCode);
    return true;
  }
  onData(chunk: Buffer): boolean {
    this.h.onBody(chunk, 0, chunk.length, nowMs());
    return true;
  }
  onComplete(): void {
    this.h.onEnd(nowMs());
  }
  onError(err: Error): void {
    this.h.onFail(err, nowMs());
  }
}

/** `https:` targets: undici's keep-alive Pool. */
export class UndiciTransport implements Transport {
  private readonly pool: Pool;
  requests = 0;
  opened = 0;
  resentStale = 0;
  /**
   * Not learnt here (undici's Pool reuses a connection after its own wait and does not say which
   * connection carried a request): always false for `https:`; `opened` is the evidence (docs/metrics.md).
   */
  readonly closesAfterChunked = false;

  constructor(origin: string, connections: number | null, keepAliveMs: number) {
    this.pool = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: keepAliveMs });
    this.pool.on('connect', () => {
      this.opened++;
    });
  }

  send(path: string, id: string, body: string, h: TransportHandler, fresh: boolean): void {
    if (fresh) this.resentStale++;
    else this.requests++;
    this.pool.dispatch(
      { path, method: 'POST', headers: ['content-type', 'application/json', 'x-request-id', id], body },
      new UndiciAdapter(h),
    );
  }

  close(): Promise<void> {
    return this.pool.close().catch(() => {});
  }
}
