/**
 * The simulator's non-streamed OpenAI answers, as the load generator's non-streaming benchmarks receive
 * them: the exact JSON shape and headers (written as one string with its headers, see OpenAiSink.whole).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DummyServer, startDummyServer } from '../../src/services/dummy/sim/index.js';

let sim: DummyServer;
beforeAll(async () => {
  sim = await startDummyServer({ load_ms: 0, decode_step_ms: 1, seed: 5 });
});
afterAll(() => sim.close());

async function post(path: string, body: unknown) {
  const res = await fetch(`${sim.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': 'n1-42' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { res, text, json: JSON.parse(text) as Record<string, unknown> };
}

describe('simulator: non-streamed OpenAI answers', () => {
  it('completions: one JSON object with text, finish reason and usage; its headers', async () => {
    const { res, text, json } = await post('/v1/completions', {
      model: 'dummy-model',
      prompt: 'one two three',
      max_tokens: 3,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    expect(res.headers.get('x-request-id')).toBe(json.id);
    expect(res.headers.get('x-hpcbench-request-id')).toMatch(/^\d+$/);
    expect(json).toEqual({
      id: expect.stringMatching(/^cmpl-\d+$/),
      object: 'text_completion',
      created: expect.any(Number),
      model: 'dummy-model',
      choices: [
        { index: 0, text: expect.any(String), logprobs: null, finish_reason: 'length', stop_reason: null },
      ],
      usage: { prompt_tokens: 3, total_tokens: 6, completion_tokens: 3 },
    });
    const trace = sim.engine.recentTraces().find((s) => s.clientId === 'n1-42');
    expect(String(trace?.id)).toBe(res.headers.get('x-hpcbench-request-id'));
  });

  it('chat: the message holds the whole text, with usage', async () => {
    const { res, json } = await post('/v1/chat/completions', {
      model: 'dummy-model',
      messages: [{ role: 'user', content: 'hi there' }],
      max_tokens: 4,
    });
    expect(res.status).toBe(200);
    expect(json).toEqual({
      id: expect.stringMatching(/^chatcmpl-\d+$/),
      object: 'chat.completion',
      created: expect.any(Number),
      model: 'dummy-model',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: expect.any(String) },
          logprobs: null,
          finish_reason: 'length',
        },
      ],
      usage: { prompt_tokens: 2, total_tokens: 6, completion_tokens: 4 },
    });
  });
});
