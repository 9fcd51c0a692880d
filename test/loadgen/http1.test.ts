/**
 * The executor's own HTTP/1.1 client (src/loadgen/clients/http1.ts) against raw TCP servers that answer
 * exactly as scripted: kept-alive connections carry one request after another, a response may arrive in
 * any pieces, a server that closes or breaks the framing fails only that request (with the reason users
 * see), and a request cancelled mid-stream closes its connection.
 */
import dns from 'node:dns';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../src/contracts/index.js';
import { createServiceClient, type ServiceClient } from '../../src/loadgen/clients/index.js';
import { newRecord, nowMs } from '../../src/loadgen/record.js';
import { capabilitiesOf } from '../helpers/capabilities.js';
import { spec } from './client-helpers.js';
import { sse } from './stream-server.js';

interface Raw {
  url: string;
  /** Connections accepted so far, and requests (heads) received on all of them. */
  connections: number;
  requests: number;
  /** Connections the client closed (the server saw them end). */
  closedByClient: number;
  close(): void;
}

/** A TCP server; `answer(sock, n, head)` is called for the n-th request (from 0) on each connection. */
async function rawServer(answer: (sock: Socket, n: number, head: string) => void): Promise<Raw> {
  const sockets: Socket[] = [];
  const raw: Raw = { url: '', connections: 0, requests: 0, closedByClient: 0, close: () => {} };
  const server: Server = createServer((sock) => {
    raw.connections++;
    sockets.push(sock);
    let n = 0;
    let seen = '';
    sock.on('data', (d) => {
      seen += d.toString('latin1');
      // one request = a head and its content-length of body
      for (;;) {
        const end = seen.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = seen.slice(0, end);
        const len = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (seen.length < end + 4 + len) return;
        seen = seen.slice(end + 4 + len);
        raw.requests++;
        answer(sock, n++, head);
      }
    });
    sock.on('close', () => raw.closedByClient++);
    sock.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  raw.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  raw.close = () => {
    for (const s of sockets) s.destroy();
    server.close();
  };
  return raw;
}

const EVENTS =
  sse({ choices: [{ text: 'hi' }] }) + sse({ choices: [{ text: ' there', finish_reason: 'length' }] });
const DONE = 'data: [DONE]\n\n';

function chunk(s: string): string {
  return `${Buffer.byteLength(s).toString(16)}\r\n${s}\r\n`;
}
const STREAM = `HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n${chunk(EVENTS)}${chunk(DONE)}0\r\n\r\n`;

let srv: Raw | undefined;
let client: ServiceClient | undefined;
afterEach(async () => {
  await client?.close();
  srv?.close();
  srv = undefined;
  client = undefined;
});

function record(id: string): RequestRecord {
  const r = newRecord({
    id,
    benchmark: 't',
    executor: 'x',
    warmup: false,
    api: 'completions',
    stream: true,
    scheduled: nowMs(),
    prompt_tokens_client: 3,
  });
  r.sent = nowMs();
  return r;
}

/** `connections`: the pool's cap (a closed loop's one per user by default; null: none, as open loops). */
async function send(
  id: string,
  signal: AbortSignal = new AbortController().signal,
  connections?: number | null,
): Promise<RequestRecord> {
  client ??= createServiceClient(spec(srv!.url), capabilitiesOf('vllm'), connections);
  const rec = record(id);
  await client.send({ prompt: 'a b c', maxTokens: 2, promptTokens: 3 }, rec, signal);
  return rec;
}

describe('kept-alive connections', () => {
  it('two responses on one connection, one after the other', async () => {
    srv = await rawServer((sock) => sock.write(STREAM));
    const a = await send('a');
    const b = await send('b');
    expect([a.status, b.status]).toEqual(['ok', 'ok']);
    expect(b.chunks).toHaveLength(2);
    expect(b.output_tokens).toBe(2);
    expect(srv.connections).toBe(1);
    expect(srv.requests).toBe(2);
    // what the run's summary.json `connections` reports of this executor
    expect(client?.connections?.()).toEqual({
      requests: 2,
      opened: 1,
      resent_stale: 0,
      server_closes_after_stream: false,
      learnt_by: 0,
      executors: 1,
    });
  });

  it('a response with connection: close: the next request takes a new connection, no retry', async () => {
    const closing = STREAM.replace('\r\n\r\n', '\r\nconnection: close\r\n\r\n');
    srv = await rawServer((sock) => sock.end(closing));
    const a = await send('a');
    const b = await send('b');
    expect([a.status, b.status]).toEqual(['ok', 'ok']);
    expect(b.retries).toBeUndefined();
    expect(srv.connections).toBe(2);
    expect(srv.requests).toBe(2);
  });

  it('a host name is looked up once: the next connections go to its address', async () => {
    const closing = STREAM.replace('\r\n\r\n', '\r\nconnection: close\r\n\r\n');
    srv = await rawServer((sock) => sock.end(closing));
    const names: string[] = [];
    const lookup = dns.lookup;
    dns.lookup = ((host: string, ...rest: unknown[]) => {
      names.push(host);
      return (lookup as (...a: unknown[]) => void)(host, ...rest);
    }) as typeof dns.lookup;
    try {
      srv.url = srv.url.replace('127.0.0.1', 'localhost');
      const recs = [await send('a'), await send('b'), await send('c')];
      expect(recs.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
      expect(srv.connections).toBe(3);
      expect(names).toEqual(['localhost']);
    } finally {
      dns.lookup = lookup;
    }
  });

  it('a server closing between requests: the request is sent again once on a fresh connection', async () => {
    srv = await rawServer((sock, n) => {
      if (n === 0) sock.write(STREAM);
      else sock.destroy(); // the kept-alive connection went away under the second request
    });
    const a = await send('a');
    const b = await send('b');
    expect([a.status, b.status]).toEqual(['ok', 'ok']);
    expect(b.retries).toBe(1);
    expect(srv.requests).toBe(3);
    expect(srv.connections).toBe(2);
  });

  it('a server that closes after every chunked response, later than the wait: retries until two such closes, then a connection per request', async () => {
    // as llama.cpp's server after a streamed response, only later: 30 ms after it, without saying so
    srv = await rawServer((sock, n) => {
      if (n > 0) return; // written into the closing connection: never answered
      sock.write(STREAM);
      setTimeout(() => sock.end(), 30);
    });
    const a = await send('a');
    const b = await send('b'); // into a's connection, which the server then closes: sent again
    const c = await send('c'); // the same into b's: the second such close, the pool learns it
    const d = await send('d'); // c's connection was closed by the pool at once: d opens its own
    expect([a, b, c, d].map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect([b.retries, c.retries, d.retries]).toEqual([1, 1, undefined]);
    expect(srv.connections).toBe(4);
    expect(srv.requests).toBe(6);
    // counted for the run's output: four requests on four connections, b and c resent, the close after
    // streams learnt
    expect(client?.connections?.()).toEqual({
      requests: 4,
      opened: 4,
      resent_stale: 2,
      server_closes_after_stream: true,
      learnt_by: 1,
      executors: 1,
    });
  });

  it('the same closes after responses of known length are not learnt: each reused request is sent again', async () => {
    const body = EVENTS + DONE;
    const whole = `HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    srv = await rawServer((sock, n) => {
      if (n > 0) return;
      sock.write(whole);
      setTimeout(() => sock.end(), 30);
    });
    const recs = [];
    for (const id of ['a', 'b', 'c', 'd']) recs.push(await send(id));
    expect(recs.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(recs.map((r) => r.retries)).toEqual([undefined, 1, 1, 1]);
    expect(client?.connections?.()).toMatchObject({
      requests: 4,
      opened: 4,
      resent_stale: 3,
      server_closes_after_stream: false,
    });
  });

  it('a connection the server closes while it waits out its turns is not waited for (no cap)', async () => {
    // the response and the close in one go: the close is read in the same turn as the response's end
    srv = await rawServer((sock) => sock.end(STREAM));
    const signal = new AbortController().signal;
    expect((await send('a', signal, null)).status).toBe('ok');
    // one turn later: a's connection is gone, though its two turns are not over
    await new Promise((r) => setImmediate(r));
    const timeout = new Promise<string>((r) => setTimeout(() => r('still waiting after 2 s'), 2000).unref());
    const b = await Promise.race([send('b', signal, null).then((r) => r.status), timeout]);
    expect(b).toBe('ok');
  });

  it('a response in one-byte pieces is read whole', async () => {
    srv = await rawServer((sock) => {
      sock.setNoDelay(true);
      const bytes = Buffer.from(STREAM);
      let i = 0;
      const next = () => {
        if (i < bytes.length) sock.write(bytes.subarray(i, ++i), () => setImmediate(next));
      };
      next();
    });
    const r = await send('a');
    expect(r).toMatchObject({ status: 'ok', output_tokens: 2, output_tokens_client: 2 });
    expect(r.chunks).toHaveLength(2);
  });
});

describe('a pool without a cap (open loop, trace)', () => {
  it('a burst while a connection waits out its two turns: one request waits for it, the rest open connections at once', async () => {
    // x-request-id "quick" is answered at once; the others stream for 300 ms
    const head = STREAM.slice(0, STREAM.indexOf('\r\n\r\n') + 4);
    srv = await rawServer((sock, _n, h) => {
      if (h.includes('x-request-id: quick')) sock.write(STREAM);
      else {
        sock.write(`${head}${chunk(EVENTS)}`);
        setTimeout(() => sock.write(`${chunk(DONE)}0\r\n\r\n`), 300);
      }
    });
    const signal = new AbortController().signal;
    expect((await send('quick', signal, null)).status).toBe('ok');
    // the quick one's connection is settling now: three requests in this same turn
    const burst = await Promise.all(['b1', 'b2', 'b3'].map((id) => send(id, signal, null)));
    expect(burst.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
    const sent = burst.map((r) => r.sent);
    // all three written together, none queued behind another's 300 ms response
    expect(Math.max(...sent) - Math.min(...sent)).toBeLessThan(150);
    expect(srv.connections).toBe(3);
    expect(burst.every((r) => r.retries === undefined)).toBe(true);
  });
});

describe('failures', () => {
  it('a refused connection is ECONNREFUSED', async () => {
    srv = await rawServer(() => {});
    const url = srv.url;
    srv.close();
    srv = undefined;
    client = createServiceClient(spec(url), capabilitiesOf('vllm'));
    const rec = record('a');
    await client.send({ prompt: 'a', maxTokens: 1, promptTokens: 1 }, rec, new AbortController().signal);
    expect(rec).toMatchObject({ status: 'error', error: 'ECONNREFUSED' });
    expect(client.connections?.().opened).toBe(0); // tried, never opened
  });

  it('a broken chunk size is a bad_response; the next request works on a new connection', async () => {
    srv = await rawServer((sock, n) => {
      if (srv!.connections === 1 && n === 0)
        sock.write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nnot-hex\r\n');
      else sock.write(STREAM);
    });
    const bad = await send('a');
    expect(bad).toMatchObject({ status: 'error', error: 'bad_response' });
    expect(bad.error_detail).toMatch(/chunk size/);
    const good = await send('b');
    expect(good.status).toBe('ok');
    expect(srv.connections).toBe(2);
  });

  it('a garbage status line is a bad_response, never a hang', async () => {
    srv = await rawServer((sock) => sock.write('HTTP/1.1 OK\r\n\r\n'));
    expect(await send('a')).toMatchObject({ status: 'error', error: 'bad_response' });
  });

  it('a stream cut off mid-body is connection_closed and keeps the chunks before the cut', async () => {
    srv = await rawServer((sock) => {
      sock.write(
        `HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n${chunk(sse({ choices: [{ text: 'one' }] }))}`,
      );
      setTimeout(() => sock.destroy(), 20);
    });
    const r = await send('a');
    expect(r).toMatchObject({ status: 'error', error: 'connection_closed' });
    expect(r.chunks).toHaveLength(1);
    expect(r.retries).toBeUndefined(); // a response had begun: never sent again
  });

  it('an error status collects its body into error_detail', async () => {
    const body = '{"error":"overloaded"}';
    srv = await rawServer((sock) =>
      sock.write(`HTTP/1.1 503 Service Unavailable\r\ncontent-length: ${body.length}\r\n\r\n${body}`),
    );
    expect(await send('a')).toMatchObject({ status: 'error', error: 'http_503', error_detail: body });
  });
});

describe('cancellation', () => {
  it('stop mid-stream: cancelled with the chunks so far, and the connection is closed', async () => {
    srv = await rawServer((sock) =>
      sock.write(
        `HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n${chunk(sse({ choices: [{ text: 'one' }] }))}`,
      ),
    );
    const stop = new AbortController();
    const sending = send('a', stop.signal);
    const deadline = nowMs() + 5000;
    while (srv.requests === 0 && nowMs() < deadline) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 50));
    stop.abort('stop');
    const r = await sending;
    expect(r).toMatchObject({ status: 'cancelled', cancelled_by: 'stop' });
    expect(r.chunks).toHaveLength(1);
    const until = nowMs() + 5000;
    while (srv.closedByClient === 0 && nowMs() < until) await new Promise((r) => setTimeout(r, 5));
    expect(srv.closedByClient).toBe(1);
  });
});
