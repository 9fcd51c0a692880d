/** vLLM-named Prometheus metrics, and a client that goes away mid-stream frees its slot for the queue. */
import { afterEach, describe, expect, it } from 'vitest';
import { type DummyServer, startDummyServer } from '../../src/services/dummy/sim/index.js';
import { timedStream, until } from './helpers.js';

let server: DummyServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function sample(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(name));
  if (!line) throw new Error(`${name} missing`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('/metrics', () => {
  it('counts tokens and requests, gauges the batch and the queue, fills the histograms', async () => {
    server = await startDummyServer({ load_ms: 0, decode_step_ms: 50, max_num_seqs: 1, max_queue: 4 });
    const url = server.url;
    const body = { model: 'dummy-model', prompt: 'a b c', max_tokens: 20, stream: true };
    const inflight = [1, 2, 3].map(() => timedStream(`${url}/v1/completions`, body));
    await until(url, (running, waiting) => running === 1 && waiting === 2);
    const during = await fetch(`${url}/metrics`).then((r) => r.text());
    expect(sample(during, 'vllm:num_requests_running{')).toBe(1);
    expect(sample(during, 'vllm:num_requests_waiting{')).toBe(2);
    expect(sample(during, 'vllm:kv_cache_usage_perc{')).toBeGreaterThan(0);
    await Promise.all(inflight);
    const after = await fetch(`${url}/metrics`).then((r) => r.text());
    expect(sample(after, 'vllm:prompt_tokens_total{')).toBe(9);
    expect(sample(after, 'vllm:generation_tokens_total{')).toBe(60);
    expect(
      sample(after, 'vllm:request_success_total{model_name="dummy-model",finished_reason="length"}'),
    ).toBe(3);
    expect(sample(after, 'vllm:time_to_first_token_seconds_count{')).toBe(3);
    expect(sample(after, 'vllm:e2e_request_latency_seconds_count{')).toBe(3);
    expect(sample(after, 'vllm:e2e_request_latency_seconds_sum{')).toBeGreaterThan(3 * 0.95);
    expect(after).toContain('# TYPE vllm:time_to_first_token_seconds histogram');
    expect(sample(after, 'vllm:num_requests_running{')).toBe(0);
  });
});

describe('client disconnects', () => {
  it('an aborted stream is cancelled on the server and the queued request gets its slot', async () => {
    server = await startDummyServer({ load_ms: 0, decode_step_ms: 40, max_num_seqs: 1 });
    const url = server.url;
    const ctl = new AbortController();
    const res = await fetch(`${url}/api/generate`, {
      method: 'POST',
      body: JSON.stringify({ model: 'dummy-model', prompt: 'x', options: { num_predict: 100 } }),
      signal: ctl.signal,
    });
    const reader = res.body!.getReader();
    await reader.read();
    const queued = timedStream(`${url}/api/generate`, {
      model: 'dummy-model',
      prompt: 'x',
      options: { num_predict: 3 },
    });
    await new Promise((r) => setTimeout(r, 100));
    ctl.abort();
    const r = await queued;
    expect(r.chunks.length).toBe(3);
    expect(r.chunks[0] - r.sent).toBeLessThan(100 + 40 * 20); // not after the 100-token request
    const traces = (await fetch(`${url}/hpcbench/requests`).then((x) => x.json())) as {
      requests: { state: string; output_tokens: number }[];
    };
    const cancelled = traces.requests.find((t) => t.state === 'cancelled');
    expect(cancelled?.output_tokens).toBeLessThan(100);
  });
});
