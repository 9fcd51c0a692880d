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
  const calls = {
    specs: [] as unknown[],
    sources: [] as (string | undefined)[],
    starts: [] as { at?: number; by?: string }[],
    stops: 0,
    discards: 0,
  };
  let finish!: () => void;
  let fail!: (err: Error) => void;
  const empty = new MetricsRecorder({ source: 'fake' }).snapshot();
  const live = { ...empty, counters: { ...empty.counters, sent: 7, ok: 7 } };
  const final = { ...empty, counters: { ...empty.counters, sent: 9, ok: 9 } };
  const engine: LoadEngine = {
    prepareLoad(spec, opts) {
      calls.specs.push(spec);
      calls.sources.push(opts.source);
      return {
        threads: 4,
        prepareMs: 12.4,
        start(at, by) {
          calls.starts.push({ at, by });
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
        discard: async () => {
          calls.discards++;
        },
      };
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
    expect(await j(post(ex, '/start', body))).toEqual({ status: 'started', threads: 4, prepare_ms: 12 });
    expect(fake.calls.starts).toEqual([{ at: undefined, by: 'start' }]);
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

describe('a held start (await_release) with an injected load engine', () => {
  function executor(log: string[] = []) {
    const fake = fakeEngine();
    const ex = new BaseWorkloadExecutor(0, {
      capabilities: VLLM_CAPABILITIES,
      token: TOKEN,
      engine: fake.engine,
      log: (m) => log.push(m),
    });
    return { fake, ex, log };
  }
  const held = { ...body, benchmark: 'held', await_release: true };

  it('prepares, says so in /status and /health, refuses a second start, and starts on POST /release', async () => {
    const { fake, ex, log } = executor();
    expect(await j(post(ex, '/start', held))).toEqual({ status: 'prepared', threads: 4, prepare_ms: 12 });
    expect(fake.calls.starts).toEqual([]);
    expect(log).toContainEqual('prepared benchmark held in 12 ms: waiting for POST /release (at most 60 s)');
    expect(await j(ex.app.request('/status'))).toEqual({
      running: true,
      phase: 'prepared',
      benchmark: 'held',
      elapsed_seconds: 0,
      threads_active: 0,
      prepare_ms: 12,
    });
    expect(await j(ex.app.request('/health'))).toMatchObject({ running: true });
    const again = await post(ex, '/start', held);
    expect(again.status).toBe(409);
    expect((await j(again)).error).toBe(
      'a workload is prepared (benchmark held), waiting for its POST /release; POST /stop first',
    );
    // nothing measured yet
    expect(await j(ex.app.request('/metrics'))).toMatchObject({ requests_total: 0 });

    const started = await j(post(ex, '/release', { start_at: 1_800_000_000_000 }));
    expect(started).toEqual({ status: 'started', threads: 4, prepare_ms: 12 });
    expect(fake.calls.starts).toEqual([{ at: 1_800_000_000_000, by: 'release' }]);
    expect(await j(ex.app.request('/status'))).toMatchObject({ running: true, phase: 'warmup' });
    // once: a second release has nothing to start
    const twice = await post(ex, '/release', {});
    expect(twice.status).toBe(409);
    expect((await j(twice)).error).toMatch(/^no workload is waiting for its release; POST \/start with/);
    await post(ex, '/stop');
  });

  it('a release without start_at starts now; a bad one is 400 naming the field', async () => {
    const { fake, ex } = executor();
    await post(ex, '/start', held);
    const bad = await post(ex, '/release', { start_at: -5 });
    expect(bad.status).toBe(400);
    expect((await j(bad)).error).toBe('invalid release: start_at: must be > 0');
    const noBody = await ex.app.request('/release', {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(noBody.status).toBe(200);
    expect(fake.calls.starts).toEqual([{ at: undefined, by: 'release' }]);
    await post(ex, '/stop');
  });

  it('POST /stop while prepared drops the workload without running it; a new one may start', async () => {
    const { fake, ex, log } = executor();
    await post(ex, '/start', held);
    const stopped = await j(post(ex, '/stop'));
    expect(stopped).toMatchObject({ status: 'stopped', final_metrics: { requests_total: 0 } });
    expect(fake.calls).toMatchObject({ starts: [], discards: 1, stops: 0 });
    expect(log).toContainEqual('benchmark held stopped before its release: not started');
    const status = await j(ex.app.request('/status'));
    expect(status).toMatchObject({ running: false, phase: 'done', benchmark: 'held' });
    expect(status.error).toBeUndefined();
    expect((await post(ex, '/release', {})).status).toBe(409);
    expect(await j(post(ex, '/start', body))).toMatchObject({ status: 'started' });
    await post(ex, '/stop');
  });

  it('no release within release_timeout: dropped with an error naming it, in /status and the log', async () => {
    const { fake, ex, log } = executor();
    expect((await post(ex, '/start', { ...held, release_timeout: '50ms' })).status).toBe(200);
    for (let i = 0; i < 200 && (await j(ex.app.request('/status'))).running; i++)
      await new Promise((r) => setTimeout(r, 25));
    const why =
      'no POST /release within 0.05 s of being prepared (the controller gone?): benchmark held was not started';
    expect(await j(ex.app.request('/status'))).toMatchObject({ running: false, phase: 'done', error: why });
    expect(log).toContainEqual(`error: ${why}`);
    expect(fake.calls).toMatchObject({ starts: [], discards: 1 });
    // a late release says what became of it
    const late = await post(ex, '/release', {});
    expect(late.status).toBe(409);
    expect((await j(late)).error).toBe(
      `no workload is waiting for its release: benchmark held was dropped (${why}); POST /start with await_release: true first`,
    );
  });

  it('release_timeout without await_release is a 400 naming it', async () => {
    const { ex } = executor();
    const res = await post(ex, '/start', { ...body, release_timeout: 5 });
    expect(res.status).toBe(400);
    expect((await j(res)).error).toMatch(/release_timeout: only used with await_release: true/);
  });
});
