/** The simulator's prefix cache: cached prompt tokens are not prefilled; vLLM's counters report them. */
import { afterEach, describe, expect, it } from 'vitest';
import { type DummyServer, startDummyServer } from '../../src/services/dummy/sim/index.js';
import { generateText } from '../../src/util/tokenizer.js';

let server: DummyServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const counter = (text: string, name: string): number =>
  Number(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1]);

async function complete(url: string, prompt: string): Promise<void> {
  const r = await fetch(`${url}/v1/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'dummy-model', prompt, max_tokens: 2 }),
  });
  expect(r.status).toBe(200);
  await r.text();
}

interface Trace {
  prompt_tokens: number;
  cached_prompt_tokens: number;
  prefill_ms: number;
}

describe('simulated prefix cache', () => {
  it('a repeated prefix is found in full blocks, prefilled only past them, and counted as vLLM does', async () => {
    server = await startDummyServer({
      load_ms: 0,
      decode_step_ms: 1,
      prefill_ms_per_token: 0.1,
      block_size: 16,
    });
    const url = server.url;
    const prefix = generateText(100, 5); // 6 full blocks of 16 = 96 tokens
    await complete(url, `${prefix} first question here`);
    await complete(url, `${prefix} another one`);
    await complete(url, 'unrelated words only');
    const m = await fetch(`${url}/metrics`).then((r) => r.text());
    expect(counter(m, 'vllm:prefix_cache_queries_total')).toBe(103 + 102 + 3);
    expect(counter(m, 'vllm:prefix_cache_hits_total')).toBe(96);
    const traces = ((await fetch(`${url}/hpcbench/requests`).then((r) => r.json())) as { requests: Trace[] })
      .requests;
    expect(traces.map((t) => t.cached_prompt_tokens)).toEqual([0, 96, 0]);
    // prefill = base + per token × (prompt − cached)
    expect(traces[1].prefill_ms).toBeCloseTo(2 + 0.1 * (102 - 96), 6);
    expect(traces[0].prefill_ms).toBeCloseTo(2 + 0.1 * 103, 6);
  });

  it('the same prompt twice: all but its last token cached; off with prefix_caching: false', async () => {
    server = await startDummyServer({ load_ms: 0, decode_step_ms: 1, block_size: 4 });
    const p = generateText(8, 1);
    await complete(server.url, p);
    await complete(server.url, p);
    let m = await fetch(`${server.url}/metrics`).then((r) => r.text());
    expect(counter(m, 'vllm:prefix_cache_hits_total')).toBe(7);
    await server.close();
    server = await startDummyServer({ load_ms: 0, decode_step_ms: 1, prefix_caching: false });
    await complete(server.url, p);
    await complete(server.url, p);
    m = await fetch(`${server.url}/metrics`).then((r) => r.text());
    expect(counter(m, 'vllm:prefix_cache_hits_total')).toBe(0);
  });

  it('chat messages are one token sequence: a shared system message is a shared prefix', async () => {
    server = await startDummyServer({ load_ms: 0, decode_step_ms: 1, block_size: 16 });
    const system = generateText(64, 9);
    for (const q of ['what is one', 'and two']) {
      const r = await fetch(`${server.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'dummy-model',
          max_tokens: 2,
          messages: [
            { role: 'system', content: system },
            { role: 'user', content: q },
          ],
        }),
      });
      await r.text();
    }
    const m = await fetch(`${server.url}/metrics`).then((r) => r.text());
    expect(counter(m, 'vllm:prefix_cache_hits_total')).toBe(64);
  });
});
