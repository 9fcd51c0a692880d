/**
 * A lean HTTP/1.1 response parser on bytes, for the executor's own client (http1.ts): the status line and
 * the headers that frame the body (content-length, transfer-encoding: chunked, connection / HTTP/1.0
 * keep-alive; names case-insensitive), informational (1xx) responses skipped, then the body by
 * content-length, chunked (chunk extensions and trailers skipped) or read until the connection closes.
 * It keeps no body: the pieces are handed to the sink as ranges of the buffer being parsed. A head byte
 * for byte the same as the last final head on its connection is taken as that head, with one compare. A response that breaks the framing sets `error` and stops; the
 * caller fails the request (`bad_response`).
 */

/** Where the parser hands a response over (the connection, which passes it on to the request). */
export interface ResponseSink {
  /** The final (≥ 200) response's status. */
  head(status: number): void;
  /** Body bytes `buf[from, to)`; valid only during the call (the buffer is reused). */
  body(buf: Buffer, from: number, to: number): void;
  /** The response ended (its last byte was parsed). */
  end(): void;
}

/** What a head says about its body: length -1 none given, -2 until close (another coding last). */
interface Framing {
  status: number;
  close: boolean;
  chunked: boolean;
  length: number;
}

enum S {
  Head,
  Length,
  Size,
  Ext,
  SizeLf,
  Data,
  DataCr,
  DataLf,
  TrailerStart,
  Trailer,
  TrailerLf,
  Close,
  Done,
}

const CR = 13;
const LF = 10;
const HEAD_END = Buffer.from('\r\n\r\n');
const HEAD_END_LF = Buffer.from('\n\n');
/** Larger heads are refused (no server of ours sends one; a stream of garbage must not grow forever). */
const HEAD_MAX = 64 * 1024;
/** 12 hex digits: 256 TiB; more is not a chunk size. */
const SIZE_DIGITS_MAX = 12;

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

export class ResponseParser {
  /** Set when the response broke the framing: what was wrong (the request's error_detail). */
  error: string | undefined;
  /** Whether the connection can carry another request once this response ended. */
  keepAlive = true;
  /** The response's body is chunked. */
  chunked = false;
  private state = S.Head;
  /** A head split across reads: its bytes so far. */
  private partial: Buffer | undefined;
  /** Body bytes left (content-length, or the current chunk). */
  private left = 0;
  private digits = 0;
  /** The last final head read, its bytes up to the body, and its framing (readHead). */
  private lastHead: Buffer | undefined;
  private lastFraming: Framing | undefined;

  constructor(private readonly sink: ResponseSink) {}

  /** Ready for the next response on the same connection. */
  reset(): void {
    this.state = S.Head;
    this.error = undefined;
    this.keepAlive = true;
    this.chunked = false;
    this.partial = undefined;
  }

  get done(): boolean {
    return this.state === S.Done;
  }

  /** Nothing of a response seen yet (a connection that closes now never answered). */
  get idle(): boolean {
    return this.state === S.Head && this.partial === undefined;
  }

  /**
   * Parses `buf[from, to)`. Returns where it stopped: `to`, or earlier when the response ended (the bytes
   * after it belong to no request) or broke (`error` set).
   */
  feed(buf: Buffer, from: number, to: number): number {
    let i = from;
    while (i < to) {
      switch (this.state) {
        case S.Head: {
          i = this.readHead(buf, i, to);
          if (i < 0) return to;
          break;
        }
        case S.Length: {
          const n = Math.min(this.left, to - i);
          this.sink.body(buf, i, i + n);
          i += n;
          this.left -= n;
          if (this.left === 0) this.finish();
          break;
        }
        case S.Close:
          this.sink.body(buf, i, to);
          return to;
        case S.Data: {
          const n = Math.min(this.left, to - i);
          this.sink.body(buf, i, i + n);
          i += n;
          this.left -= n;
          if (this.left === 0) this.state = S.DataCr;
          break;
        }
        case S.Done:
          return i;
        default:
          if (!this.chunkByte(buf[i++])) return i;
      }
      if (this.error !== undefined || this.done) return i;
    }
    return i;
  }

  /** The connection closed: true if that ends this response (a body read until close), else it is cut. */
  eof(): boolean {
    if (this.state !== S.Close) return false;
    this.finish();
    return true;
  }

  private finish(): void {
    this.state = S.Done;
    this.sink.end();
  }

  private fail(why: string): boolean {
    this.error = why;
    return false;
  }

  /** One byte of chunked framing (size line, CRLF after data, trailers); false: the framing broke. */
  private chunkByte(c: number): boolean {
    switch (this.state) {
      case S.Size: {
        const v = hexValue(c);
        if (v >= 0) {
          if (++this.digits > SIZE_DIGITS_MAX) return this.fail('chunk size too large');
          this.left = this.left * 16 + v;
          return true;
        }
        if (this.digits === 0) return this.fail('malformed chunk size');
        if (c === CR) this.state = S.SizeLf;
        else if (c === LF) this.sizeDone();
        else if (c === 59 /* ; */ || c === 32 || c === 9) this.state = S.Ext;
        else return this.fail('malformed chunk size');
        return true;
      }
      case S.Ext:
        if (c === LF) this.sizeDone();
        return true;
      case S.SizeLf:
        if (c !== LF) return this.fail('malformed chunk size line');
        this.sizeDone();
        return true;
      case S.DataCr:
        if (c === CR) this.state = S.DataLf;
        else if (c === LF) this.nextChunk();
        else return this.fail('chunk data longer than its size');
        return true;
      case S.DataLf:
        if (c !== LF) return this.fail('chunk data longer than its size');
        this.nextChunk();
        return true;
      case S.TrailerStart:
        if (c === CR) this.state = S.TrailerLf;
        else if (c === LF) this.finish();
        else this.state = S.Trailer;
        return true;
      case S.Trailer:
        if (c === LF) this.state = S.TrailerStart;
        return true;
      case S.TrailerLf:
        if (c !== LF) return this.fail('malformed trailer section');
        this.finish();
        return true;
    }
    return true;
  }

  private nextChunk(): void {
    this.state = S.Size;
    this.left = 0;
    this.digits = 0;
  }

  private sizeDone(): void {
    this.state = this.left === 0 ? S.TrailerStart : S.Data;
  }

  /**
   * Reads a head from `buf[from, to)` (its lines end in CRLF or LF): where its body starts in `buf`, or -1
   * (the head is incomplete and kept, or broken: `error` set). A server sends the same head bytes response
   * after response (its Date changes once a second): a head byte for byte the same as the last final head
   * read frames its body the same, so it is compared (one native compare) instead of searched and parsed.
   */
  private readHead(buf: Buffer, from: number, to: number): number {
    const last = this.lastHead;
    if (
      last !== undefined &&
      this.partial === undefined &&
      to - from >= last.length &&
      last.compare(buf, from, from + last.length) === 0
    )
      return this.begin(this.lastFraming as Framing) ? from + last.length : -1;
    // searched in a view: the read buffer holds older bytes past `to`
    let b = buf.subarray(from, to);
    const kept = this.partial?.length ?? 0;
    if (this.partial !== undefined) b = Buffer.concat([this.partial, b]);
    const crlf = b.indexOf(HEAD_END);
    const lf = b.indexOf(HEAD_END_LF);
    const at = crlf < 0 || (lf >= 0 && lf < crlf) ? lf : crlf;
    if (at < 0) {
      if (b.length > HEAD_MAX) {
        this.fail('response head too large');
        return -1;
      }
      // kept past this read: a copy (the read buffer is reused)
      this.partial = Buffer.from(b);
      return -1;
    }
    this.partial = undefined;
    const f = this.parseHead(b, at);
    if (f === undefined) return -1;
    const bodyAt = at + (at === lf ? 2 : 4);
    // an informational head: the real answer follows (state stays Head)
    if (f.status >= 200) {
      this.lastHead = Buffer.from(b.subarray(0, bodyAt));
      this.lastFraming = f;
      if (!this.begin(f)) return -1;
    }
    // where the body starts, back in `buf` (the head ended in this read's bytes, past what was kept)
    return from + bodyAt - kept;
  }

  /** A final head's framing takes effect: the sink gets the status, the body's state is set; false: error. */
  private begin(f: Framing): boolean {
    this.keepAlive = !f.close;
    this.chunked = f.chunked;
    this.sink.head(f.status);
    if (this.error !== undefined) return false;
    if (f.status === 204 || f.status === 304) this.finish();
    else if (f.chunked) this.nextChunk();
    else if (f.length >= 0) {
      this.left = f.length;
      if (f.length === 0) this.finish();
      else this.state = S.Length;
    } else {
      this.keepAlive = false;
      this.state = S.Close;
    }
    return true;
  }

  /**
   * The status line and the framing headers of the head `b[0, end)`, read on bytes (no string per line;
   * only the values of connection and transfer-encoding are decoded), or undefined (error set).
   */
  private parseHead(b: Buffer, end: number): Framing | undefined {
    let eol = lineEnd(b, 0, end);
    const lineTo = b[eol - 1] === CR ? eol - 1 : eol;
    let status = -1;
    if (
      lineTo >= 12 &&
      startsHttp1(b) &&
      (b[7] === 48 || b[7] === 49) &&
      b[8] === 32 &&
      (lineTo === 12 || b[12] === 32)
    )
      status = digit(b[9]) * 100 + digit(b[10]) * 10 + digit(b[11]);
    if (!(status >= 100 && status < 600)) {
      this.fail(`malformed status line: ${JSON.stringify(b.toString('latin1', 0, Math.min(lineTo, 80)))}`);
      return undefined;
    }
    const http10 = b[7] === 48;
    let length = -1;
    let chunked = false;
    let close = http10;
    for (let i = eol + 1; i < end; i = eol + 1) {
      eol = lineEnd(b, i, end);
      const to = b[eol - 1] === CR ? eol - 1 : eol;
      let colon = i;
      while (colon < to && b[colon] !== 58) colon++;
      const first = b[i];
      const last = b[colon - 1];
      if (colon === to || colon === i || first === 32 || first === 9 || last === 32 || last === 9) {
        this.fail(`malformed header line: ${JSON.stringify(b.toString('latin1', i, Math.min(to, i + 80)))}`);
        return undefined;
      }
      // only the framing headers matter; their names' lengths pick them out cheaply
      const n = colon - i;
      if (n !== 14 && n !== 17 && n !== 10) continue;
      let v0 = colon + 1;
      let v1 = to;
      while (v0 < v1 && (b[v0] === 32 || b[v0] === 9)) v0++;
      while (v1 > v0 && (b[v1 - 1] === 32 || b[v1 - 1] === 9)) v1--;
      if (named(b, i, 'content-length')) {
        let v = v1 > v0 && v1 - v0 <= 15 ? 0 : -1;
        for (let k = v0; k < v1 && v >= 0; k++) v = b[k] >= 48 && b[k] <= 57 ? v * 10 + b[k] - 48 : -1;
        if (v < 0 || (length >= 0 && v !== length)) {
          this.fail(
            `malformed content-length: ${JSON.stringify(b.toString('latin1', v0, Math.min(v1, v0 + 40)))}`,
          );
          return undefined;
        }
        length = v;
      } else if (named(b, i, 'transfer-encoding')) {
        const codings = b.toString('latin1', v0, v1).toLowerCase().split(',');
        chunked = codings[codings.length - 1].trim() === 'chunked';
        if (!chunked) length = -2; // another coding last: the body runs until the connection closes
      } else if (named(b, i, 'connection')) {
        const v = b.toString('latin1', v0, v1).toLowerCase();
        if (/(^|,)\s*close\s*(,|$)/.test(v)) close = true;
        else if (http10 && /(^|,)\s*keep-alive\s*(,|$)/.test(v)) close = false;
      }
    }
    if (status === 101) {
      this.fail('unexpected 101 Switching Protocols');
      return undefined;
    }
    return { status, close, chunked, length };
  }
}

/** The index of the LF ending the line that starts at i, or `end` (the head's last line). */
function lineEnd(b: Buffer, i: number, end: number): number {
  while (i < end && b[i] !== LF) i++;
  return i;
}

/** Whether `b` starts with `HTTP/1.` (exactly: the version is case-sensitive). */
function startsHttp1(b: Buffer): boolean {
  return (
    b[0] === 72 && b[1] === 84 && b[2] === 84 && b[3] === 80 && b[4] === 47 && b[5] === 49 && b[6] === 46
  );
}

/** A decimal digit's value, or a value that makes the status out of range. */
function digit(c: number): number {
  return c >= 48 && c <= 57 ? c - 48 : -1000;
}

/** Whether the header name at `b[i...]` is `name` (lowercase, same length checked by the caller), any case. */
function named(b: Buffer, i: number, name: string): boolean {
  for (let k = 0; k < name.length; k++) {
    const c = b[i + k];
    if ((c >= 65 && c <= 90 ? c | 0x20 : c) !== name.charCodeAt(k)) return false;
  }
  return true;
}
