/**
 * The workload controller against real executor HTTP servers on 127.0.0.1 running the real load generator
 * against the simulated service: health (E002), start (E004), waiting, metrics, stop, and transport
 * failures (E007 from a server that never answers, E008 from a refused connection).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Wait, waitText } from '../../src/contracts/index.js';
import { BaseWorkloadController } from '../../src/controller/base-workload-controller.js';
import type { BaseWorkloadExecutor } from '../../src/executor/base-workload-executor.js';
import { type DummyServer, startDummyServer } from '../../src/services/dummy/sim/index.js';
import { ServiceFactory } from '../../src/services/factory.js';
import {
  type Closable,
  json,
  refusedPort,
  scriptedServer,
  silentServer,
} from '../fixtures/net-conditions.js';

const TOKEN = 'run-token-123';
let sim: DummyServer;
const executors: BaseWorkloadExecutor[] = [];
const others: Closable[] = [];
beforeAll(async () => {
  sim = await startDummyServer({ load_ms: 0, decode_step_ms: 2 });
});
afterAll(async () => {
  await sim.close();
});
afterEach(async () => {
  await Promise.all([
    ...executors.splice(0).map((e) => e.close()),
    ...others.splice(0).map((s) => s.close()),
  ]);
});

async function startExecutors(n: number, token = TOKEN): Promise<string[]> {
  const eps: string[] = [];
  for (let i = 0; i < n; i++) {
    const ex = ServiceFactory.createWorkloadExecutor('dummy', 0, { token, node: `c${i}` });
    executors.push(ex);
    const { port } = await ex.listen();
    eps.push(`127.0.0.1:${port}`);
  }
  return eps;
}

const workload = () => ({
  server_url: sim.url,
  model: 'dummy-model',
  duration: 30,
  clients_per_node: 2,
  warmup: 0,
  max_tokens: 4,
});

function controller(
  eps: string[],
  opts: Partial<ConstructorParameters<typeof BaseWorkloadController>[3]> = {},
) {
  const nodes = eps.map((_, i) => `c${i}`);
  return new BaseWorkloadController(nodes, 5000, 5, {
    token: TOKEN,
    endpoints: eps,
    pollInterval: 0.05,
    ...opts,
  });
}

describe('BaseWorkloadController', () => {
  it('checks health, starts with executor_index/count and per-node records, waits, aggregates, stops', async () => {
    const eps = await startExecutors(2);
    const dir = await mkdtemp(join(tmpdir(), 'hpcbench-ctl-'));
    try {
      const c = controller(eps);
      expect(await c.verifyClientHealth()).toBe(true);
      const started = await c.startWorkload({
        ...workload(),
        duration: 0.5,
        benchmark: 'b1',
        records_path: join(dir, 'records-{node}.jsonl'),
      });
      expect(started).toBe(true);
      expect(executors.map((e) => [e.workload?.executor_index, e.workload?.executor_count])).toEqual([
        [0, 2],
        [1, 2],
      ]);
      const statuses = await c.waitForCompletion({ timeout: 30 });
      expect(statuses.every((s) => !s.status.running)).toBe(true);
      const m = await c.getMetrics();
      expect(m.per_client.map((p) => p.node)).toEqual(['c0', 'c1']);
      expect(m.total_requests).toBe(m.per_client[0].requests + m.per_client[1].requests);
      expect(m.total_requests).toBeGreaterThan(0);
      expect(m.summary.benchmark).toBe('b1');
      expect(await c.stopWorkload()).toBe(true);
      for (const node of ['c0', 'c1']) {
        const lines = (await readFile(join(dir, `records-${node}.jsonl`), 'utf8')).trim().split('\n');
        expect(lines.length).toBeGreaterThan(0);
        expect(JSON.parse(lines[0])).toMatchObject({ benchmark: 'b1' });
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('verifyClientHealth is false when an executor is down; E002 names each one', async () => {
    const eps = await startExecutors(1);
    const down = await refusedPort();
    const c = controller([eps[0], `127.0.0.1:${down}`], { healthTimeout: 0.3 });
    expect(await c.verifyClientHealth()).toBe(false);
    const err = c.lastFailure!;
    expect(err.code).toBe('E002');
    expect(err.message).toMatch(new RegExp(`c1 \\(http://127.0.0.1:${down}: connection refused\\)`));
    expect(err.message).not.toMatch(/c0/);
  });

  it('the executor health wait is reported each round: what is awaited, last error, elapsed/timeout', async () => {
    const eps = await startExecutors(1);
    const down = await refusedPort();
    const waits: Wait[] = [];
    const c = controller([eps[0], `127.0.0.1:${down}`], {
      healthTimeout: 0.3,
      onWait: (w) => waits.push(w),
    });
    expect(await c.verifyClientHealth()).toBe(false);
    expect(waits.length).toBeGreaterThan(0);
    expect(waits[0]).toMatchObject({
      what: 'workload executors (/health)',
      pending: [{ endpoint: 'c1', lastError: 'connection refused' }],
      timeoutS: 0.3,
    });
    expect(waitText(waits[0])).toMatch(
      /^waiting for workload executors \(\/health\): c1 \(connection refused\) — \d+s of 0s$/,
    );
  });

  it('E004 names the executor that rejected the start and why (409 while running); the others are stopped', async () => {
    const eps = await startExecutors(2);
    const c = controller(eps);
    await controller([eps[1]]).startWorkload({ ...workload(), benchmark: 'busy' });
    const err = await c.startWorkload(workload()).catch((e) => e);
    expect(err.code).toBe('E004');
    expect(err.message).toMatch(
      /on 1 of 2 executors: c1: HTTP 409: a workload is already running \(benchmark busy\)/,
    );
    expect(executors[0].running).toBe(false);
    expect(executors[1].running).toBe(true);
  });

  it('E004 for an invalid workload (400 reason) and for a missing token (401)', async () => {
    const eps = await startExecutors(1);
    await expect(
      controller(eps).startWorkload({ ...workload(), clients_per_node: -1 }),
    ).rejects.toMatchObject({
      code: 'E004',
      message: expect.stringMatching(/c0: HTTP 400: invalid workload: clients_per_node/),
    });
    await expect(controller(eps, { token: undefined }).startWorkload(workload())).rejects.toMatchObject({
      code: 'E004',
      message: expect.stringMatching(/HTTP 401: missing or wrong bearer token/),
    });
  });

  it('E007 names the node when an executor never answers', async () => {
    const silent = await silentServer();
    others.push(silent);
    const c = controller([`127.0.0.1:${silent.port}`], { requestTimeout: 0.3 });
    await expect(c.startWorkload(workload())).rejects.toMatchObject({
      code: 'E007',
      message: expect.stringMatching(/executor c0 \(http:\/\/127.0.0.1:\d+\/start\): no answer within 0.3s/),
    });
    await expect(c.getMetrics()).rejects.toMatchObject({ code: 'E007' });
  });

  it('E008 names the node when the connection is refused', async () => {
    const port = await refusedPort();
    const c = controller([`127.0.0.1:${port}`]);
    for (const call of [() => c.startWorkload(workload()), () => c.getMetrics(), () => c.stopWorkload()]) {
      await expect(call()).rejects.toMatchObject({
        code: 'E008',
        message: expect.stringMatching(/executor c0 .*: connection refused/),
      });
    }
  });

  it('E008 when an executor goes away mid-run', async () => {
    const eps = await startExecutors(1);
    const c = controller(eps);
    await c.startWorkload(workload());
    await executors.splice(0)[0].close();
    await expect(c.waitForCompletion({ timeout: 10 })).rejects.toMatchObject({
      code: 'E008',
      message: expect.stringMatching(/executor c0 .*\/status\): connection refused/),
    });
  });

  it('waitForCompletion raises E007 naming executors still running when its timeout passes', async () => {
    const eps = await startExecutors(1);
    const c = controller(eps);
    await c.startWorkload(workload());
    await expect(c.waitForCompletion({ timeout: 0.2 })).rejects.toMatchObject({
      code: 'E007',
      message: expect.stringMatching(/still running after 0.2s on: c0/),
    });
    await c.stopWorkload();
  });

  it('E005 when an executor answers /metrics without a mergeable snapshot or with a broken body', async () => {
    const seedStyle = await scriptedServer((req, res) => {
      if (req.url === '/metrics') {
        return json(res, 200, {
          requests_total: 450,
          errors_total: 2,
          latency: { avg: 0.45, p50: 0.4, p90: 0.65, p99: 1.2 },
          throughput_rps: 10,
          elapsed_seconds: 45,
        });
      }
      json(res, 500, { error: 'internal' });
    });
    others.push(seedStyle);
    await expect(controller([seedStyle.url]).getMetrics()).rejects.toMatchObject({
      code: 'E005',
      message: 'executor c0: GET /metrics has no snapshot, so its metrics cannot be merged',
    });
    await expect(controller([seedStyle.url]).getStatus()).rejects.toMatchObject({
      code: 'E005',
      message: 'executor c0: GET /status answered HTTP 500: internal',
    });
  });
});

describe('the two-step shared start of a scheduled load', () => {
  const openLoop = () => ({ ...workload(), clients_per_node: undefined, target_rps: 2 });

  /** An executor that does not know POST /release (an older one): starts at once, on the body's start_at. */
  async function olderExecutor(onRelease = 404) {
    const seen: { path?: string; auth?: string; body: Record<string, unknown> }[] = [];
    const server = await scriptedServer((req, res, text) => {
      seen.push({ path: req.url, auth: req.headers.authorization, body: text ? JSON.parse(text) : {} });
      if (req.url === '/start') {
        const b = JSON.parse(text);
        // an older executor starts on start_at; one that does know the release but fails it says prepared
        if (onRelease === 404)
          return json(res, 200, { status: 'started', threads: 1, window_start: b.start_at });
        return json(res, 200, { status: 'prepared', threads: 1 });
      }
      if (req.url === '/release') return json(res, onRelease, { error: 'release broke' });
      if (req.url === '/stop') return json(res, 200, { status: 'stopped', final_metrics: {} });
      json(res, 404, { error: `no route ${req.url}` });
    });
    others.push(server);
    return { server, seen };
  }

  it("an executor that does not know the release starts on POST /start's start_at; the held one is released on it", async () => {
    const [ep] = await startExecutors(1);
    const older = await olderExecutor();
    const c = controller([ep, older.server.url]);
    await c.startWorkload(openLoop());
    const start = older.seen[0];
    expect(start).toMatchObject({ path: '/start', auth: `Bearer ${TOKEN}` });
    expect(start.body).toMatchObject({ await_release: true, release_timeout: 10 });
    const startAt = start.body.start_at as number;
    // the new executor's clock starts on the older one's instant, not on one of its own
    const started = c.startedWorkloads();
    expect(started.map((w) => w.start?.status)).toEqual(['started', 'started']);
    expect(started[0].start?.window_start).toBe(startAt);
    expect(older.seen.map((x) => x.path)).toEqual(['/start']);
    await c.stopWorkload();
  });

  it('a failed release stops every executor; E004 names the executor and its answer', async () => {
    const [ep] = await startExecutors(1);
    const broken = await olderExecutor(500);
    const c = controller([ep, broken.server.url]);
    await expect(c.startWorkload(openLoop())).rejects.toMatchObject({
      code: 'E004',
      message:
        'workload release failed on 1 of 2 executors: c1: POST /release answered HTTP 500: release broke',
    });
    expect(broken.seen.map((x) => x.path)).toEqual(['/start', '/release', '/stop']);
    expect(executors[0].status()).toMatchObject({ running: false, phase: 'done' });
  });

  it('a POST /start whose answer does not come (E007): that executor is stopped too, as it may be holding the start', async () => {
    const [ep] = await startExecutors(1);
    const seen: string[] = [];
    // an executor still preparing (a big trace) when the controller's request timeout passes
    const slow = await scriptedServer((req, res) => {
      seen.push(req.url ?? '');
      if (req.url === '/stop') json(res, 200, { status: 'stopped', final_metrics: {} });
    });
    others.push(slow);
    const c = controller([ep, slow.url], { requestTimeout: 0.5 });
    await expect(c.startWorkload(openLoop())).rejects.toMatchObject({
      code: 'E007',
      message: expect.stringMatching(/^workload start failed: executor c1 \(.*\/start\): no answer within/),
    });
    expect(seen).toEqual(['/start', '/stop']);
    expect(executors[0].status()).toMatchObject({ running: false, phase: 'done' });
  });

  it('an executor lost between its prepare and its release (E008): the other one is stopped', async () => {
    const [ep] = await startExecutors(1);
    const seen: string[] = [];
    const lost = await scriptedServer((req, res) => {
      seen.push(req.url ?? '');
      if (req.url === '/start') return json(res, 200, { status: 'prepared', threads: 1 });
      // the node went away: the connection breaks without an answer
      req.socket.destroy();
    });
    others.push(lost);
    const c = controller([ep, lost.url]);
    await expect(c.startWorkload(openLoop())).rejects.toMatchObject({
      code: 'E008',
      message: expect.stringMatching(/^workload release failed: executor c1 \(.*\/release\): /),
    });
    // /stop too (asked twice: a broken connection is asked again once)
    expect(seen).toEqual(['/start', '/release', '/stop', '/stop']);
    expect(executors[0].status()).toMatchObject({ running: false, phase: 'done' });
  });

  it('a start one executor refuses: the prepared other is stopped before it sent anything (E004)', async () => {
    const eps = await startExecutors(2);
    const before = sim.engine.stats.arrivals;
    const c = controller(eps);
    const err = await c
      .startWorkload(openLoop(), {
        perExecutor: (_t, i) =>
          i === 1 ? { prompts: { source: 'jsonl', path: join(tmpdir(), 'hpcbench-no-such.jsonl') } } : {},
      })
      .catch((e) => e);
    expect(err.code).toBe('E004');
    expect(err.message).toMatch(
      /^workload start failed on 1 of 2 executors: c1: HTTP 400: .*hpcbench-no-such\.jsonl/,
    );
    expect(executors[0].status()).toMatchObject({ running: false, phase: 'done', benchmark: 'default' });
    expect(executors[0].status().error).toBeUndefined();
    expect(sim.engine.stats.arrivals).toBe(before);
  });
});
