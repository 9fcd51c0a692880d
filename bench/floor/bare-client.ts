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
import { writeFileSync } from 'node:fs';
import { type Dispatcher, Pool } from 'undici';
import { installProbe, locate } from './probe.js';

interface Args {
  url: string;
  path: string;
  body: string;
  streams: number;
  seconds: number;
  warmup: number;
  /** How many event ends to stamp per request (the content events). */
  events: number;
  out: string;
  /** Install bench/floor/probe.ts and add, per request, where the first event's stamp was taken. */
  probe?: boolean;
  /** Write `{requests, cpu_us}` instead of the stamps (see the header). */
  cpu?: boolean;
}

const args = JSON.parse(process.argv[2]) as Args;
if (args.probe) installProbe();
const ORIGIN = performance.timeOrigin;
const now = (): number => ORIGIN + performance.now();
const NL = 10;

interface Timed {
  id: string;
  sent: number;
  events: number[];
  ok: boolean;
}

/** One request; the deprecated handler API is the one that reports onRequestSent, and wraps nothing. */
class Bare implements Dispatcher.DispatchHandler {
  readonly t: Timed;
  private lastNl = false;

  constructor(
    id: string,
    private readonly done: () => void,
  ) {
    this.t = { id, sent: 0, events: [], ok: false };
  }

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
const kept: Timed[] = [];
/** Successful requests that ended after warmup; the CPU time used when warmup ended. */
let okAfterWarmup = 0;
let cpuAtWarmEnd: NodeJS.CpuUsage | undefined;
const t0 = now();
const warmEnd = t0 + args.warmup * 1000;
const stopAt = warmEnd + args.seconds * 1000;
let seq = 0;

async function user(): Promise<void> {
  while (now() < stopAt) {
    const started = now();
    const h = await new Promise<Bare>((resolve) => {
      const b: Bare = new Bare(`floor-${process.pid}-${seq++}`, () => resolve(b));
      pool.dispatch(
        {
          path: args.path,
          method: 'POST',
          headers: ['content-type', 'application/json', 'x-request-id', b.t.id],
          body,
        },
        b,
      );
    });
    if (cpuAtWarmEnd === undefined && now() >= warmEnd) cpuAtWarmEnd = process.cpuUsage();
    if (cpuAtWarmEnd !== undefined && h.t.ok) okAfterWarmup++;
    if (!args.cpu && started >= warmEnd && h.t.ok) kept.push(h.t);
  }
}

await Promise.all(Array.from({ length: args.streams }, () => user()));
const used = process.cpuUsage(cpuAtWarmEnd);
await pool.close();
const probed = args.probe
  ? kept.flatMap((t) => {
      const c = t.events.length ? locate(t.events[0]) : undefined;
      return c
        ? [{ pushToRead: c.start - c.push, readToStamp: t.events[0] - c.start, onread: c.onread }]
        : [];
    })
  : undefined;
const cpu = args.cpu ? { requests: okAfterWarmup, cpu_us: used.user + used.system } : undefined;
writeFileSync(args.out, JSON.stringify(cpu ?? probed ?? kept));
