/**
 * The workload controller against real executor HTTP servers on 127.0.0.1 (with the small in-test load
 * engine): health (E002), start (E004), waiting, metrics, stop, and transport failures (E007, E008).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BaseWorkloadController } from '../../src/controller/base-workload-controller.js';
import type { MetricsEngine } from '../../src/controller/types.js';
import type { BaseWorkloadExecutor } from '../../src/executor/base-workload-executor.js';
import type { MetricsSnapshot } from '../../src/metrics/types.js';
import { ServiceFactory } from '../../src/services/factory.js';
import { fakeLoadEngine } from '../fixtures/fake-load-engine.js';
import { type Closable, refusedPort, silentServer } from '../fixtures/net-conditions.js';

const TOKEN = 'run-token-123';
const executors: BaseWorkloadExecutor[] = [];
const others: Closable[] = [];
afterEach(async () => {
  await Promise.all([
    ...executors.splice(0).map((e) => e.close()),
    ...others.splice(0).map((s) => s.close()),
  ]);
});

/** Sums counters (enough to check the controller's plumbing; the exact merge is tested with src/metrics). */
const sumEngine: MetricsEngine = {
  mergeSnapshots: (snaps: MetricsSnapshot[]) => ({
    ...snaps[0],
    source: undefined,
    counters: Object.fromEntries(
      Object.keys(snaps[0].counters).map((k) => [
        k,
        snaps.reduce((a, s) => a + s.counters[k as keyof MetricsSnapshot['counters']], 0),
      ]),
    ) as unknown as MetricsSnapshot['counters'],
  }),
  summarize: (s, benchmark) => ({
    benchmark,
    requests: { sent: s.counters.sent, ok: s.counters.ok, failed: s.counters.failed, cancelled: 0 },
    errors_by_reason: {},
    duration_s: 1,
    throughput: { requests_per_s: 0, output_tokens_per_s: 0, total_tokens_per_s: 0 },
    late_sends: 0,
    dropped_sends: 0,
    tokens: { prompt: 0, output: 0 },
    latency_ms: {},
  }),
  toExecutorMetrics: fakeLoadEngine().toExecutorMetrics,
};

async function startExecutors(n: number, token = TOKEN) {
  const engine = fakeLoadEngine();
  const eps: string[] = [];
  for (let i = 0; i < n; i++) {
    const ex = ServiceFactory.createWorkloadExecutor('dummy', 0, { engine, token, node: `c${i}` });
    executors.push(ex);
    const { port } = await ex.listen();
    eps.push(`127.0.0.1:${port}`);
  }
  return { engine, eps };
}

const workload = {
  server_url: 'http://127.0.0.1:1',
  model: 'm',
  duration: 30,
  clients_per_node: 2,
  warmup: 0,
};

function controller(
  eps: string[],
  opts: Partial<ConstructorParameters<typeof BaseWorkloadController>[3]> = {},
) {
  const nodes = eps.map((_, i) => `c${i}`);
  return new BaseWorkloadController(nodes, 5000, 5, {
    token: TOKEN,
    endpoints: eps,
    metrics: sumEngine,
    pollInterval: 0.05,
    ...opts,
  });
}

describe('BaseWorkloadController', () => {
  it('checks health, starts with executor_index/count, waits, aggregates per client, stops', async () => {
    const { engine, eps } = await startExecutors(2);
    const c = controller(eps);
    expect(await c.verifyClientHealth()).toBe(true);
    expect(
      await c.startWorkload({
        ...workload,
        duration: 0.3,
        benchmark: 'b1',
        records_path: '/tmp/r-{node}.jsonl',
      }),
    ).toBe(true);
    expect(engine.started.map((s) => [s.executor_index, s.executor_count, s.records_path])).toEqual([
      [0, 2, '/tmp/r-c0.jsonl'],
      [1, 2, '/tmp/r-c1.jsonl'],
    ]);
    const statuses = await c.waitForCompletion({ timeout: 20 });
    expect(statuses.every((s) => !s.status.running)).toBe(true);
    const m = await c.getMetrics();
    expect(m.per_client.map((p) => p.node)).toEqual(['c0', 'c1']);
    expect(m.total_requests).toBe(m.per_client[0].requests + m.per_client[1].requests);
    expect(m.total_requests).toBeGreaterThan(0);
    expect(m.summary.benchmark).toBe('b1');
    expect(await c.stopWorkload()).toBe(true);
  });

  it('E002 names each executor that is down', async () => {
    const { eps } = await startExecutors(1);
    const down = await refusedPort();
    const c = controller([eps[0], `127.0.0.1:${down}`], { healthTimeout: 0.3 });
    const err = await c.verifyClientHealth().catch((e) => e);
    expect(err.code).toBe('E002');
    expect(err.message).toMatch(new RegExp(`c1 \\(http://127.0.0.1:${down}: connection refused\\)`));
    expect(err.message).not.toMatch(/c0/);
  });

  it('E004 names the executor that rejected the start and why (409 while running); the others are stopped', async () => {
    const { eps } = await startExecutors(2);
    const c = controller(eps);
    const only1 = controller([eps[1]]);
    await only1.startWorkload({ ...workload, benchmark: 'busy' });
    const err = await c.startWorkload(workload).catch((e) => e);
    expect(err.code).toBe('E004');
    expect(err.message).toMatch(
      /on 1 of 2 executors: c1: HTTP 409: a workload is already running \(benchmark busy\)/,
    );
    expect(executors[0].running).toBe(false);
  });

  it('E004 for an invalid workload (400 reason) and for a missing token (401)', async () => {
    const { eps } = await startExecutors(1);
    await expect(controller(eps).startWorkload({ ...workload, clients_per_node: -1 })).rejects.toMatchObject({
      code: 'E004',
      message: expect.stringMatching(/c0: HTTP 400: invalid workload: clients_per_node/),
    });
    await expect(controller(eps, { token: undefined }).startWorkload(workload)).rejects.toMatchObject({
      code: 'E004',
      message: expect.stringMatching(/HTTP 401: missing or wrong bearer token/),
    });
  });

  it('E007 names the node when an executor never answers', async () => {
    const silent = await silentServer();
    others.push(silent);
    const c = controller([`127.0.0.1:${silent.port}`], { requestTimeout: 0.3 });
    await expect(c.startWorkload(workload)).rejects.toMatchObject({
      code: 'E007',
      message: expect.stringMatching(/executor c0 \(http:\/\/127.0.0.1:\d+\/start\): no answer within 0.3s/),
    });
    await expect(c.getMetrics()).rejects.toMatchObject({ code: 'E007' });
  });

  it('E008 names the node when the connection is refused', async () => {
    const port = await refusedPort();
    const c = controller([`127.0.0.1:${port}`]);
    for (const call of [() => c.startWorkload(workload), () => c.getMetrics(), () => c.stopWorkload()]) {
      await expect(call()).rejects.toMatchObject({
        code: 'E008',
        message: expect.stringMatching(/executor c0 .*: connection refused/),
      });
    }
  });

  it('waitForCompletion raises E007 naming executors still running when its timeout passes', async () => {
    const { eps } = await startExecutors(1);
    const c = controller(eps);
    await c.startWorkload(workload);
    await expect(c.waitForCompletion({ timeout: 0.2 })).rejects.toMatchObject({
      code: 'E007',
      message: expect.stringMatching(/still running after 0.2s on: c0/),
    });
    await c.stopWorkload();
  });
});
