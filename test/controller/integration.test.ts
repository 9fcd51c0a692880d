/**
 * Multi-process: the real simulated service, `hpcbench executor` child processes running the real load
 * generator, and the controller merging their snapshots. Also a service registered from a plugin module.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BaseWorkloadController } from '../../src/controller/base-workload-controller.js';
import { type DummyServer, startDummyServer } from '../../src/services/dummy/sim/index.js';
import { ServiceFactory } from '../../src/services/factory.js';
import { loadPlugins } from '../../src/services/plugins.js';
import { type SpawnedExecutor, spawnExecutor } from '../fixtures/spawn-executor.js';

const TOKEN = 'integration-token';
const plugin = fileURLToPath(new URL('../fixtures/plugins/acme-service.mjs', import.meta.url));
let sim: DummyServer;
const spawned: SpawnedExecutor[] = [];

beforeAll(async () => {
  sim = await startDummyServer({ load_ms: 0, decode_step_ms: 2, seed: 1 });
  spawned.push(
    ...(await Promise.all([
      spawnExecutor(['--service', 'dummy', '--node', 'client-a'], { HPCBENCH_TOKEN: TOKEN }),
      spawnExecutor(['--service', 'dummy', '--node', 'client-b'], { HPCBENCH_TOKEN: TOKEN }),
      spawnExecutor(['--service', 'acme', '--plugin', plugin, '--node', 'client-p'], {
        HPCBENCH_TOKEN: TOKEN,
      }),
    ])),
  );
}, 60_000);

afterAll(async () => {
  await Promise.all(spawned.map((s) => s.stop()));
  await sim?.close();
});

const workload = () => ({
  benchmark: 'it',
  server_url: sim.url,
  model: 'dummy-model',
  duration: 1,
  warmup: 0,
  clients_per_node: 2,
  max_tokens: 8,
  prompts: { source: 'synthetic' as const, input_tokens: 16, output_tokens: 8 },
});

describe('controller + executors + simulated service', () => {
  it('runs a workload on two executors and merges their metrics exactly', async () => {
    const [a, b] = spawned;
    const c = ServiceFactory.createWorkloadController('dummy', ['client-a', 'client-b'], 5000, 60, {
      token: TOKEN,
      endpoints: [a.url, b.url],
      pollInterval: 0.1,
    });
    await c.verifyClientHealth();
    const before = sim.engine.stats.arrivals;
    await c.startWorkload(workload());
    const statuses = await c.waitForCompletion({ timeout: 60 });
    expect(statuses.map((s) => s.status.running)).toEqual([false, false]);
    const m = await c.getMetrics();
    await c.stopWorkload();

    expect(m.per_client.map((p) => p.node)).toEqual(['client-a', 'client-b']);
    for (const p of m.per_client) expect(p.requests).toBeGreaterThan(0);
    expect(m.total_requests).toBe(m.per_client[0].requests + m.per_client[1].requests);
    expect(m.total_errors).toBe(0);
    // every request the executors sent reached the simulator
    expect(m.summary.requests.sent).toBe(sim.engine.stats.arrivals - before);
    // the merged E2E histogram holds every per-client sample
    const e2eCount = m.summary.latency_ms.e2e?.count ?? 0;
    expect(e2eCount).toBe(
      (m.per_client[0].summary?.latency_ms.e2e?.count ?? 0) +
        (m.per_client[1].summary?.latency_ms.e2e?.count ?? 0),
    );
    expect(m.summary.latency_ms.ttft?.p50).toBeGreaterThan(0);
    // merged percentiles lie within the per-client ranges (never an average of percentiles)
    const p99s = m.per_client.map((p) => p.p99_latency);
    expect(m.p99_latency).toBeGreaterThanOrEqual(Math.min(...p99s) * 0.99);
    expect(m.p99_latency).toBeLessThanOrEqual(Math.max(...p99s) * 1.01);
    expect(m.throughput_rps).toBeGreaterThan(0);
    expect(m.summary.throughput.output_tokens_per_s).toBeGreaterThan(0);

    const prom = await (await fetch(`${a.url}/metrics/prometheus`)).text();
    expect(prom).toMatch(/^dummy_requests_total \d+/m);
    expect(prom).toMatch(/^dummy_errors_total 0/m);
    expect(prom).toMatch(/^dummy_request_latency_seconds [\d.e-]+/m);
    // the executor's connections over the load: two users, each on its own kept-alive connection to the
    // simulator, every request given to the pool (no warmup: as many as it measured)
    expect(m.per_client[0].summary?.connections).toMatchObject({ opened: 2, resent_stale: 0 });
    expect(prom).toContain(`\ndummy_connections_requests_total ${m.per_client[0].requests}\n`);
    expect(prom).toContain('\ndummy_connections_opened_total 2\n');
    expect(prom).toContain('\ndummy_connections_resent_stale_total 0\n');
    expect(prom).toContain('\ndummy_connections_server_closes_after_stream 0\n');
  }, 90_000);

  it('a second start while running is E004 naming the executor (409), and /stop ends it keeping what was measured', async () => {
    const [a] = spawned;
    const c = new BaseWorkloadController(['client-a'], 5000, 60, {
      token: TOKEN,
      endpoints: [a.url],
      pollInterval: 0.1,
    });
    await c.startWorkload({ ...workload(), duration: 30, benchmark: 'long' });
    await expect(c.startWorkload(workload())).rejects.toMatchObject({
      code: 'E004',
      message: expect.stringMatching(/client-a: HTTP 409: a workload is already running \(benchmark long\)/),
    });
    // a rejected start leaves the workload that was already running alone
    expect((await c.getStatus())[0].status.running).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    await c.stopWorkload();
    expect((await c.getStatus())[0].status).toMatchObject({ running: false, phase: 'done' });
    const m = await c.getMetrics();
    expect(m.summary.requests.ok).toBeGreaterThan(0);
    expect(m.summary.requests.sent).toBe(
      m.summary.requests.ok + m.summary.requests.failed + m.summary.requests.cancelled,
    );
  }, 60_000);

  it('runs a service registered from an outside module, with no core change', async () => {
    await loadPlugins([plugin]);
    const p = spawned[2];
    const manager = ServiceFactory.createServerManager('acme', {
      model: 'dummy-model',
      health_check: { interval: 0.1 },
    });
    await manager.verifyHealth([sim.url], 10);
    await manager.prepareService([sim.url]);
    const c = ServiceFactory.createWorkloadController('acme', ['client-p'], 5000, 60, {
      token: TOKEN,
      endpoints: [p.url],
      pollInterval: 0.1,
    });
    await c.verifyClientHealth();
    sim.engine.clearTraces();
    await c.startWorkload(workload());
    await c.waitForCompletion({ timeout: 60 });
    const m = await c.getMetrics();
    expect(m.total_requests).toBeGreaterThan(0);
    expect(m.total_errors).toBe(0);
    expect(await (await fetch(`${p.url}/metrics/prometheus`)).text()).toMatch(/^acme_requests_total \d+/m);
    // the executor spoke what the plugin declared: its default api, OpenAI chat
    expect(new Set(sim.engine.recentTraces().map((t) => `${t.protocol} ${t.endpoint}`))).toEqual(
      new Set(['openai /v1/chat/completions']),
    );
  }, 60_000);
});
