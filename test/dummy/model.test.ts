/**
 * The performance model as a client sees it: TTFT and inter-chunk gaps match the configuration, requests
 * beyond the batch limit queue (and wait), past the queue limit get 503, and latency climbs with the batch.
 * Deliberately slow settings (20-50 ms steps) and generous tolerances: the machine is shared.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type DummyServer, startDummyServer } from '../../src/services/dummy/sim/index.js';
import { gaps, median, timedStream, until } from './helpers.js';

let server: DummyServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('single sequence', () => {
  it('first request: TTFT = load + prefill; gaps = decode step; later requests skip the load', async () => {
    server = await startDummyServer({
      load_ms: 150,
      prefill_base_ms: 10,
      prefill_ms_per_token: 2,
      decode_step_ms: 40,
    });
    const body = { model: 'dummy-model', prompt: 'one two three four five', options: { num_predict: 8 } };
    await fetch(`${server.url}/health`); // warm the client (fetch loads lazily); does not load the model
    const first = await timedStream(`${server.url}/api/generate`, body);
    expect(first.status).toBe(200);
    expect(first.chunks.length).toBe(8);
    const ttft = first.chunks[0] - first.sent;
    expect(ttft).toBeGreaterThanOrEqual(150 + 10 + 10 - 2);
    expect(ttft).toBeLessThan(170 + 500); // generous: the machine is shared
    const g = median(gaps(first.chunks));
    expect(g).toBeGreaterThan(20); // configured 40 ms; generous both ways (shared machine)
    expect(g).toBeLessThan(80);
    const final = JSON.parse(first.body.trim().split('\n').at(-1)!);
    expect(final.load_duration / 1e6).toBeCloseTo(150, 0);
    expect(final.prompt_eval_count).toBe(5);
    const second = await timedStream(`${server.url}/v1/completions`, {
      ...body,
      max_tokens: 4,
      stream: true,
    });
    expect(second.chunks.length).toBe(4);
    expect(second.chunks[0] - second.sent).toBeLessThan(150); // no load delay this time
  });

  it('ground truth: the trace holds modelled and written times of every chunk', async () => {
    server = await startDummyServer({
      load_ms: 0,
      prefill_base_ms: 20,
      prefill_ms_per_token: 0,
      decode_step_ms: 25,
    });
    const res = await fetch(`${server.url}/v1/completions`, {
      method: 'POST',
      headers: { 'x-request-id': 'abc-1' },
      body: JSON.stringify({ model: 'dummy-model', prompt: 'x', max_tokens: 5 }),
    });
    expect(res.status).toBe(200);
    const tr = (await (await fetch(`${server.url}/hpcbench/requests?client_request_id=abc-1`)).json()) as {
      requests: {
        chunk_modelled_ms: number[];
        chunk_written_ms: number[];
        arrived_ms: number;
        state: string;
      }[];
    };
    expect(tr.requests).toHaveLength(1);
    const t = tr.requests[0];
    expect(t.state).toBe('done');
    expect(t.chunk_modelled_ms[0] - t.arrived_ms).toBeCloseTo(20, 1);
    for (const gap of gaps(t.chunk_modelled_ms)) expect(gap).toBeCloseTo(25, 1);
    t.chunk_written_ms.forEach((w, i) => {
      expect(w).toBeGreaterThanOrEqual(t.chunk_modelled_ms[i]);
      expect(w - t.chunk_modelled_ms[i]).toBeLessThan(1000); // sanity only: the machine is shared
    });
  });
});

describe('batching and queueing', () => {
  it('decode step grows with the running batch: latency climbs', async () => {
    server = await startDummyServer({
      load_ms: 0,
      decode_step_ms: 20,
      decode_batch_factor: 2,
      prefill_base_ms: 0,
    });
    const url = server.url;
    const body = { model: 'dummy-model', prompt: 'x', max_tokens: 10, stream: true };
    const alone = await timedStream(`${url}/v1/completions`, body);
    const crowd = await Promise.all(
      Array.from({ length: 5 }, () => timedStream(`${url}/v1/completions`, body)),
    );
    const e2e = (r: { chunks: number[]; sent: number }) => r.chunks.at(-1)! - r.sent;
    // modelled: 9 steps of 20 ms alone; of 20 × (1 + 2 × 4) = 180 ms with 5 running
    expect(median(crowd.map(e2e))).toBeGreaterThan(3 * e2e(alone));
    const tr = (await fetch(`${url}/hpcbench/requests`).then((r) => r.json())) as {
      requests: { chunk_modelled_ms: number[] }[];
    };
    expect(median(gaps(tr.requests[0].chunk_modelled_ms))).toBeCloseTo(20, 3);
    expect(Math.max(...tr.requests.slice(1).flatMap((t) => gaps(t.chunk_modelled_ms)))).toBeCloseTo(180, 3);
  });

  it('beyond max_num_seqs requests queue and wait; beyond max_queue they get 503; then it serves again', async () => {
    server = await startDummyServer({
      load_ms: 0,
      prefill_base_ms: 0,
      decode_step_ms: 50,
      decode_batch_factor: 0,
      max_num_seqs: 2,
      max_queue: 2,
    });
    const url = server.url;
    const body = { model: 'dummy-model', prompt: 'x', options: { num_predict: 20 } };
    const running = [0, 1, 2, 3].map(() => timedStream(`${url}/api/generate`, body));
    await until(url, (running, waiting) => running === 2 && waiting === 2);
    const rejectedOllama = await fetch(`${url}/api/generate`, { method: 'POST', body: JSON.stringify(body) });
    expect(rejectedOllama.status).toBe(503);
    expect(await rejectedOllama.json()).toEqual({ error: expect.stringContaining('server busy') });
    const rejectedOpenAi = await fetch(`${url}/v1/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'dummy-model', prompt: 'x', max_tokens: 2 }),
    });
    expect(rejectedOpenAi.status).toBe(503);
    expect(((await rejectedOpenAi.json()) as { error: { type: string } }).error.type).toBe(
      'ServiceUnavailableError',
    );
    const done = await Promise.all(running);
    const ttfts = done.map((r) => r.chunks[0] - r.sent).sort((a, b) => a - b);
    for (const r of done) expect(r.chunks.length).toBe(20);
    const tr = (await fetch(`${url}/hpcbench/requests`).then((r) => r.json())) as {
      requests: { arrived_ms: number; admitted_ms: number }[];
    };
    const firstAdmitted = Math.min(...tr.requests.map((t) => t.admitted_ms));
    const waits = tr.requests
      .slice(0, 4)
      .map((t) => t.admitted_ms - t.arrived_ms)
      .sort((a, b) => a - b);
    expect(waits[1]).toBeLessThan(1); // admitted on arrival
    const admitted = tr.requests.map((t) => t.admitted_ms - firstAdmitted).sort((a, b) => a - b);
    expect(admitted[2]).toBeGreaterThan(19 * 50 - 1); // queued until a running sequence finished
    expect(ttfts[2]).toBeGreaterThan(19 * 50 - 20); // waited for a running sequence to finish 20 tokens
    const after = await timedStream(`${url}/api/generate`, body);
    expect(after.status).toBe(200);
    expect(after.chunks.length).toBe(20);
  });
});
