/**
 * The executor's REST API through Hono's app.request (no executor socket), running the real load generator
 * against the real simulated service.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BaseWorkloadExecutor } from '../../src/executor/base-workload-executor.js';
import { parseWorkloadSpec } from '../../src/executor/spec-schema.js';
import { type DummyServer, startDummyServer } from '../../src/services/dummy/sim/index.js';
import { ServiceFactory } from '../../src/services/factory.js';

// biome-ignore lint/suspicious/noExplicitAny: JSON answers are checked field by field
const j = async (r: Response | Promise<Response>): Promise<any> => (await r).json();

let sim: DummyServer;
let seedBody: Record<string, unknown>;
beforeAll(async () => {
  sim = await startDummyServer({ load_ms: 0, decode_step_ms: 2 });
  seedBody = {
    server_url: sim.url,
    model: 'dummy-model',
    duration: 30,
    clients_per_node: 3,
    warmup: 0,
    max_tokens: 4,
  };
});
afterAll(async () => {
  await sim.close();
});

/** Polls until `check` holds (state, not a fixed sleep); fails after 20 s. */
async function until(check: () => Promise<boolean> | boolean): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not reached in 20 s');
}

function post(
  app: BaseWorkloadExecutor['app'],
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return app.request(path, {
    method: 'POST',
    body: text,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

describe('BaseWorkloadExecutor REST API', () => {
  it('serves /health, starts a seed-style workload, reports status and metrics, stops with final metrics', async () => {
    const ex = ServiceFactory.createWorkloadExecutor('ollama', 0, { node: 'node003' });
    const health = await ex.app.request('/health');
    expect(await j(health)).toMatchObject({
      service: 'ollama',
      status: 'ok',
      node: 'node003',
      running: false,
    });

    const idle = await j(ex.app.request('/status'));
    expect(idle).toMatchObject({ running: false, threads_active: 0 });

    sim.engine.clearTraces();
    const start = await post(ex.app, '/start', { ...seedBody, duration: '2m' });
    expect(start.status).toBe(200);
    // the seed's answer, when this executor's measurement begins (no warmup: about now) and what
    // preparing the run took
    const answer = await j(start);
    expect(answer).toEqual({
      status: 'started',
      threads: 3,
      window_start: expect.any(Number),
      prepare_ms: expect.any(Number),
    });
    expect(Math.abs(answer.window_start - Date.now())).toBeLessThan(60_000);

    await until(async () => (await j(ex.app.request('/metrics'))).requests_total >= 3);
    const status = await j(ex.app.request('/status'));
    expect(status).toMatchObject({
      running: true,
      threads_active: 3,
      benchmark: 'default',
      phase: 'measuring',
    });
    expect(status.elapsed_seconds).toBeGreaterThan(0);
    // the ollama executor drives the simulator through Ollama's native API
    expect(new Set(sim.engine.recentTraces().map((t) => `${t.protocol} ${t.endpoint}`))).toEqual(
      new Set(['ollama /api/generate']),
    );

    const metrics = await j(ex.app.request('/metrics'));
    expect(metrics.snapshot.source).toBe('node003');
    expect(metrics.latency.p50).toBeGreaterThan(0);
    const prom = await ex.app.request('/metrics/prometheus');
    expect(prom.headers.get('content-type')).toMatch(/text\/plain/);
    expect(await prom.text()).toMatch(/^ollama_requests_total \d+$/m);

    const stop = await post(ex.app, '/stop', {});
    const stopped = await j(stop);
    expect(stopped.status).toBe('stopped');
    expect(stopped.final_metrics.requests_total).toBeGreaterThanOrEqual(metrics.requests_total);
    // Ollama's own per-request figures, summed over the ok requests (max_tokens 4 each)
    const snap = stopped.final_metrics.snapshot;
    const srv = snap.server_reported;
    expect(snap.counters.ok).toBeGreaterThan(0);
    expect(srv.ollama_requests).toBe(snap.counters.ok);
    expect(srv.ollama_eval_duration_ns).toBeGreaterThan(0);
    expect(srv.ollama_eval_count).toBe(snap.counters.output_tokens);
    expect(srv.ollama_eval_count).toBe(4 * snap.counters.ok);
    expect(srv.requests_with_server_tokens).toBe(snap.counters.ok);
    expect(await j(ex.app.request('/status'))).toMatchObject({ running: false, phase: 'done' });
  });

  it('answers 409 with the reason to a second /start while running, and accepts one after /stop', async () => {
    const ex = ServiceFactory.createWorkloadExecutor('vllm', 0, {});
    expect((await post(ex.app, '/start', { ...seedBody, benchmark: 'b1' })).status).toBe(200);
    const again = await post(ex.app, '/start', seedBody);
    expect(again.status).toBe(409);
    expect((await j(again)).error).toMatch(/already running \(benchmark b1\)/);
    await post(ex.app, '/stop', {});
    expect((await post(ex.app, '/start', seedBody)).status).toBe(200);
    await ex.stop();
  });

  it('validates /start bodies: 400 naming each bad field, 400 for broken JSON, 413 for huge bodies', async () => {
    const ex = new BaseWorkloadExecutor(0, { maxBodyBytes: 4096 });
    const bad = await post(ex.app, '/start', { ...seedBody, clients_per_node: 0, server_url: 'node001' });
    expect(bad.status).toBe(400);
    const reason = (await j(bad)).error as string;
    expect(reason).toMatch(/clients_per_node/);
    expect(reason).toMatch(/server_url: expected an http\(s\) URL/);

    const missing = await post(ex.app, '/start', { server_url: 'http://a:1' });
    expect((await j(missing)).error).toMatch(/model.*duration|duration.*model/s);

    const broken = await post(ex.app, '/start', '{"model": ');
    expect(broken.status).toBe(400);
    expect((await j(broken)).error).toMatch(/not valid JSON/);

    const huge = await post(ex.app, '/start', { ...seedBody, pad: 'x'.repeat(10_000) });
    expect(huge.status).toBe(413);
    expect(ex.running).toBe(false);
  });

  it('requires the bearer token on POST endpoints (401) but keeps /health and GETs open', async () => {
    const ex = ServiceFactory.createWorkloadExecutor('dummy', 0, {
      token: 's3cret',
    });
    expect((await ex.app.request('/health')).status).toBe(200);
    expect((await ex.app.request('/status')).status).toBe(200);
    const none = await post(ex.app, '/start', seedBody);
    expect(none.status).toBe(401);
    expect((await j(none)).error).toMatch(/bearer token/);
    expect((await post(ex.app, '/start', seedBody, { authorization: 'Bearer wrong!' })).status).toBe(401);
    expect((await post(ex.app, '/stop', {})).status).toBe(401);
    expect((await post(ex.app, '/start', seedBody, { authorization: 'Bearer s3cret' })).status).toBe(200);
    expect((await post(ex.app, '/stop', {}, { authorization: 'Bearer s3cret' })).status).toBe(200);
  });

  it('ends the run by itself after the duration and reports it finished', async () => {
    const ex = ServiceFactory.createWorkloadExecutor('llamacpp', 0, {});
    await post(ex.app, '/start', { ...seedBody, duration: 0.2 });
    await until(() => !ex.running);
    expect(await j(ex.app.request('/status'))).toMatchObject({ running: false, phase: 'done' });
    const m = await j(ex.app.request('/metrics'));
    expect(m.requests_total).toBeGreaterThan(0);
  });

  it('answers 404 with a JSON reason for unknown routes', async () => {
    const ex = new BaseWorkloadExecutor(0, {});
    const res = await ex.app.request('/nope');
    expect(res.status).toBe(404);
    expect((await j(res)).error).toMatch(/GET \/nope/);
  });

  it("answers 400 with the load generator's reason when the workload cannot run (missing dataset, wrong api)", async () => {
    const ex = ServiceFactory.createWorkloadExecutor('ollama', 0, {});
    const noFile = await post(ex.app, '/start', {
      ...seedBody,
      prompts: { source: 'jsonl', path: '/nonexistent/p.jsonl' },
    });
    expect(noFile.status).toBe(400);
    expect(await j(noFile)).toMatchObject({
      code: 'E006',
      error: expect.stringContaining('/nonexistent/p.jsonl'),
    });
    const wrongApi = await post(ex.app, '/start', { ...seedBody, api: 'completions' });
    expect(wrongApi.status).toBe(400);
    expect((await j(wrongApi)).error).toMatch(/workload.api: ollama speaks 'generate' or 'chat'/);
    expect(ex.running).toBe(false);
  });
});

describe('parseWorkloadSpec', () => {
  it('fills the extensions in for a seed body and parses durations', () => {
    const r = parseWorkloadSpec(
      { server_url: 'http://n:1', model: 'm', duration: '2m', warmup: '30s' },
      'vllm',
    );
    expect(r).toEqual({
      ok: true,
      spec: expect.objectContaining({
        benchmark: 'default',
        service: 'vllm',
        duration: 120,
        warmup: 30,
        load: { mode: 'closed', clients_per_node: 1 },
      }),
    });
  });

  it('reads the flat load fields a recipe writes as the load union, or takes `load` as given (never both)', () => {
    const base = { server_url: 'http://n:1', model: 'm', duration: 1 };
    const open = parseWorkloadSpec({ ...base, target_rps: 20, max_concurrency: 4, sleep_seconds: 1 }, 'x');
    expect(open).toMatchObject({
      ok: true,
      spec: { load: { mode: 'open', target_rps: 20, max_concurrency: 4 } },
    });
    expect(open.ok && open.spec).not.toHaveProperty('target_rps');
    const closed = parseWorkloadSpec({ ...base, clients_per_node: 3, sleep_seconds: 0.5 }, 'x');
    expect(closed).toMatchObject({
      ok: true,
      spec: { load: { mode: 'closed', clients_per_node: 3, sleep_seconds: 0.5 } },
    });
    const load = { mode: 'open', target_rps: 5, request_distribution: 'poisson' } as const;
    expect(parseWorkloadSpec({ ...base, load }, 'x')).toMatchObject({ ok: true, spec: { load } });
    expect(parseWorkloadSpec({ ...base, load, clients_per_node: 2 }, 'x')).toEqual({
      ok: false,
      error: expect.stringMatching(/clients_per_node: give the load either as `load` or as flat fields/),
    });
    expect(parseWorkloadSpec({ ...base, load: { mode: 'ramp' } }, 'x')).toMatchObject({ ok: false });
  });

  it('refuses an inverted length distribution (the same rule validate applies)', () => {
    const base = { server_url: 'http://n:1', model: 'm', duration: 1 };
    const prompts = {
      source: 'synthetic',
      input_tokens: 8,
      output_tokens: { dist: 'uniform', min: 64, max: 8 },
    };
    expect(parseWorkloadSpec({ ...base, prompts }, 'x')).toEqual({
      ok: false,
      error: 'invalid workload: prompts.output_tokens.max: min must not exceed max',
    });
  });

  it('rejects an executor_index outside executor_count and unknown enum values, naming the field', () => {
    const base = { server_url: 'http://n:1', model: 'm', duration: 1 };
    expect(parseWorkloadSpec({ ...base, executor_index: 2, executor_count: 2 }, 'x')).toEqual({
      ok: false,
      error: expect.stringMatching(/executor_index: must be less than executor_count/),
    });
    expect(parseWorkloadSpec({ ...base, request_distribution: 'gaussian' }, 'x')).toEqual({
      ok: false,
      error: expect.stringMatching(/^invalid workload: request_distribution: /),
    });
  });
});
