/**
 * Streamed responses on the wire, read with a raw TCP client: well-formed HTTP/1.1 chunked bodies on a
 * kept-alive connection (also when requests are pipelined, so a response waits for its connection), an
 * HTTP/1.0 client (no chunked encoding), and the ground truth's arrival time (the request's head reaching
 * the server, before its body).
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type DummyServer, startDummyServer } from '../../src/services/dummy/sim/index.js';

let server: DummyServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const start = () =>
  startDummyServer({ load_ms: 0, prefill_base_ms: 1, prefill_ms_per_token: 0, decode_step_ms: 2 });

function request(path: string, body: unknown, version = '1.1'): string {
  const text = JSON.stringify(body);
  return `POST ${path} HTTP/${version}\r\nhost: sim\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\n\r\n${text}`;
}

interface Response {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Parses `count` HTTP/1.x responses from `buf` (chunked or close-delimited); null while incomplete.
 * Throws on malformed chunk framing.
 */
function parseResponses(buf: Buffer, count: number, closed: boolean): Response[] | null {
  const out: Response[] = [];
  let pos = 0;
  while (out.length < count) {
    const headEnd = buf.indexOf('\r\n\r\n', pos);
    if (headEnd < 0) return null;
    const [statusLine, ...lines] = buf.subarray(pos, headEnd).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const l of lines) {
      const i = l.indexOf(':');
      headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
    }
    pos = headEnd + 4;
    const parts: Buffer[] = [];
    if (headers['transfer-encoding'] === 'chunked') {
      for (;;) {
        const lineEnd = buf.indexOf('\r\n', pos);
        if (lineEnd < 0) return null;
        const size = Number.parseInt(buf.subarray(pos, lineEnd).toString('latin1'), 16);
        if (!Number.isInteger(size)) throw new Error(`bad chunk size line at ${pos}`);
        if (buf.length < lineEnd + 2 + size + 2) return null;
        if (buf.subarray(lineEnd + 2 + size, lineEnd + 4 + size).toString('latin1') !== '\r\n')
          throw new Error(`chunk of ${size} bytes not followed by CRLF`);
        parts.push(buf.subarray(lineEnd + 2, lineEnd + 2 + size));
        pos = lineEnd + 4 + size;
        if (size === 0) break;
      }
    } else if (headers['content-length'] !== undefined) {
      const n = Number(headers['content-length']);
      if (buf.length < pos + n) return null;
      parts.push(buf.subarray(pos, pos + n));
      pos += n;
    } else {
      if (!closed) return null;
      parts.push(buf.subarray(pos));
      pos = buf.length;
    }
    out.push({
      status: Number(statusLine.split(' ')[1]),
      headers,
      body: Buffer.concat(parts).toString('utf8'),
    });
  }
  return out;
}

/** Writes `payload` (parts written `gapMs` apart) and reads `count` responses. */
async function exchange(
  url: string,
  payload: string[],
  count: number,
  gapMs = 0,
): Promise<{ responses: Response[]; socket: Socket }> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  socket.setNoDelay(true);
  const chunks: Buffer[] = [];
  let closed = false;
  const got = new Promise<Response[]>((resolve, reject) => {
    const check = () => {
      try {
        const r = parseResponses(Buffer.concat(chunks), count, closed);
        if (r) resolve(r);
        else if (closed) reject(new Error('connection closed before the responses were complete'));
      } catch (err) {
        reject(err);
      }
    };
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      check();
    });
    socket.on('end', () => {
      closed = true;
      check();
    });
    socket.on('error', reject);
  });
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  for (const [i, p] of payload.entries()) {
    if (i > 0 && gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
    socket.write(p);
  }
  return { responses: await got, socket };
}

const sseEvents = (body: string) =>
  body
    .split('\n\n')
    .filter((e) => e.startsWith('data: '))
    .map((e) => e.slice(6));

describe('streamed responses on the wire', () => {
  it('HTTP/1.1: chunked SSE and NDJSON bodies, pipelined on one kept-alive connection, in order and intact', async () => {
    server = await start();
    const sse = request('/v1/completions', { prompt: 'a b', max_tokens: 7, stream: true });
    const nd = request('/api/chat', {
      model: 'dummy-model',
      messages: [{ role: 'user', content: 'hi' }],
      options: { num_predict: 5 },
    });
    // three requests in one write: the 2nd and 3rd wait for the connection while the 1st streams
    const { responses, socket } = await exchange(server.url, [sse + nd + sse], 3);
    try {
      expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
      for (const r of [responses[0], responses[2]]) {
        expect(r.headers['transfer-encoding']).toBe('chunked');
        expect(r.headers['content-type']).toMatch(/^text\/event-stream/);
        const events = sseEvents(r.body);
        expect(events.at(-1)).toBe('[DONE]');
        const chunks = events.slice(0, -1).map((e) => JSON.parse(e) as { choices: { text: string }[] });
        expect(chunks).toHaveLength(7);
        expect(chunks.map((c) => c.choices[0].text).join('')).not.toBe('');
      }
      const lines = responses[1].body
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { done: boolean; message: { content: string }; eval_count?: number });
      expect(responses[1].headers['transfer-encoding']).toBe('chunked');
      expect(lines).toHaveLength(6);
      expect(lines.slice(0, 5).every((l) => !l.done && l.message.content !== '')).toBe(true);
      expect(lines[5]).toMatchObject({ done: true, eval_count: 5 });
      expect(socket.destroyed).toBe(false); // kept alive
    } finally {
      socket.destroy();
    }
  });

  it('HTTP/1.0: the stream arrives without chunked encoding and the connection closes at its end', async () => {
    server = await start();
    const { responses, socket } = await exchange(
      server.url,
      [request('/v1/completions', { prompt: 'a', max_tokens: 4, stream: true }, '1.0')],
      1,
    );
    socket.destroy();
    expect(responses[0].status).toBe(200);
    expect(responses[0].headers['transfer-encoding']).toBeUndefined();
    expect(sseEvents(responses[0].body)).toHaveLength(5); // 4 chunks + [DONE]
  });

  it('a fast stream (many chunks per scheduler turn) arrives intact; a disconnect fault delivers every chunk before the cut', async () => {
    server = await startDummyServer({ load_ms: 0, prefill_base_ms: 0, decode_step_ms: 0.001 });
    const { responses, socket } = await exchange(
      server.url,
      [request('/v1/completions', { prompt: 'a', max_tokens: 300, stream: true })],
      1,
    );
    socket.destroy();
    expect(sseEvents(responses[0].body)).toHaveLength(301);
    await server.close();

    server = await startDummyServer({
      load_ms: 0,
      prefill_base_ms: 0,
      decode_step_ms: 0.001,
      disconnect_rate: 1,
    });
    const { hostname, port } = new URL(server.url);
    const raw = await new Promise<string>((resolve, reject) => {
      const sock = connect(Number(port), hostname);
      const parts: Buffer[] = [];
      sock.on('data', (d: Buffer) => parts.push(d));
      sock.on('close', () => resolve(Buffer.concat(parts).toString('utf8')));
      sock.on('error', reject);
      sock.write(
        request('/v1/completions', { prompt: 'a', max_tokens: 300, stream: true }).replace(
          '\r\n\r\n',
          '\r\nx-request-id: cut-1\r\n\r\n',
        ),
      );
    });
    const tr = (await (await fetch(`${server.url}/hpcbench/requests?client_request_id=cut-1`)).json()) as {
      requests: { state: string; disconnect_at_token: number; output_tokens: number }[];
    };
    const t = tr.requests[0];
    expect(t.state).toBe('disconnected');
    expect(t.output_tokens).toBe(t.disconnect_at_token);
    expect(raw).not.toContain('[DONE]');
    expect(raw.split('data: {').length - 1).toBe(t.output_tokens);
  });

  it("ground truth: arrival is when the request's head reached the server, before its body was read", async () => {
    server = await start();
    const full = request('/v1/completions', { prompt: 'a', max_tokens: 2, stream: true }).replace(
      '\r\n\r\n',
      '\r\nx-request-id: slow-body\r\n\r\n',
    );
    const bodyAt = full.indexOf('\r\n\r\n') + 4;
    // the head first, the body 200 ms later
    const { responses, socket } = await exchange(
      server.url,
      [full.slice(0, bodyAt), full.slice(bodyAt)],
      1,
      200,
    );
    socket.destroy();
    expect(responses[0].status).toBe(200);
    const tr = (await (
      await fetch(`${server.url}/hpcbench/requests?client_request_id=slow-body`)
    ).json()) as {
      requests: { arrived_ms: number; submitted_ms: number; chunk_written_ms: number[] }[];
    };
    const t = tr.requests[0];
    // the body came 200 ms after the head: the engine got the request that much after it arrived
    expect(t.submitted_ms - t.arrived_ms).toBeGreaterThan(150);
    expect(t.chunk_written_ms[0]).toBeGreaterThanOrEqual(t.submitted_ms);
  });
});
