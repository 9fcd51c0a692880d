/**
 * Where the time between a response's bytes and its record goes (bench only; nothing here is on the
 * executor's path in production). `installProbe()` wraps, in this process, the two ways a client socket
 * hands read bytes to JavaScript, keeping for every read call its start and its end:
 *   - stream reads (undici): `push` of the client sockets (the first JavaScript that sees bytes read off a
 *     socket: net's onStreamRead hands them to the stream) and their 'readable' listeners (undici reads
 *     the socket there and calls the handler, which stamps); a call also keeps the latest push before it
 *     on that socket;
 *   - `onread` reads (the executor's own HTTP/1.1 client, the net floor client): `net.connect`, so that
 *     the `onread.callback` of every socket it opens is wrapped — net's onStreamRead calls it with the
 *     bytes instead of pushing them, so the callback is where they reach JavaScript (its start is also
 *     the call's "push").
 * `locate(t)` finds the read call a stamp `t` was taken in. Clock: performance.timeOrigin +
 * performance.now(), as the stamps.
 */
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { type NetConnectOpts, Socket } from 'node:net';

const now = (): number => performance.timeOrigin + performance.now();

export interface ReadCall {
  /** The bytes handed to JavaScript: the latest push on this socket before the call, or the onread call's start. */
  push: number;
  start: number;
  end: number;
  /** An `onread` callback (else a 'readable' listener). */
  onread: boolean;
}

const calls: ReadCall[] = [];
const lastPush = new WeakMap<Socket, number>();

type OnRead = (n: number, buf: Uint8Array) => boolean | undefined;

/** The options with their onread callback timed (other options as they are). */
function timed(options: unknown): unknown {
  const o = options as { onread?: { buffer: unknown; callback: OnRead } } | null;
  if (typeof o !== 'object' || o === null || !o.onread || typeof o.onread.callback !== 'function')
    return options;
  const callback = o.onread.callback;
  const wrapped: OnRead = function (this: unknown, n, buf) {
    const start = now();
    const r = callback.call(this, n, buf);
    calls.push({ push: start, start, end: now(), onread: true });
    return r;
  };
  return { ...o, onread: { ...o.onread, callback: wrapped } };
}

export function installProbe(): void {
  const proto = Socket.prototype as unknown as {
    push(this: Socket, chunk: unknown, enc?: BufferEncoding): boolean;
    on(this: Socket, ev: string | symbol, fn: (...a: unknown[]) => void): Socket;
  };
  const push = proto.push;
  proto.push = function (chunk, enc) {
    if (chunk !== null) lastPush.set(this, now());
    return push.call(this, chunk, enc);
  };
  const on = proto.on;
  proto.on = function (ev, fn) {
    if (ev !== 'readable') return on.call(this, ev, fn);
    const socket = this;
    return on.call(this, ev, function (this: unknown, ...a: unknown[]) {
      const start = now();
      fn.apply(this, a);
      calls.push({ push: lastPush.get(socket) ?? Number.NaN, start, end: now(), onread: false });
    });
  };
  Socket.prototype.addListener = Socket.prototype.on;
  // net.connect / net.createConnection (the same function): `import { connect } from 'node:net'` sees the
  // wrapper once the builtin's ESM exports are synced
  const net = createRequire(import.meta.url)('node:net') as {
    connect: (...a: unknown[]) => Socket;
    createConnection: (...a: unknown[]) => Socket;
  };
  const connect = net.connect;
  const wrapped = function (this: unknown, ...a: unknown[]): Socket {
    if (a.length > 0) a[0] = timed(a[0] as NetConnectOpts);
    return connect.apply(this, a);
  };
  net.connect = wrapped;
  net.createConnection = wrapped;
  syncBuiltinESMExports();
}

/** The read call that stamp `t` was taken in (calls do not overlap: one thread), else undefined. */
export function locate(t: number): ReadCall | undefined {
  let lo = 0;
  let hi = calls.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = calls[mid];
    if (t < c.start) hi = mid - 1;
    else if (t > c.end) lo = mid + 1;
    else return c;
  }
  return undefined;
}

export function clearProbe(): void {
  calls.length = 0;
}
