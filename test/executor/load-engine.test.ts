/**
 * The executor's `engine` seam (WorkloadExecutorOptions.engine): the REST API drives whatever load engine
 * it is given — start, status, metrics, Prometheus text, stop — and reports a load run that fails. A fake
 * engine makes the run's outcome deterministic, so the failure path is tested without breaking a server.
 */
import { describe, expect, it } from 'vitest';
import { BaseWorkloadExecutor } from '../../src/executor/base-workload-executor.js';
import type { LoadEngine, LoadRunLike } from '../../src/executor/load-engine.js';
import { MetricsRecorder } from '../../src/metrics/recorder.js';
import { VLLM_CAPABILITIES } from '../../src/services/vllm/index.js';

const TOKEN = 'seam-token';

// biome-ignore lint/suspicious/noExplicitAny: JSON answers are checked field by field
const j = async (r: Response | Promise<Response>): Promise<any> => (await r).json();

/** A load run the test ends by hand: `finish()` resolves it, `fail()` rejects it. */
function fakeEngine() {
  const calls: { specs: unknown[]; sources: (string | undefined)[]; stops: number } = {
    specs: [],
    sources: [],
    stops: 0,
  };
  let finish!: () => void;
  let fail!: (err: Error) => void;
  const empty = new MetricsRecorder({ source: 'fake' }).snapshot();
  const live = { ...empty, counters: { ...empty.counters, sent: 7, ok: 7 } };
  const final = { ...empty, counters: { ...empty.counters, sent: 9, ok: 9 } };
  const engine: LoadEngine = {
    startLoad(spec, opts) {
      calls.specs.push(spec);
      calls.sources.push(opts.source);
      const done = new Promise<typeof final>((resolve, reject) => {
        finish = () => resolve(final);
        fail = reject;
      });
      const run: LoadRunLike = {
        threads: 4,
        status: () => ({ phase: 'warmup', threads_active: 2 }),
        snapshot: () => live,
        stop: async () => {
          calls.stops++;
          return final;
        },
        done,
      };
      return run;
    },
    toExecutorMetrics: (snap, elapsed) => ({
      requests_total: snap.counters.sent,
      errors_total: 0,
      throughput_rps: 0,
      latency: { avg: 0, p50: 0, p90: 0, p99: 0 },
      elapsed_seconds: elapsed,
      snapshot: snap,
    }),
    renderPrometheus: (service, snap) => `${service}_requests_total ${snap.counters.sent}\n`,
  };
  return { engine, calls, finish: () => finish(), fail: (e: Error) => fail(e) };
}

const body = { server_url: 'http://127.0.0.1:9', model: 'm', duration: 30, clients_per_node: 4, warmup: 0 };

function post(ex: BaseWorkloadExecutor, path: string, json: unknown = {}) {
  return ex.app.request(path, {
    method: 'POST',
    body: JSON.stringify(json),
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
  });
}

describe('BaseWorkloadExecutor with an injected load engine', () => {
  it('starts the engine with the validated spec and its node, and reports the run through it', async () => {
    const fake = fakeEngine();
    const ex = new BaseWorkloadExecutor(0, {
      capabilities: VLLM_CAPABILITIES,
      token: TOKEN,
      node: 'node7',
      engine: fake.engine,
    });
    expect(await j(post(ex, '/start', body))).toEqual({ status: 'started', threads: 4 });
    expect(fake.calls.sources).toEqual(['node7']);
    expect(fake.calls.specs[0]).toMatchObject({ server_url: 'http://127.0.0.1:9', model: 'm' });

    expect(await j(ex.app.request('/status'))).toMatchObject({
      running: true,
      phase: 'warmup',
      threads_active: 2,
    });
    expect(await j(ex.app.request('/metrics'))).toMatchObject({ requests_total: 7 });
    expect(await (await ex.app.request('/metrics/prometheus')).text()).toBe('base_requests_total 7\n');

    const stopped = await j(post(ex, '/stop'));
    expect(fake.calls.stops).toBe(1);
    expect(stopped).toMatchObject({ status: 'stopped', final_metrics: { requests_total: 9 } });
    expect(await j(ex.app.request('/status'))).toMatchObject({
      running: false,
      phase: 'done',
      threads_active: 0,
    });
  });

  it('a run that ends by itself keeps its final snapshot', async () => {
    const fake = fakeEngine();
    const ex = new BaseWorkloadExecutor(0, {
      capabilities: VLLM_CAPABILITIES,
      token: TOKEN,
      engine: fake.engine,
    });
    await post(ex, '/start', body);
    fake.finish();
    await new Promise((r) => setImmediate(r));
    expect(await j(ex.app.request('/status'))).toMatchObject({ running: false, phase: 'done' });
    expect(await j(ex.app.request('/metrics'))).toMatchObject({ requests_total: 9 });
    expect(fake.calls.stops).toBe(0);
  });

  it('a run that fails is reported in /status with its error, and a new workload may start', async () => {
    const fake = fakeEngine();
    const ex = new BaseWorkloadExecutor(0, {
      capabilities: VLLM_CAPABILITIES,
      token: TOKEN,
      engine: fake.engine,
    });
    await post(ex, '/start', body);
    fake.fail(new Error('dataset vanished'));
    await new Promise((r) => setImmediate(r));
    expect(await j(ex.app.request('/status'))).toMatchObject({
      running: false,
      phase: 'done',
      error: 'dataset vanished',
    });
    expect((await post(ex, '/start', body)).status).toBe(200);
    expect(fake.calls.specs).toHaveLength(2);
  });
});
