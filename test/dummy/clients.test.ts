/** The official `ollama` and `openai` npm clients, unchanged, against the simulated service. */
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DummyServer, startDummyServer } from '../../src/services/dummy/sim/index.js';
import { countTokens } from '../../src/util/tokenizer.js';

let server: DummyServer;
let ollama: Ollama;
let openai: OpenAI;

beforeAll(async () => {
  server = await startDummyServer({ load_ms: 20, decode_step_ms: 2, prefill_base_ms: 1, output_tokens: 12 });
  ollama = new Ollama({ host: server.url });
  openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'none', maxRetries: 0 });
});
afterAll(() => server.close());

describe('ollama client', () => {
  it('version, list, show, ps', async () => {
    expect((await ollama.version()).version).toMatch(/^\d+\.\d+\.\d+$/);
    const list = await ollama.list();
    expect(list.models.map((m) => m.name)).toContain('dummy-model:latest');
    expect(list.models[0].size).toBeGreaterThan(0);
    expect(list.models[0].digest).toMatch(/^[0-9a-f]{64}$/);
    expect(list.models[0].details.family).toBe('llama');
    const show = await ollama.show({ model: 'dummy-model' });
    expect(show.details.format).toBe('gguf');
    await ollama.generate({ model: 'dummy-model', prompt: 'warm up', options: { num_predict: 1 } });
    const ps = await ollama.ps();
    expect(ps.models.map((m) => m.name)).toContain('dummy-model:latest');
  });

  it('generate, streaming and not, honours num_predict and reports durations in ns', async () => {
    const whole = await ollama.generate({
      model: 'dummy-model',
      prompt: 'Hello, world!',
      options: { num_predict: 5 },
    });
    expect(countTokens(whole.response ?? '')).toBe(5);
    expect(whole.done).toBe(true);
    expect(whole.done_reason).toBe('length');
    expect(whole.prompt_eval_count).toBe(4);
    expect(whole.eval_count).toBe(5);
    expect(whole.total_duration).toBeGreaterThan(whole.eval_duration);
    expect(whole.eval_duration).toBeGreaterThan(4 * 1e6); // 4 gaps of >= 2 ms, in ns
    const parts: string[] = [];
    let last: { done: boolean; eval_count: number } | undefined;
    for await (const part of await ollama.generate({ model: 'dummy-model', prompt: 'hi', stream: true })) {
      if (!part.done) parts.push(part.response ?? '');
      else last = part;
    }
    expect(parts.length).toBe(12); // configured output_tokens without num_predict
    expect(last?.eval_count).toBe(12);
    expect(countTokens(parts.join(''))).toBe(12);
  });

  it('chat, streaming and not', async () => {
    const messages = [{ role: 'user', content: 'Say something.' }];
    const r = await ollama.chat({ model: 'dummy-model', messages, options: { num_predict: 3 } });
    expect(r.message.role).toBe('assistant');
    expect(countTokens(r.message.content)).toBe(3);
    expect(r.prompt_eval_count).toBe(3);
    let n = 0;
    for await (const part of await ollama.chat({
      model: 'dummy-model',
      messages,
      stream: true,
      options: { num_predict: 4 },
    })) {
      if (!part.done) n += countTokens(part.message.content);
      else expect(part.eval_count).toBe(4);
    }
    expect(n).toBe(4);
  });

  it('pull streams progress, then the model is listed and usable', async () => {
    const statuses: string[] = [];
    let completed = 0;
    let total = 0;
    for await (const p of await ollama.pull({ model: 'llama3.2:1b', stream: true })) {
      statuses.push(p.status);
      if (p.total) {
        total = p.total;
        expect(p.completed).toBeGreaterThanOrEqual(completed);
        completed = p.completed;
        expect(p.digest).toMatch(/^sha256:/);
      }
    }
    expect(statuses[0]).toBe('pulling manifest');
    expect(statuses.at(-1)).toBe('success');
    expect(completed).toBe(total);
    expect((await ollama.list()).models.map((m) => m.name)).toContain('llama3.2:1b');
    const r = await ollama.generate({ model: 'llama3.2:1b', prompt: 'x', options: { num_predict: 2 } });
    expect(r.eval_count).toBe(2);
    expect((await ollama.pull({ model: 'other' })).status).toBe('success');
  });

  it('unknown model: 404 with an Ollama error body', async () => {
    await expect(ollama.generate({ model: 'nope', prompt: 'x' })).rejects.toMatchObject({
      status_code: 404,
      error: expect.stringContaining('nope'),
    });
  });
});

describe('openai client', () => {
  it('models.list', async () => {
    const ids: string[] = [];
    for await (const m of openai.models.list()) ids.push(m.id);
    expect(ids).toContain('dummy-model');
  });

  it('completions, streaming and not, with usage', async () => {
    const c = await openai.completions.create({
      model: 'dummy-model',
      prompt: 'one two three',
      max_tokens: 6,
    });
    expect(c.object).toBe('text_completion');
    expect(countTokens(c.choices[0].text)).toBe(6);
    expect(c.choices[0].finish_reason).toBe('length');
    expect(c.usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 6, total_tokens: 9 });
    const stream = await openai.completions.create({
      model: 'dummy-model',
      prompt: 'one two',
      max_tokens: 5,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      if (chunk.choices.length) text += chunk.choices[0].text;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(countTokens(text)).toBe(5);
    expect(usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 5 });
  });

  it('chat completions, streaming and not', async () => {
    const messages = [{ role: 'user' as const, content: 'Hello there' }];
    const c = await openai.chat.completions.create({ model: 'dummy-model', messages, max_tokens: 4 });
    expect(c.choices[0].message.role).toBe('assistant');
    expect(countTokens(c.choices[0].message.content ?? '')).toBe(4);
    expect(c.usage?.prompt_tokens).toBe(2);
    const stream = await openai.chat.completions.create({
      model: 'dummy-model',
      messages,
      max_completion_tokens: 7,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      for (const ch of chunk.choices) {
        text += ch.delta.content ?? '';
        finish = ch.finish_reason ?? finish;
      }
      if (chunk.usage) usage = chunk.usage;
    }
    expect(countTokens(text)).toBe(7);
    expect(finish).toBe('length');
    expect(usage?.completion_tokens).toBe(7);
  });

  it('unknown model: NotFoundError with the OpenAI error shape', async () => {
    const err = await openai.completions.create({ model: 'nope', prompt: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect((err as InstanceType<typeof OpenAI.NotFoundError>).error).toMatchObject({
      message: expect.stringContaining('nope'),
      type: 'NotFoundError',
    });
  });
});
