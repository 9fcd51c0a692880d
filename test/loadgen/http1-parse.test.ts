/**
 * The HTTP/1.1 response parser of the executor's own client (src/loadgen/clients/http1-parse.ts): bodies
 * by content-length, chunked (extensions, trailers) and until close, informational responses skipped,
 * keep-alive decided from the headers, and every malformed response an error, never a hang. Each response
 * is also fed split at every byte boundary, through one reused buffer with stale bytes after each read
 * (as the client reads its sockets).
 */
import { describe, expect, it } from 'vitest';
import { ResponseParser } from '../../src/loadgen/clients/http1-parse.js';

interface Parsed {
  status?: number;
  body: string;
  ends: number;
  error?: string;
  keepAlive: boolean;
  /** Where the last feed stopped, relative to its piece's end (0: consumed all of it). */
  unread: number;
}

/** One shared read buffer, like the client's: each piece copied to its start, stale bytes after it. */
const shared = Buffer.alloc(4096, 'HTTP/1.1 200 OK\r\n\r\n');

/** Parses `pieces` in order as reads of one connection; `eof`: the connection closes after them. */
function parse(pieces: Buffer[], eof = false): Parsed {
  const out: Parsed = { body: '', ends: 0, keepAlive: true, unread: 0 };
  const parts: Buffer[] = [];
  const p = new ResponseParser({
    head: (s) => {
      out.status = s;
    },
    body: (b, from, to) => {
      parts.push(Buffer.from(b.subarray(from, to)));
    },
    end: () => {
      out.ends++;
    },
  });
  for (const piece of pieces) {
    shared.fill('\r\n\r\n0\r\n\r\n');
    piece.copy(shared);
    const stop = p.feed(shared, 0, piece.length);
    out.unread = piece.length - stop;
    if (p.error !== undefined || p.done) break;
  }
  if (eof && p.error === undefined && !p.done) p.eof();
  out.body = Buffer.concat(parts).toString('utf8');
  out.error = p.error;
  out.keepAlive = p.keepAlive;
  return out;
}

/** `text` cut in two at every byte boundary (and whole). */
function everySplit(text: string): Buffer[][] {
  const b = Buffer.from(text);
  const out: Buffer[][] = [[b]];
  for (let i = 1; i < b.length; i++) out.push([b.subarray(0, i), b.subarray(i)]);
  return out;
}

const SSE = 'data: {"choices":[{"text":"ü"}]}\n\ndata: [DONE]\n\n';

function chunked(body: string, ext = '', trailers = ''): string {
  const b = Buffer.from(body);
  const half = Math.floor(b.length / 2);
  const c1 = b.subarray(0, half);
  const c2 = b.subarray(half);
  return (
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\ncontent-type: text/event-stream\r\n\r\n' +
    `${c1.length.toString(16)}${ext}\r\n${c1.toString('latin1')}\r\n` +
    `${c2.length.toString(16).toUpperCase()}\r\n${c2.toString('latin1')}\r\n0${ext}\r\n${trailers}\r\n`
  );
}

/** A latin1-built response as its bytes (the chunks above are cut inside a UTF-8 character). */
const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('bodies', () => {
  it('content-length: the body exactly, at every split', () => {
    const text = `HTTP/1.1 200 OK\r\nContent-Length: ${Buffer.byteLength(SSE)}\r\n\r\n${SSE}`;
    for (const pieces of everySplit(text)) {
      expect(parse(pieces)).toMatchObject({ status: 200, body: SSE, ends: 1, keepAlive: true, unread: 0 });
    }
  });

  it('chunked with extensions and trailers: the body exactly, at every split and byte by byte', () => {
    const text = chunked(SSE, ';name="v" ; x', 'x-trailer: 1\r\nother: two\r\n');
    const whole = bytes(text);
    const cuts = [[whole], [...whole].map((c) => Buffer.from([c]))];
    for (let i = 1; i < whole.length; i++) cuts.push([whole.subarray(0, i), whole.subarray(i)]);
    for (const pieces of cuts) {
      expect(parse(pieces)).toMatchObject({ status: 200, body: SSE, ends: 1, keepAlive: true, unread: 0 });
    }
    expect(parse([bytes(chunked(SSE))])).toMatchObject({ body: SSE, ends: 1 });
  });

  it('no length, no chunking: the body runs until the connection closes', () => {
    const text = `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n${SSE}`;
    for (const pieces of everySplit(text)) {
      expect(parse(pieces)).toMatchObject({ body: SSE, ends: 0 });
      expect(parse(pieces, true)).toMatchObject({ status: 200, body: SSE, ends: 1, keepAlive: false });
    }
  });

  it('informational responses are skipped; 204 and a zero length have no body', () => {
    const text =
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </a>\r\n\r\nHTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\nok';
    for (const pieces of everySplit(text))
      expect(parse(pieces)).toMatchObject({ status: 201, body: 'ok', ends: 1 });
    expect(parse([Buffer.from('HTTP/1.1 204 No Content\r\n\r\n')])).toMatchObject({ status: 204, ends: 1 });
    expect(parse([Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n')])).toMatchObject({
      ends: 1,
      body: '',
    });
  });

  it('heads with bare LF line ends are read too', () => {
    expect(parse([Buffer.from('HTTP/1.1 200 OK\ncontent-length: 2\n\nok')])).toMatchObject({
      body: 'ok',
      ends: 1,
    });
  });

  it('bytes after the response are left unread (they belong to no request)', () => {
    const r = parse([Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nokEXTRA')]);
    expect(r).toMatchObject({ body: 'ok', ends: 1, unread: 5 });
  });
});

describe('responses one after another on a connection', () => {
  /** Parses `responses` in turn with one parser (reset between, as the client does), each as `pieces` gives it. */
  function parseEach(responses: string[], pieces: (text: string) => Buffer[] = (t) => [Buffer.from(t)]) {
    const out: { status?: number; body: string; ends: number; keepAlive: boolean }[] = [];
    let cur = out[0];
    const p = new ResponseParser({
      head: (s) => {
        cur.status = s;
      },
      body: (b, from, to) => {
        cur.body += b.toString('latin1', from, to);
      },
      end: () => {
        cur.ends++;
      },
    });
    for (const text of responses) {
      cur = { body: '', ends: 0, keepAlive: true };
      out.push(cur);
      p.reset();
      for (const piece of pieces(text)) {
        shared.fill('\r\n\r\n0\r\n\r\n');
        piece.copy(shared);
        p.feed(shared, 0, piece.length);
      }
      cur.keepAlive = p.keepAlive;
    }
    return out;
  }

  it('a head the same as the one before frames its own body, at every split', () => {
    const head =
      'HTTP/1.1 200 OK\r\ndate: Fri, 04 Dec 2026 19:00:00 GMT\r\ntransfer-encoding: chunked\r\n\r\n';
    const first = `${head}3\r\nabc\r\n0\r\n\r\n`;
    const second = `${head}5\r\nvwxyz\r\n0\r\n\r\n`;
    for (let cut = 1; cut < second.length; cut++) {
      const split = (t: string) =>
        t === second ? [Buffer.from(t.slice(0, cut)), Buffer.from(t.slice(cut))] : [Buffer.from(t)];
      expect(parseEach([first, second, second], split)).toEqual([
        { status: 200, body: 'abc', ends: 1, keepAlive: true },
        { status: 200, body: 'vwxyz', ends: 1, keepAlive: true },
        { status: 200, body: 'vwxyz', ends: 1, keepAlive: true },
      ]);
    }
  });

  it('a head that differs from the one before in any byte is read anew', () => {
    const res = (status: string, length: number, connection: string) =>
      `HTTP/1.1 ${status}\r\ncontent-length: ${length}\r\nconnection: ${connection}\r\n\r\n${'x'.repeat(length)}`;
    expect(
      parseEach([
        res('200 OK', 2, 'other'),
        res('200 OK', 3, 'other'),
        res('200 OK', 3, 'close'),
        res('503 No', 3, 'close'),
      ]),
    ).toEqual([
      { status: 200, body: 'xx', ends: 1, keepAlive: true },
      { status: 200, body: 'xxx', ends: 1, keepAlive: true },
      { status: 200, body: 'xxx', ends: 1, keepAlive: false },
      { status: 503, body: 'xxx', ends: 1, keepAlive: false },
    ]);
  });
});

describe('keep-alive', () => {
  const head = (first: string, extra = '') => [Buffer.from(`${first}\r\ncontent-length: 1\r\n${extra}\r\nx`)];
  it('HTTP/1.1 keeps the connection unless connection: close (any case, in a list)', () => {
    expect(parse(head('HTTP/1.1 200 OK')).keepAlive).toBe(true);
    expect(parse(head('HTTP/1.1 200 OK', 'Connection: Close\r\n')).keepAlive).toBe(false);
    expect(parse(head('HTTP/1.1 200 OK', 'connection: upgrade, close\r\n')).keepAlive).toBe(false);
  });
  it('HTTP/1.0 closes unless connection: keep-alive', () => {
    expect(parse(head('HTTP/1.0 200 OK')).keepAlive).toBe(false);
    expect(parse(head('HTTP/1.0 200 OK', 'Connection: Keep-Alive\r\n')).keepAlive).toBe(true);
  });
});

describe('malformed responses are errors, whatever the split', () => {
  const cases: [string, string, RegExp][] = [
    ['not HTTP', 'SSH-2.0-OpenSSH_9.6\r\n\r\n', /malformed status line/],
    ['HTTP/2 status line', 'HTTP/2 200 OK\r\n\r\n', /malformed status line/],
    ['status not a number', 'HTTP/1.1 2x0 OK\r\n\r\n', /malformed status line/],
    ['101 without an upgrade', 'HTTP/1.1 101 Switching Protocols\r\n\r\n', /101/],
    ['header without a colon', 'HTTP/1.1 200 OK\r\ncontent-length 2\r\n\r\nok', /malformed header line/],
    ['space before the colon', 'HTTP/1.1 200 OK\r\ncontent-length : 2\r\n\r\nok', /malformed header line/],
    ['folded header', 'HTTP/1.1 200 OK\r\nx: a\r\n b\r\n\r\n', /malformed header line/],
    ['content-length not a number', 'HTTP/1.1 200 OK\r\ncontent-length: 1e3\r\n\r\n', /content-length/],
    [
      'two different lengths',
      'HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 3\r\n\r\nok',
      /content-length/,
    ],
    ['chunk size not hex', 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\nok\r\n', /chunk size/],
    ['chunk size missing', 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n\r\nok\r\n', /chunk size/],
    [
      'chunk size too large',
      'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1000000000000\r\n',
      /too large/,
    ],
    [
      'chunk longer than its size',
      'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nokk\r\n0\r\n\r\n',
      /longer/,
    ],
    ['CR without LF after a size', 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\rok', /size line/],
  ];
  for (const [name, text, why] of cases) {
    it(name, () => {
      for (const pieces of everySplit(text)) {
        const r = parse(pieces);
        expect(r.error).toMatch(why);
        expect(r.ends).toBe(0);
      }
    });
  }

  it('a head that never ends is refused once it passes 64 KiB', () => {
    const junk = Buffer.alloc(1024, 'a');
    const r = parse([Buffer.from('HTTP/1.1 200 OK\r\n'), ...Array.from({ length: 70 }, () => junk)]);
    expect(r.error).toMatch(/head too large/);
  });

  it('a response cut off by the connection closing does not end', () => {
    expect(parse([Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nok')], true).ends).toBe(0);
    expect(parse([bytes(chunked(SSE)).subarray(0, 90)], true).ends).toBe(0);
  });
});
