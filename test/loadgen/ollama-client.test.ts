import { afterEach, describe, expect, it } from 'vitest';
import { ConfigValidationError } from '../../src/errors.js';
import { createServiceClient } from '../../src/loadgen/clients/index.js';
import { deriveMetrics } from '../../src/metrics/derive.js';
import { planFromRecipe } from '../../src/orchestrator/index.js';
import { countTokens } from '../../src/util/tokenizer.js';
import { capabilitiesOf } from '../helpers/capabilities.js';
import { sendOne, spec } from './client-helpers.js';
import { ndjson, type StreamServer, startStreamServer } from './stream-server.js';

let srv: StreamServer | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

const final = {
  done: true,
  response: '',
  prompt_eval_count: 11,
  eval_count: 3,
  total_duration: 250_000_000,
  load_duration: 1_000_000,
  prompt_eval_duration: 20_000_000,
  eval_duration: 150_000_000,
};

describe('Ollama client: NDJSON', () => {
  it('/api/generate: chunks timed, server counts and nanosecond durations kept', async () => {
    srv = await startStreamServer(() => ({
      contentType: 'application/x-ndjson',
      steps: [
        { delay: 60, data: ndjson({ response: 'The', done: false }) },
        // two objects in one write, the second split across writes
        { delay: 50, data: `${ndjson({ response: ' cat', done: false })}{"respon` },
        { delay: 50, data: `se":" sat","done":false}\n` },
        { delay: 5, data: ndjson(final) },
      ],
    }));
    const r = await sendOne(spec(srv.url, { service: 'ollama' }), { maxTokens: 3 });
    expect(r.status).toBe('ok');
    expect(r.api).toBe('generate');
    expect(r.chunks).toHaveLength(3);
    const m = deriveMetrics(r);
    expect(m.ttft).toBeGreaterThanOrEqual(55);
    expect(r.chunks[2] - r.chunks[1]).toBeGreaterThanOrEqual(40);
    expect(r).toMatchObject({ prompt_tokens_server: 11, output_tokens_server: 3, output_tokens_client: 3 });
    expect(r).toMatchObject({ prompt_tokens: 11, output_tokens: 3, tokens_source: 'server' });
    expect(r.server_figures).toEqual({
      prompt_eval_count: 11,
      eval_count: 3,
      total_duration_ns: 250_000_000,
      load_duration_ns: 1_000_000,
      prompt_eval_duration_ns: 20_000_000,
      eval_duration_ns: 150_000_000,
    });
    expect(srv.bodies[0]).toEqual({ model: 'm', prompt: 'a b c', stream: true, options: { num_predict: 3 } });
  });

  it('/api/chat streamed and non-streamed', async () => {
    srv = await startStreamServer((path) =>
      path === '/api/chat'
        ? {
            contentType: 'application/x-ndjson',
            steps: [
              { delay: 10, data: ndjson({ message: { role: 'assistant', content: 'hi' }, done: false }) },
              { delay: 10, data: ndjson({ ...final, message: { role: 'assistant', content: '' } }) },
            ],
          }
        : { status: 404, steps: [] },
    );
    const r = await sendOne(spec(srv.url, { service: 'ollama', api: 'chat' }));
    expect(r.status).toBe('ok');
    expect(r.chunks).toHaveLength(1);
    await srv.close();
    srv = await startStreamServer(() => ({
      contentType: 'application/json',
      steps: [{ delay: 30, data: JSON.stringify({ ...final, message: { content: 'a b c' } }) }],
    }));
    const n = await sendOne(spec(srv.url, { service: 'ollama', api: 'chat', stream: false }));
    expect(n.status).toBe('ok');
    expect(n.first_token).toBeUndefined();
    expect(n.output_tokens).toBe(3);
    expect(n.server_figures?.eval_duration_ns).toBe(150_000_000);
  });

  it('a count the server left out is the client estimate; tokens_source says mixed, or client for none', async () => {
    // Ollama leaves out prompt_eval_count when the prompt was cached
    const { prompt_eval_count: _p, ...cachedPrompt } = final;
    const finals = [
      { ...cachedPrompt, eval_count: 7 },
      { ...final, eval_count: undefined },
      { ...cachedPrompt, eval_count: undefined },
    ];
    let n = 0;
    srv = await startStreamServer(() => ({
      contentType: 'application/x-ndjson',
      steps: [
        { delay: 1, data: ndjson({ response: 'The cat sat on', done: false }) },
        { delay: 1, data: ndjson(finals[n++]) },
      ],
    }));
    const s = spec(srv.url, { service: 'ollama' });
    // the client estimates: prompt 3 ('a b c'), output 4
    const onlyOutput = await sendOne(s);
    expect(onlyOutput).toMatchObject({ status: 'ok', output_tokens_client: 4, output_tokens_server: 7 });
    expect(onlyOutput.prompt_tokens_server).toBeUndefined();
    expect(onlyOutput).toMatchObject({ prompt_tokens: 3, output_tokens: 7, tokens_source: 'mixed' });
    const onlyPrompt = await sendOne(s);
    expect(onlyPrompt.output_tokens_server).toBeUndefined();
    expect(onlyPrompt).toMatchObject({ prompt_tokens_server: 11, prompt_tokens: 11, output_tokens: 4 });
    expect(onlyPrompt.tokens_source).toBe('mixed');
    const neither = await sendOne(s);
    expect(neither.prompt_tokens_server).toBeUndefined();
    expect(neither.output_tokens_server).toBeUndefined();
    expect(neither).toMatchObject({
      status: 'ok',
      prompt_tokens: 3,
      output_tokens: 4,
      tokens_source: 'client',
    });
  });

  it('thinking text is generated text: a chunk of its own, timed and counted (generate and chat)', async () => {
    srv = await startStreamServer((path) => ({
      contentType: 'application/x-ndjson',
      steps:
        path === '/api/chat'
          ? [
              {
                delay: 1,
                data: ndjson({
                  message: { role: 'assistant', content: '', thinking: 'let me' },
                  done: false,
                }),
              },
              { delay: 30, data: ndjson({ message: { role: 'assistant', content: 'yes' }, done: false }) },
              { delay: 1, data: ndjson({ ...final, message: { role: 'assistant', content: '' } }) },
            ]
          : [
              { delay: 1, data: ndjson({ response: '', thinking: 'hmm so', done: false }) },
              { delay: 30, data: ndjson({ response: '', thinking: ' then', done: false }) },
              { delay: 1, data: ndjson({ response: 'Hi', done: false }) },
              { delay: 1, data: ndjson(final) },
            ],
    }));
    const g = await sendOne(spec(srv.url, { service: 'ollama' }));
    expect(g.status).toBe('ok');
    // two thinking-only objects and one response object: three chunks, the first one is the first token
    expect(g.chunks).toHaveLength(3);
    expect(g.first_token).toBe(g.chunks[0]);
    expect(g.chunks[1] - g.chunks[0]).toBeGreaterThanOrEqual(20);
    // the estimate counts the thinking text too: that of the whole text the chunks carry
    expect(g.output_tokens_client).toBe(countTokens('hmm so thenHi'));
    expect(g.output_tokens_client).toBeGreaterThan(countTokens('Hi'));
    const c = await sendOne(spec(srv.url, { service: 'ollama', api: 'chat' }));
    expect(c.status).toBe('ok');
    expect(c.chunks).toHaveLength(2);
    expect(c.output_tokens_client).toBe(countTokens('let meyes'));
    expect(c.output_tokens_client).toBeGreaterThan(countTokens('yes'));
  });

  it('/api/generate non-streamed: one JSON body, no chunks, the response time as last_token', async () => {
    srv = await startStreamServer(() => ({
      contentType: 'application/json',
      steps: [{ delay: 30, data: JSON.stringify({ ...final, response: 'one two three', eval_count: 5 }) }],
    }));
    const r = await sendOne(spec(srv.url, { service: 'ollama', stream: false }), { maxTokens: 5 });
    expect(r).toMatchObject({ status: 'ok', api: 'generate', stream: false, chunks: [] });
    expect(r.first_token).toBeUndefined();
    expect(r.last_token).toBeGreaterThanOrEqual(r.sent + 25);
    expect(r.end).toBeGreaterThanOrEqual(r.last_token!);
    expect(r).toMatchObject({ output_tokens_client: 3, output_tokens_server: 5, output_tokens: 5 });
    expect(r).toMatchObject({ prompt_tokens: 11, tokens_source: 'server' });
    expect(r.server_figures?.total_duration_ns).toBe(250_000_000);
    expect(deriveMetrics(r).e2e).toBe(r.last_token! - r.sent);
    expect(srv.bodies[0]).toEqual({
      model: 'm',
      prompt: 'a b c',
      stream: false,
      options: { num_predict: 5 },
    });
  });

  it('error objects and streams without done are failures', async () => {
    srv = await startStreamServer((path) =>
      path === '/api/chat'
        ? { steps: [{ delay: 0, data: ndjson({ error: 'model not found' }) }] }
        : { steps: [{ delay: 0, data: ndjson({ response: 'x', done: false }) }] },
    );
    expect(await sendOne(spec(srv.url, { service: 'ollama', api: 'chat' }))).toMatchObject({
      status: 'error',
      error: 'server_error',
      error_detail: 'model not found',
    });
    expect(await sendOne(spec(srv.url, { service: 'ollama' }))).toMatchObject({
      status: 'error',
      error: 'incomplete_stream',
    });
  });

  it('which client each service gets; impossible api choices are E006', () => {
    const pick = (service: string, api?: 'completions' | 'chat' | 'generate') =>
      createServiceClient(spec('http://127.0.0.1:9', { service, api }), capabilitiesOf(service));
    expect(pick('ollama')).toMatchObject({ api: 'generate', stream: true });
    expect(pick('vllm').api).toBe('completions');
    expect(pick('llamacpp', 'chat').api).toBe('chat');
    expect(pick('dummy').protocol.name).toBe('openai');
    expect(pick('dummy', 'generate').protocol.name).toBe('ollama');
    expect(() => pick('ollama', 'completions')).toThrow(ConfigValidationError);
    expect(() => pick('vllm', 'generate')).toThrow(/workload.api/);
  });
});

describe('Ollama gpu_layers → options.num_gpu', () => {
  it('the plan carries servers.service_config.gpu_layers as num_gpu and the client sends it', async () => {
    const plan = await planFromRecipe({
      recipe: {
        scenario: 'o',
        workload: { service: 'ollama', model: 'llama3', duration: 5 },
        servers: { service_config: { gpu_layers: 20 } },
      },
    });
    expect(plan.benchmarks[0].spec.num_gpu).toBe(20);
    const without = await planFromRecipe({
      recipe: { scenario: 'o', workload: { service: 'ollama', model: 'llama3', duration: 5 } },
    });
    expect(without.benchmarks[0].spec.num_gpu).toBeUndefined();

    srv = await startStreamServer(() => ({
      contentType: 'application/x-ndjson',
      steps: [{ delay: 1, data: ndjson(final) }],
    }));
    await sendOne(spec(srv.url, { service: 'ollama', num_gpu: 20 }), { maxTokens: 3 });
    await sendOne(spec(srv.url, { service: 'ollama' }), { maxTokens: 3 });
    expect(srv.bodies[0]).toMatchObject({ options: { num_predict: 3, num_gpu: 20 } });
    expect(srv.bodies[1]).toEqual({ model: 'm', prompt: 'a b c', stream: true, options: { num_predict: 3 } });
  });
});
