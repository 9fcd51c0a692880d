/** Bad input gets the error status and body of the protocol spoken, and the server keeps serving. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DummyServer, startDummyServer } from '../../src/services/dummy/sim/index.js';

let server: DummyServer;
beforeAll(async () => {
  server = await startDummyServer({ load_ms: 0, decode_step_ms: 1, max_model_len: 100 });
});
afterAll(() => server.close());

async function call(method: string, path: string, body?: string) {
  const r = await fetch(`${server.url}${path}`, { method, body });
  const text = await r.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: r.status, json };
}

const ollamaShape = { error: expect.any(String) };
const openaiShape = {
  error: expect.objectContaining({
    message: expect.any(String),
    type: expect.any(String),
    code: expect.any(Number),
  }),
};

describe('Ollama side', () => {
  it.each([
    ['malformed JSON', '/api/generate', '{"model":', 400],
    ['non-object body', '/api/chat', '[1,2]', 400],
    ['missing model', '/api/generate', '{"prompt":"x"}', 400],
    ['prompt of wrong type', '/api/generate', '{"model":"dummy-model","prompt":5}', 400],
    [
      'num_predict of wrong type',
      '/api/generate',
      '{"model":"dummy-model","prompt":"x","options":{"num_predict":"many"}}',
      400,
    ],
    ['messages not an array', '/api/chat', '{"model":"dummy-model","messages":"hi"}', 400],
    ['unknown model', '/api/generate', '{"model":"nope","prompt":"x"}', 404],
    ['show unknown model', '/api/show', '{"model":"nope"}', 404],
  ])('%s', async (_name, path, body, status) => {
    const r = await call('POST', path, body);
    expect(r.status).toBe(status);
    expect(r.json).toEqual(ollamaShape);
  });

  it('unknown route and wrong method', async () => {
    expect(await call('GET', '/api/nothing')).toEqual({ status: 404, json: ollamaShape });
    expect(await call('GET', '/api/generate')).toEqual({ status: 405, json: ollamaShape });
  });
});

describe('OpenAI side', () => {
  it.each([
    ['malformed JSON', '/v1/completions', '{nope', 400],
    ['prompt of wrong type', '/v1/completions', '{"model":"dummy-model","prompt":{"a":1}}', 400],
    [
      'max_tokens of wrong type',
      '/v1/completions',
      '{"model":"dummy-model","prompt":"x","max_tokens":"lots"}',
      400,
    ],
    ['max_tokens zero', '/v1/completions', '{"model":"dummy-model","prompt":"x","max_tokens":0}', 400],
    [
      'stream not boolean',
      '/v1/chat/completions',
      '{"model":"dummy-model","messages":[{"role":"user","content":"x"}],"stream":"yes"}',
      400,
    ],
    ['empty messages', '/v1/chat/completions', '{"model":"dummy-model","messages":[]}', 400],
    [
      'beyond the context length',
      '/v1/completions',
      '{"model":"dummy-model","prompt":"x","max_tokens":500}',
      400,
    ],
    [
      'unknown model',
      '/v1/chat/completions',
      '{"model":"nope","messages":[{"role":"user","content":"x"}]}',
      404,
    ],
  ])('%s', async (_name, path, body, status) => {
    const r = await call('POST', path, body);
    expect(r.status).toBe(status);
    expect(r.json).toEqual(openaiShape);
  });

  it('unknown route and wrong method', async () => {
    expect(await call('GET', '/v1/embeddings')).toEqual({ status: 404, json: openaiShape });
    expect(await call('POST', '/v1/models', '{}')).toEqual({ status: 405, json: openaiShape });
  });

  it('health and version', async () => {
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    expect((await call('GET', '/version')).json).toEqual({ version: expect.any(String) });
  });
});

it('a garbage request line does not take the server down; it keeps serving', async () => {
  const { connect } = await import('node:net');
  const port = server.port;
  await new Promise<void>((resolve) => {
    const s = connect(port, '127.0.0.1', () => s.write('NOT HTTP AT ALL\r\n\r\n'));
    s.on('data', () => s.destroy());
    s.on('close', () => resolve());
  });
  const r = await call('POST', '/v1/completions', '{"model":"dummy-model","prompt":"x","max_tokens":2}');
  expect(r.status).toBe(200);
  const o = await call(
    'POST',
    '/api/generate',
    '{"model":"dummy-model","prompt":"x","stream":false,"options":{"num_predict":2}}',
  );
  expect(o.json).toMatchObject({ done: true, eval_count: 2 });
});
