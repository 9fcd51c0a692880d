/**
 * The body of one streamed response (SSE or NDJSON), written with as little CPU per chunk as node:http
 * allows. res.write costs a cork, a nextTick uncork and a 4-buffer writev (size line, data, CRLF) per
 * chunk; here, when the connection is the response's own and the body is chunked (HTTP/1.1), chunks are
 * framed here and written straight to the socket: the chunks a response gets during one turn of the
 * scheduler are joined and go out in one write(2) at the end of that turn (a microtask), as res.write's
 * cork did, so a fast stream (several chunks due per turn) still costs one system call per turn. The last
 * chunk goes through res.end, which adds the terminating chunk and lets node:http finish the response.
 */
import type { ServerResponse } from 'node:http';

/** Streams with chunks waiting for the end of the current turn. */
const dirty: ChunkStream[] = [];
let flushQueued = false;

function flushAll(): void {
  flushQueued = false;
  for (let i = 0; i < dirty.length; i++) dirty[i].flush();
  dirty.length = 0;
}

export class ChunkStream {
  private pending = '';
  private constructor(
    private readonly res: ServerResponse,
    /** Framed here and written to the socket, not through res.write. */
    private readonly direct: boolean,
  ) {}

  /** Sends status and headers at once (the client sees them before the first token). */
  static open(res: ServerResponse, headers: Record<string, string>): ChunkStream {
    res.writeHead(200, headers);
    res.flushHeaders();
    // not the connection's current response (pipelined behind another): node:http queues its output
    return new ChunkStream(res, res.socket !== null && res.chunkedEncoding);
  }

  /** One chunk of the body (not the last: see end). */
  write(text: string): void {
    if (!this.direct) {
      this.res.write(text);
      return;
    }
    if (this.pending === '') {
      dirty.push(this);
      if (!flushQueued) {
        flushQueued = true;
        queueMicrotask(flushAll);
      }
    }
    this.pending += text;
  }

  /** The last chunk: ends the response (with anything still pending in front of it). */
  end(text: string): void {
    const all = this.pending + text;
    this.pending = '';
    this.res.end(all);
  }

  /** Disconnect fault: what was written goes out, then the connection closes without ending the body. */
  cut(): void {
    this.flush();
    const socket = this.res.socket;
    if (socket && !socket.destroyed) socket.end();
    else this.res.destroy();
  }

  /** Writes the pending chunks as one HTTP chunk. */
  flush(): void {
    const text = this.pending;
    if (text === '') return;
    this.pending = '';
    const socket = this.res.socket;
    if (socket !== null && !socket.destroyed)
      socket.write(`${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`);
  }
}
