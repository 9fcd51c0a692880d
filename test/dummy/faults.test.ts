/** Fault knobs appear at their configured rates (seeded, so runs repeat) and the server keeps serving. */
import { afterEach, describe, expect, it } from 'vitest';
import { type DummyServer, startDummyServer } from '../../src/services/dummy/sim/index.js';
import { gaps, timedStream } from './helpers.js';

const fast = { load_ms: 0, prefill_base_ms: 0, prefill_ms_per_token: 0, decode_step_ms: 1 };
let servers: DummyServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});
async function start(opts: Parameters<typeof startDummyServer>[0]): Promise<DummyServer> {
  const s = await startDummyServer(opts);
  servers.push(s);
  return s;
}

async function statuses(url: string, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = await fetch(`${url}/v1/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'dummy-model', prompt: 'x', max_tokens: 1 }),
    });
    await r.arrayBuffer();
    out.push(r.status);
  }
  return out;
}

describe('faults', () => {
  it('error_rate: HTTP 500 at the configured rate, same seed same pattern', async () => {
    const a = await start({ ...fast, error_rate: 0.25, seed: 7 });
    const b = await start({ ...fast, error_rate: 0.25, seed: 7 });
    const c = await start({ ...fast, error_rate: 0.25, seed: 8 });
    const sa = await statuses(a.url, 400);
    const failed = sa.filter((s) => s === 500).length;
    expect(failed).toBeGreaterThan(65); // 100 expected; binomial sd ~8.7
    expect(failed).toBeLessThan(135);
    expect(sa.every((s) => s === 200 || s === 500)).toBe(true);
    expect(await statuses(b.url, 60)).toEqual(sa.slice(0, 60));
    expect(await statuses(c.url, 60)).not.toEqual(sa.slice(0, 60));
    const body = await fetch(`${a.url}/metrics`).then((r) => r.text());
    expect(body).toContain(`hpcbench_sim_faults_total{model_name="dummy-model",kind="error_500"} ${failed}`);
  });

  it('disconnect_rate: streams cut mid-way at the configured rate', async () => {
    const s = await start({ ...fast, decode_step_ms: 5, disconnect_rate: 0.5, seed: 3 });
    const results = [];
    for (let i = 0; i < 80; i++) {
      results.push(
        await timedStream(`${s.url}/v1/completions`, {
          model: 'dummy-model',
          prompt: 'x',
          max_tokens: 6,
          stream: true,
        }),
      );
    }
    const cut = results.filter((r) => r.error !== undefined || !r.body.includes('[DONE]'));
    expect(cut.length).toBeGreaterThan(22); // 40 expected; sd ~4.5
    expect(cut.length).toBeLessThan(58);
    for (const r of cut) {
      expect(r.chunks.length).toBeGreaterThanOrEqual(1);
      expect(r.chunks.length).toBeLessThan(6);
    }
    const ok = await timedStream(`${s.url}/api/generate`, {
      model: 'dummy-model',
      prompt: 'x',
      stream: false,
    });
    expect(ok.status).toBe(200);
  });

  it('stall_rate: one gap stretched by stall_ms', async () => {
    const s = await start({ ...fast, decode_step_ms: 20, stall_rate: 1, stall_ms: 150 });
    const r = await timedStream(`${s.url}/api/chat`, {
      model: 'dummy-model',
      messages: [{ role: 'user', content: 'hi' }],
      options: { num_predict: 6 },
    });
    expect(r.chunks.length).toBe(6);
    const g = gaps(r.chunks).sort((x, y) => y - x);
    expect(g[0]).toBeGreaterThan(140);
    expect(g[1]).toBeLessThan(100);
    const tr = (await fetch(`${s.url}/hpcbench/requests`).then((x) => x.json())) as {
      requests: { stall_at_token: number }[];
    };
    expect(tr.requests[0].stall_at_token).toBeGreaterThanOrEqual(1);
  });
});
