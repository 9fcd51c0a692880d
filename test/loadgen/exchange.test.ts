/**
 * The HTTP exchange under the protocol clients (undici dispatch): bodies split anywhere, malformed
 * streams, requests cancelled before a connection was free, and the exact request bodies sent.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../src/contracts/index.js';
import { createServiceClient } from '../../src/loadgen/clients/index.js';
import { newRecord, nowMs } from '../../src/loadgen/record.js';
import { countTokens } from '../../src/util/tokenizer.js';
import { capabilitiesOf } from '../helpers/capabilities.js';
import { sendOne, spec } from './client-helpers.js';
import { type StreamServer, sse, startStreamServer } from './stream-server.js';

let srv: StreamServer | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

const MESSAGE = 'überlastet – 服务器忙 🚦';

/** `text` as bytes cut into pieces in the middle of multi-byte characters. */
function splitBytes(text: string): Buffer[] {
  const b = Buffer.from(text);
  const cuts: number[] = [];
  for (let i = 1; i < b.length; i++) if ((b[i] & 0xc0) === 0x80 && (b[i - 1] & 0xc0) !== 0x80) cuts.push(i);
  const out: Buffer[] = [];
  let from = 0;
  for (const c of cuts) {
    out.push(b.subarray(from, c));
    from = c;
  }
  out.push(b.subarray(from));
  return out;
}

describe('response bodies arrive in pieces', () => {
  it('a streamed line cut inside multi-byte characters is decoded whole', async () => {
    const pieces = splitBytes(sse({ error: { message: MESSAGE } }));
    expect(pieces.length).toBeGreaterThan(3);
    srv = await startStreamServer(() => ({ steps: pieces.map((data) => ({ delay: 5, data })) }));
    const r = await sendOne(spec(srv.url));
    expect(r).toMatchObject({ status: 'error', error: 'server_error', error_detail: MESSAGE });
  });

  it('a non-streamed body and an error body cut inside characters are decoded whole', async () => {
    const ok = JSON.stringify({
      choices: [{ text: MESSAGE }],
      usage: { prompt_tokens: 3, completion_tokens: 9 },
    });
    srv = await startStreamServer((path) => ({
      status: path.includes('chat') ? 500 : 200,
      contentType: 'application/json',
      steps: splitBytes(path.includes('chat') ? `{"error":"${MESSAGE}"}` : ok).map((data) => ({
        delay: 5,
        data,
      })),
    }));
    const r = await sendOne(spec(srv.url, { stream: false }));
    expect(r).toMatchObject({ status: 'ok', http_status: 200, output_tokens: 9, tokens_source: 'server' });
    expect(r.output_tokens_client).toBe(countTokens(MESSAGE));
    const e = await sendOne(spec(srv.url, { stream: false, api: 'chat' }));
    expect(e).toMatchObject({ status: 'error', error: 'http_500', error_detail: `{"error":"${MESSAGE}"}` });
  });

  it('a malformed streamed line makes the request a bad_response; the client keeps working', async () => {
    let n = 0;
    srv = await startStreamServer(() =>
      n++ === 0
        ? {
            steps: [
              { delay: 0, data: 'data: {"choices": [\n\n' },
              { delay: 200, data: 'data: [DONE]\n\n' },
            ],
          }
        : { steps: [{ delay: 0, data: sse({ choices: [{ text: 'fine', finish_reason: 'stop' }] }) }] },
    );
    const bad = await sendOne(spec(srv.url));
    expect(bad).toMatchObject({ status: 'error', error: 'bad_response' });
    expect(bad.end).toBeGreaterThanOrEqual(bad.sent);
    const good = await sendOne(spec(srv.url));
    expect(good).toMatchObject({ status: 'ok', output_tokens: 1 });
  });
});

describe('cancellation', () => {
  it('a request cancelled while waiting for a connection is never sent', async () => {
    srv = await startStreamServer(() => ({
      contentType: 'application/json',
      steps: [{ delay: 300, data: JSON.stringify({ choices: [{ text: 'slow' }] }) }],
    }));
    // one user: one connection, so the second request waits for the first
    const client = createServiceClient(spec(srv.url, { stream: false }), capabilitiesOf('vllm'));
    const rec = (id: string): RequestRecord => {
      const r = newRecord({
        id,
        benchmark: 't',
        executor: 'x',
        warmup: false,
        api: client.api,
        stream: false,
        scheduled: nowMs(),
        prompt_tokens_client: 3,
      });
      r.sent = nowMs();
      return r;
    };
    const input = { prompt: 'a b c', maxTokens: 4, promptTokens: 3 };
    const first = rec('x-1');
    const second = rec('x-2');
    const stop = new AbortController();
    const sending = [
      client.send(input, first, new AbortController().signal),
      client.send(input, second, stop.signal),
    ];
    setTimeout(() => stop.abort('stop'), 50);
    await Promise.all(sending);
    await client.close();
    expect(first.status).toBe('ok');
    expect(second.status).toBe('cancelled');
    expect(srv.bodies).toHaveLength(1);
  });

  it('an already aborted signal cancels without sending', async () => {
    srv = await startStreamServer(() => ({ steps: [{ delay: 0, data: 'data: [DONE]\n\n' }] }));
    const stop = new AbortController();
    stop.abort('stop');
    const r = await sendOne(spec(srv.url), { signal: stop.signal });
    expect(r.status).toBe('cancelled');
    expect(srv.bodies).toHaveLength(0);
  });
});

describe('request bodies', () => {
  it('OpenAI and Ollama bodies carry exactly the workload fields', async () => {
    srv = await startStreamServer(() => ({
      contentType: 'application/json',
      steps: [{ delay: 0, data: JSON.stringify({ choices: [{ text: 'x' }] }) }],
    }));
    const prompt = 'say "hi"\n\tand \\ more ✓';
    await sendOne(spec(srv.url, { stream: false, ignore_eos: true, model: 'org/m-1' }), {
      prompt,
      maxTokens: 7,
    });
    await sendOne(spec(srv.url, { api: 'chat', stream: true }), { prompt, maxTokens: 3 });
    expect(srv.bodies[0]).toEqual({
      model: 'org/m-1',
      max_tokens: 7,
      stream: false,
      prompt,
      ignore_eos: true,
    });
    expect(srv.bodies[1]).toEqual({
      model: 'm',
      max_tokens: 3,
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: prompt }],
    });
    await sendOne(spec(srv.url, { service: 'ollama', api: 'chat', stream: false, num_gpu: 20 }), {
      prompt,
      maxTokens: 5,
    });
    await sendOne(spec(srv.url, { service: 'ollama', stream: true }), { prompt, maxTokens: 2 });
    expect(srv.bodies[2]).toEqual({
      model: 'm',
      stream: false,
      options: { num_predict: 5, num_gpu: 20 },
      messages: [{ role: 'user', content: prompt }],
    });
    expect(srv.bodies[3]).toEqual({ model: 'm', stream: true, options: { num_predict: 2 }, prompt });
    expect(srv.headers[0]['content-type']).toBe('application/json');
    expect(srv.headers[0]['x-request-id']).toBe('x-1');
  });
});
