/**
 * The undici floor reference (bench only): the least a client on undici can do to time a streamed request
 * (bench/floor/raw-client.ts is the net floor: a bare socket, as the executor's own client), run in its
 * own process like the executor: `node --import tsx bench/floor/bare-client.ts JSON`. `streams` closed-loop
 * users POST the given body through undici's dispatch on a keep-alive Pool; `sent` is stamped when undici
 * reports the request written (onRequestSent), and every network piece of the body is stamped as it
 * reaches the handler. Nothing is parsed: the only look at the bytes is counting SSE event ends (`\n\n`,
 * Buffer.indexOf) so the k-th event gets the stamp of the piece that completed it. No records besides
 * these stamps, no histograms. Requests started after `warmup` seconds are written to `out` as JSON:
 * `[{id, sent, events: [stamp...]}]`, `events` holding the first `events` event ends of each request;
 * with `probe`, instead, per request where its first event's stamp was taken (bench/floor/probe.ts); with
 * `cpu` (the streamed ceiling), instead, `{requests, cpu_us}`: the successful requests that ended after
 * `warmup` and the CPU time (user + system, all threads) the process used meanwhile.
 */
import { type Dispatcher, Pool } from 'undici';
import { args, NL, now, runFloor, type Timed } from './floor-run.js';

/** One request; the deprecated handler API is the one that reports onRequestSent, and wraps nothing. */
class Bare implements Dispatcher.DispatchHandler {
  private lastNl = false;

  constructor(
    readonly t: Timed,
    private readonly done: () => void,
  ) {}

  onConnect(): void {}
  onRequestSent(): void {
    this.t.sent = now();
  }
  onHeaders(status: number): boolean {
    this.t.ok = status === 200;
    return true;
  }
  onData(chunk: Buffer): boolean {
    const at = now();
    const ev = this.t.events;
    if (ev.length >= args.events) return true;
    // event ends: "\n\n", possibly split across pieces
    let from = 0;
    if (this.lastNl && chunk[0] === NL) {
      ev.push(at);
      from = 1;
    }
    for (;;) {
      const i = chunk.indexOf('\n\n', from);
      if (i < 0 || ev.length >= args.events) break;
      ev.push(at);
      from = i + 2;
    }
    this.lastNl = chunk[chunk.length - 1] === NL;
    return true;
  }
  onComplete(): void {
    this.done();
  }
  onError(): void {
    this.t.ok = false;
    this.done();
  }
}

const origin = new URL(args.url).origin;
const pool = new Pool(origin, { connections: args.streams, pipelining: 1, keepAliveTimeout: 60_000 });
const body = Buffer.from(args.body);
await runFloor(
  () => (t) =>
    new Promise<void>((resolve) => {
      pool.dispatch(
        {
          path: args.path,
          method: 'POST',
          headers: ['content-type', 'application/json', 'x-request-id', t.id],
          body,
        },
        new Bare(t, resolve),
      );
    }),
  () => pool.close(),
);
