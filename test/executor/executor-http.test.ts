/** The executor's REST API through Hono's app.request (no sockets), with a small injected load engine. */
import { describe, expect, it } from 'vitest';
import { BaseWorkloadExecutor } from '../../src/executor/base-workload-executor.js';
import { ServiceFactory } from '../../src/services/factory.js';
import { fakeLoadEngine } from '../fixtures/fake-load-engine.js';

// biome-ignore lint/suspicious/noExplicitAny: JSON answers are checked field by field
const j = async (r: Response | Promise<Response>): Promise<any> => (await r).json();

const seedBody = {
  server_url: 'http://node001:11434',
  model: 'llama2',
  duration: 30,
  clients_per_node: 3,
  warmup: 0,
};

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
    const engine = fakeLoadEngine();
    const ex = ServiceFactory.createWorkloadExecutor('ollama', 0, { engine, node: 'node003' });
    const health = await ex.app.request('/health');
    expect(await j(health)).toMatchObject({
      service: 'ollama',
      status: 'ok',
      node: 'node003',
      running: false,
    });

    const idle = await await j(ex.app.request('/status'));
    expect(idle).toMatchObject({ running: false, threads_active: 0 });

    const start = await post(ex.app, '/start', { ...seedBody, duration: '2m' });
    expect(start.status).toBe(200);
    expect(await j(start)).toEqual({ status: 'started', threads: 3 });
    expect(engine.started[0]).toMatchObject({
      duration: 120,
      service: 'ollama',
      api: 'generate',
      benchmark: 'default',
    });

    await new Promise((r) => setTimeout(r, 100));
    const status = await await j(ex.app.request('/status'));
    expect(status).toMatchObject({ running: true, threads_active: 3, benchmark: 'default' });
    expect(status.elapsed_seconds).toBeGreaterThan(0);

    const metrics = await await j(ex.app.request('/metrics'));
    expect(metrics.requests_total).toBeGreaterThan(0);
    expect(metrics.snapshot.source).toBe('node003');
    const prom = await ex.app.request('/metrics/prometheus');
    expect(prom.headers.get('content-type')).toMatch(/text\/plain/);
    expect(await prom.text()).toMatch(/^ollama_requests_total \d+$/m);

    const stop = await post(ex.app, '/stop', {});
    const stopped = await j(stop);
    expect(stopped.status).toBe('stopped');
    expect(stopped.final_metrics.requests_total).toBeGreaterThanOrEqual(metrics.requests_total);
    expect(await await j(ex.app.request('/status'))).toMatchObject({ running: false, phase: 'done' });
  });

  it('answers 409 with the reason to a second /start while running, and accepts one after /stop', async () => {
    const ex = ServiceFactory.createWorkloadExecutor('vllm', 0, { engine: fakeLoadEngine() });
    expect((await post(ex.app, '/start', { ...seedBody, benchmark: 'b1' })).status).toBe(200);
    const again = await post(ex.app, '/start', seedBody);
    expect(again.status).toBe(409);
    expect((await j(again)).error).toMatch(/already running \(benchmark b1\)/);
    await post(ex.app, '/stop', {});
    expect((await post(ex.app, '/start', seedBody)).status).toBe(200);
    await ex.stop();
  });

  it('validates /start bodies: 400 naming each bad field, 400 for broken JSON, 413 for huge bodies', async () => {
    const ex = new BaseWorkloadExecutor(0, { engine: fakeLoadEngine(), maxBodyBytes: 4096 });
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
      engine: fakeLoadEngine(),
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
    const ex = ServiceFactory.createWorkloadExecutor('llamacpp', 0, { engine: fakeLoadEngine() });
    await post(ex.app, '/start', { ...seedBody, duration: 0.2 });
    for (let i = 0; i < 100 && ex.running; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await await j(ex.app.request('/status'))).toMatchObject({ running: false, phase: 'done' });
    const m = await await j(ex.app.request('/metrics'));
    expect(m.requests_total).toBeGreaterThan(0);
  });

  it('answers 404 with a JSON reason for unknown routes', async () => {
    const ex = new BaseWorkloadExecutor(0, { engine: fakeLoadEngine() });
    const res = await ex.app.request('/nope');
    expect(res.status).toBe(404);
    expect((await j(res)).error).toMatch(/GET \/nope/);
  });
});
