import { afterEach, describe, expect, it } from 'vitest';
import { deriveMetrics } from '../../src/metrics/derive.js';
import { sendOne, spec } from './client-helpers.js';
import { type StreamServer, sse, startStreamServer } from './stream-server.js';

let srv: StreamServer | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

const text = (t: string) => ({ choices: [{ index: 0, text: t, finish_reason: null }] });

describe('OpenAI client: streamed completions timed per chunk', () => {
  it('TTFT, ITL, E2E, TPOT follow the chunk times; usage is the server count', async () => {
    srv = await startStreamServer(() => ({
      steps: [
        { delay: 0, data: ': keep-alive comment\n\n' },
        { delay: 80, data: sse({ choices: [{ index: 0, text: '', finish_reason: null }] }) }, // no text: not a token
        { delay: 40, data: sse(text('Hello')) },
        { delay: 60, data: sse(text(' wor')) },
        { delay: 60, data: sse(text('ld again')) },
        { delay: 60, data: sse({ choices: [{ index: 0, text: '!', finish_reason: 'length' }] }) },
        { delay: 5, data: sse({ choices: [], usage: { prompt_tokens: 7, completion_tokens: 5 } }) },
        { delay: 0, data: 'data: [DONE]\n\n' },
      ],
    }));
    const r = await sendOne(spec(srv.url), { maxTokens: 5 });
    expect(r.status).toBe('ok');
    expect(r.http_status).toBe(200);
    expect(r.chunks).toHaveLength(4);
    const m = deriveMetrics(r);
    expect(m.ttft).toBeGreaterThanOrEqual(115);
    expect(m.ttft).toBeLessThan(400);
    const gaps = r.chunks.slice(1).map((t, i) => t - r.chunks[i]);
    for (const g of gaps) {
      expect(g).toBeGreaterThanOrEqual(50);
      expect(g).toBeLessThan(250);
    }
    expect(m.e2e).toBeCloseTo(r.chunks[3] - r.sent, 9);
    expect(r.output_tokens_server).toBe(5);
    expect(r.prompt_tokens_server).toBe(7);
    expect(r.output_tokens).toBe(5);
    expect(r.tokens_source).toBe('server');
    // client estimate: Hello, world, again, ! = 4 tokens ("wor"+"ld" is one word)
    expect(r.output_tokens_client).toBe(4);
    expect(m.tpot).toBeCloseTo((m.e2e - m.ttft!) / 4, 9);
    expect(r.end).toBeGreaterThanOrEqual(r.chunks[3]);
    const body = srv.bodies[0] as Record<string, unknown>;
    expect(body).toMatchObject({ model: 'm', prompt: 'a b c', max_tokens: 5, stream: true });
    expect(body.stream_options).toEqual({ include_usage: true });
    expect(srv.headers[0]['x-request-id']).toBe('x-1');
  });

  it('chat deltas (content and reasoning) count as generated text; client counts used without usage', async () => {
    srv = await startStreamServer(() => ({
      steps: [
        { delay: 10, data: sse({ choices: [{ delta: { role: 'assistant' } }] }) },
        { delay: 10, data: sse({ choices: [{ delta: { reasoning_content: 'think' } }] }) },
        { delay: 10, data: sse({ choices: [{ delta: { content: ' answer' }, finish_reason: 'stop' }] }) },
        { delay: 0, data: 'data: [DONE]\n\n' },
      ],
    }));
    const r = await sendOne(spec(srv.url, { api: 'chat' }));
    expect(r.status).toBe('ok');
    expect(r.chunks).toHaveLength(2);
    expect(r.first_token).toBe(r.chunks[0]);
    expect(r.tokens_source).toBe('client');
    expect(r.output_tokens).toBe(2);
    expect((srv.bodies[0] as { messages: unknown }).messages).toEqual([{ role: 'user', content: 'a b c' }]);
  });

  it('non-streaming: E2E but no TTFT, no chunks', async () => {
    srv = await startStreamServer(() => ({
      contentType: 'application/json',
      steps: [
        {
          delay: 50,
          data: JSON.stringify({
            choices: [{ text: 'one two three' }],
            usage: { prompt_tokens: 3, completion_tokens: 3 },
          }),
        },
      ],
    }));
    const r = await sendOne(spec(srv.url, { stream: false }));
    expect(r.status).toBe('ok');
    expect(r.first_token).toBeUndefined();
    expect(r.chunks).toEqual([]);
    const m = deriveMetrics(r);
    expect(m.ttft).toBeUndefined();
    expect(m.tpot).toBeUndefined();
    expect(m.e2e).toBeGreaterThanOrEqual(45);
    expect(r.output_tokens).toBe(3);
    expect((srv.bodies[0] as Record<string, unknown>).stream_options).toBeUndefined();
  });

  it('failures are data with reasons: HTTP status, error event, cut stream, refused connection', async () => {
    srv = await startStreamServer((path) =>
      path.includes('chat')
        ? { steps: [{ delay: 0, data: sse({ error: { message: 'boom' } }) }] }
        : { status: 503, contentType: 'application/json', steps: [{ delay: 0, data: '{"error":"busy"}' }] },
    );
    const r503 = await sendOne(spec(srv.url));
    expect(r503).toMatchObject({ status: 'error', error: 'http_503', http_status: 503 });
    expect(r503.error_detail).toContain('busy');
    const rErr = await sendOne(spec(srv.url, { api: 'chat' }));
    expect(rErr).toMatchObject({ status: 'error', error: 'server_error', error_detail: 'boom' });
    await srv.close();

    srv = await startStreamServer(() => ({ steps: [{ delay: 0, data: sse(text('x')) }] }));
    const rCut = await sendOne(spec(srv.url));
    expect(rCut).toMatchObject({ status: 'error', error: 'incomplete_stream' });
    const url = srv.url;
    await srv.close();
    srv = undefined;
    const rRefused = await sendOne(spec(url));
    expect(rRefused).toMatchObject({ status: 'error', error: 'ECONNREFUSED' });
  });

  it('abort: stop makes the request cancelled, a timeout makes it an error', async () => {
    srv = await startStreamServer(() => ({ steps: [{ delay: 2000, data: sse(text('late')) }] }));
    const stop = new AbortController();
    setTimeout(() => stop.abort('stop'), 100);
    const rStop = await sendOne(spec(srv.url), { signal: stop.signal });
    expect(rStop.status).toBe('cancelled');
    expect(rStop.error).toBeUndefined();
    const to = new AbortController();
    setTimeout(() => to.abort('timeout'), 100);
    const rTo = await sendOne(spec(srv.url), { signal: to.signal });
    expect(rTo).toMatchObject({ status: 'error', error: 'timeout' });
  });
});
