/**
 * The net floor reference (bench only): the least a Node client can do to time a streamed request over a
 * bare socket, run in its own process like the executor: `node --import tsx bench/floor/raw-client.ts JSON`
 * (the same JSON argument and output as bench/floor/bare-client.ts). `streams` closed-loop users each own
 * one keep-alive `net` socket (TCP_NODELAY) and send each request as one `socket.write` of a prebuilt
 * HTTP/1.1 request string (only its x-request-id changes); `sent` is stamped right after that write.
 * Responses are read with `onread` into one preallocated buffer, and every read is stamped before
 * anything else is done with it. Nothing is parsed: a response is taken as ok when its first bytes are
 * `HTTP/1.1 200 `, its SSE event ends (`\n\n`, Buffer.indexOf, also when split across two reads) are
 * counted so the k-th event gets the stamp of the read that completed it, and it ends with the chunked
 * body's terminating `\r\n0\r\n\r\n` (the mock and the simulator answer chunked). No records besides
 * these stamps, no histograms. A user sends its next request two event-loop turns after the last one
 * ended (two `setImmediate`s), as the executor's pool hands a connection to its next request (it waits
 * for a server that closes after the response): a client writing from the read callback itself sends
 * into the server's busy moments at 64 streams and measures its queueing as transit. So this is what the
 * executor's own HTTP/1.1 client (src/loadgen/clients/http1.ts: the same write, `onread`, first-thing
 * stamp and reuse) could at best do.
 */
import { connect, type Socket } from 'node:net';
import { args, NL, now, runFloor, type Timed } from './floor-run.js';

const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);
const OK = Buffer.from('HTTP/1.1 200 ');
const END = Buffer.from('\r\n0\r\n\r\n');

const u = new URL(args.url);
const host = u.hostname.replace(/^\[|\]$/g, '');
const port = Number(u.port || 80);
const HEAD = `POST ${args.path} HTTP/1.1\r\nhost: ${u.host}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(args.body)}\r\nx-request-id: `;
const TAIL = `\r\n\r\n${args.body}`;

/** One user's connection and the request it carries. */
class Conn {
  socket: Socket | undefined;
  private t: Timed | undefined;
  private done: (() => void) | undefined;
  /** The response's first read not seen yet. */
  private first = true;
  private lastNl = false;
  /** The last bytes of the previous read (a terminator split across two reads). */
  private readonly tail = Buffer.alloc(END.length * 2);
  private tailLen = 0;

  /** A connected socket (a new one if the server closed the last). */
  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      const s = connect({
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
      s.once('connect', () => {
        this.socket = s;
        resolve();
      });
      s.on('error', (err) => {
        if (this.socket !== s) reject(err);
      });
      s.on('close', () => {
        if (this.socket === s) this.socket = undefined;
        this.finish(false);
      });
    });
  }

  send(t: Timed): Promise<void> {
    return new Promise((resolve) => {
      this.t = t;
      this.done = resolve;
      this.first = true;
      this.lastNl = false;
      this.tailLen = 0;
      this.socket!.write(HEAD + t.id + TAIL);
      t.sent = now();
    });
  }

  private read(n: number, whole: Buffer): void {
    const at = now();
    const t = this.t;
    if (t === undefined) return;
    // the shared buffer holds older reads past n: look at this read's bytes only
    const buf = whole.subarray(0, n);
    if (this.first) {
      this.first = false;
      t.ok = n >= OK.length && buf.compare(OK, 0, OK.length, 0, OK.length) === 0;
    }
    const ev = t.events;
    if (ev.length < args.events) {
      // event ends: "\n\n", possibly split across reads
      let from = 0;
      if (this.lastNl && buf[0] === NL) {
        ev.push(at);
        from = 1;
      }
      for (;;) {
        const i = buf.indexOf('\n\n', from);
        if (i < 0 || ev.length >= args.events) break;
        ev.push(at);
        from = i + 2;
      }
      this.lastNl = buf[n - 1] === NL;
    }
    // the chunked body's end, possibly split across reads
    let ended = false;
    if (this.tailLen > 0) {
      const k = Math.min(n, END.length - 1);
      buf.copy(this.tail, this.tailLen, 0, k);
      ended = this.tail.subarray(0, this.tailLen + k).indexOf(END) >= 0;
    }
    if (!ended) ended = buf.indexOf(END) >= 0;
    if (ended) {
      this.finish(true);
      return;
    }
    this.tailLen = Math.min(n, END.length - 1);
    buf.copy(this.tail, 0, n - this.tailLen, n);
  }

  private finish(ok: boolean): void {
    const t = this.t;
    const done = this.done;
    if (t === undefined || done === undefined) return;
    if (!ok) t.ok = false;
    this.t = undefined;
    this.done = undefined;
    done();
  }
}

/** Resolves two event-loop turns from now (the executor's pool reuses a connection as late). */
const twoTurns = (): Promise<void> => new Promise((r) => setImmediate(() => setImmediate(r)));

const conns: Conn[] = [];
await runFloor(
  () => {
    const c = new Conn();
    conns.push(c);
    return async (t) => {
      if (c.socket === undefined) await c.open();
      await c.send(t);
      await twoTurns();
    };
  },
  () => {
    for (const c of conns) c.socket?.destroy();
  },
);
