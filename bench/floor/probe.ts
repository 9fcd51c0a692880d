/**
 * Where the time between a response's bytes and its record goes (bench only; nothing here is on the
 * executor's path in production). `installProbe()` wraps, in this process, `push` of the client sockets
 * (the first JavaScript that sees bytes read off a socket: net's onStreamRead hands them to the stream)
 * and their 'readable' listeners (undici reads the socket there and calls the handler, which stamps),
 * keeping for every readable call its start, its end and the latest push before it on that socket.
 * `locate(t)` finds the readable call a stamp `t` was taken in. Clock: performance.timeOrigin +
 * performance.now(), as the stamps.
 */
import { Socket } from 'node:net';

const now = (): number => performance.timeOrigin + performance.now();

export interface ReadCall {
  /** The latest push on this socket before the call (bytes handed to JavaScript). */
  push: number;
  start: number;
  end: number;
}

const calls: ReadCall[] = [];
const lastPush = new WeakMap<Socket, number>();

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
      calls.push({ push: lastPush.get(socket) ?? Number.NaN, start, end: now() });
    });
  };
  Socket.prototype.addListener = Socket.prototype.on;
}

/** The readable call that stamp `t` was taken in (calls do not overlap: one thread), else undefined. */
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
