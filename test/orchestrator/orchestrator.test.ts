/**
 * The Orchestrator's phases in-process against the real simulated server and a real executor HTTP server:
 * the order of phase events, the typed error of each failing phase and what run.json records.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHpcBenchError } from '../../src/errors.js';
import { freePort } from '../../src/launch/local/free-port.js';
import type { PhaseEvent } from '../../src/orchestrator/events.js';
import { Orchestrator } from '../../src/orchestrator/orchestrator.js';
import type { RunPlan } from '../../src/orchestrator/run-plan.js';
import { type DummyServer, startDummyServer } from '../../src/services/dummy/sim/index.js';
import { ServiceFactory } from '../../src/services/factory.js';

let base: string;
let sim: DummyServer;
beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'hpcbench-orch-'));
  sim = await startDummyServer({ load_ms: 0 });
});
afterAll(async () => {
  await sim.close();
  await rm(base, { recursive: true, force: true });
});

function plan(model = 'dummy-model'): RunPlan {
  return {
    scenario: 'unit',
    service: 'dummy',
    serverConfig: { health_check: { timeout: 1, interval: 0.1 }, model },
    benchmarks: [
      {
        name: 'b1',
        spec: {
          benchmark: 'b1',
          service: 'dummy',
          model,
          duration: 1,
          warmup: 0,
          load: { mode: 'closed', clients_per_node: 1 },
        },
      },
    ],
    resolved: { scenario: 'unit' },
  };
}

async function runExpectingError(o: Orchestrator) {
  const phases: string[] = [];
  o.on('phase', (e: PhaseEvent) => phases.push(`${e.phase}:${e.state}`));
  const err = await o.run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isHpcBenchError(err), String(err)).toBe(true);
  const runJson = JSON.parse(await readFile(join(o.runDir!, 'run.json'), 'utf8'));
  return { err: err as { code: string; message: string }, phases, runJson };
}

const closed = async () => `127.0.0.1:${await freePort()}`;

describe('Orchestrator phases', () => {
  it('E001: stops at server health, records the error, still writes results and tears down', async () => {
    const dead = await closed();
    const o = new Orchestrator({
      serverNodes: ['s1'],
      clientNodes: ['c1'],
      plan: plan(),
      serverEndpoints: [dead],
      clientEndpoints: [await closed()],
      resultsDir: base,
    });
    const { err, phases, runJson } = await runExpectingError(o);
    expect(err.code).toBe('E001');
    expect(err.message).toContain(dead);
    expect(phases).toEqual([
      'recipe:start',
      'recipe:done',
      'server-health:start',
      'server-health:failed',
      'results:start',
      'results:done',
      'teardown:start',
      'teardown:done',
    ]);
    expect(runJson).toMatchObject({ status: 'failed', exit_code: 1, error: { code: 'E001' } });
    expect(runJson.benchmarks).toEqual([{ name: 'b1', status: 'pending' }]);
    expect(o.results?.status).toBe('failed');
    expect(await readdir(o.runDir!)).toEqual(
      expect.arrayContaining(['run.json', 'recipe.resolved.json', 'summary.json', 'summary.md']),
    );
  });

  it('E003: the model is not listed by the server', async () => {
    const o = new Orchestrator({
      serverNodes: ['s1'],
      clientNodes: ['c1'],
      plan: plan('missing-model'),
      serverEndpoints: [sim.url],
      clientEndpoints: [await closed()],
      resultsDir: base,
    });
    const { err, phases } = await runExpectingError(o);
    expect(err.code).toBe('E003');
    expect(phases.slice(0, 6)).toEqual([
      'recipe:start',
      'recipe:done',
      'server-health:start',
      'server-health:done',
      'prepare:start',
      'prepare:failed',
    ]);
  });

  it('E002: an executor does not answer; monitoring and logging phases are skipped when not asked for', async () => {
    const o = new Orchestrator({
      serverNodes: ['s1'],
      clientNodes: ['c1'],
      plan: plan(),
      serverEndpoints: [sim.url],
      clientEndpoints: [await closed()],
      clientHealthTimeout: 0.5,
      resultsDir: base,
    });
    const { err, phases, runJson } = await runExpectingError(o);
    expect(err.code).toBe('E002');
    expect(err.message).toContain('c1');
    expect(phases).toContain('monitoring:skipped');
    expect(phases).toContain('client-health:failed');
    expect(runJson.error.code).toBe('E002');
  });

  it('E004: the executor rejects the start; the benchmark is recorded as failed', async () => {
    const executor = ServiceFactory.createWorkloadExecutor('dummy', 0, { token: 'right' });
    const { port } = await executor.listen();
    try {
      const o = new Orchestrator({
        serverNodes: ['s1'],
        clientNodes: ['c1'],
        plan: plan(),
        serverEndpoints: [sim.url],
        clientEndpoints: [`127.0.0.1:${port}`],
        token: 'wrong',
        resultsDir: base,
      });
      const done: string[] = [];
      o.on('benchmark-done', (e) => done.push(`${e.name}:${e.status}`));
      const { err, runJson } = await runExpectingError(o);
      expect(err.code).toBe('E004');
      expect(done).toEqual(['b1:failed']);
      expect(runJson.benchmarks).toEqual([
        { name: 'b1', status: 'failed', reason: expect.stringMatching(/workload start failed on 1 of 1/) },
      ]);
      const metrics = JSON.parse(await readFile(join(o.runDir!, 'benchmarks', 'b1', 'metrics.json'), 'utf8'));
      expect(metrics).toMatchObject({ status: 'failed', error: { code: 'E004' } });
      expect(metrics.spec.server_url).toBe(sim.url);
    } finally {
      await executor.close();
    }
  });

  it('an abort before the benchmarks resolves as interrupted (exit code from the reason)', async () => {
    const ctrl = new AbortController();
    const o = new Orchestrator({
      serverNodes: ['s1'],
      clientNodes: ['c1'],
      plan: plan(),
      serverEndpoints: [sim.url],
      clientEndpoints: [await closed()],
      clientHealthTimeout: 30,
      resultsDir: base,
      signal: ctrl.signal,
    });
    o.on('phase', (e) => {
      if (e.phase === 'client-health' && e.state === 'start')
        ctrl.abort(Object.assign(new Error('SIGTERM received'), { exitCode: 143 }));
    });
    const results = await o.run();
    expect(results.status).toBe('interrupted');
    expect(results.benchmarks[0].status).toBe('interrupted');
    const runJson = JSON.parse(await readFile(join(o.runDir!, 'run.json'), 'utf8'));
    expect(runJson).toMatchObject({ status: 'interrupted', exit_code: 143 });
  });

  it('runs a two-entry suite through two executors: metrics, records, totals and events', async () => {
    const executors = [0, 1].map((i) =>
      ServiceFactory.createWorkloadExecutor('dummy', 0, { token: 't', node: `c${i + 1}` }),
    );
    const ports = await Promise.all(executors.map(async (e) => (await e.listen()).port));
    try {
      const p = plan();
      const spec = p.benchmarks[0].spec;
      p.benchmarks = [
        {
          name: 'one',
          spec: { ...spec, benchmark: 'one', duration: 1, load: { mode: 'closed', clients_per_node: 1 } },
        },
        {
          name: 'two',
          spec: { ...spec, benchmark: 'two', duration: 1, load: { mode: 'closed', clients_per_node: 3 } },
        },
      ];
      const o = new Orchestrator({
        serverNodes: ['s1'],
        clientNodes: ['c1', 'c2'],
        plan: p,
        serverEndpoints: [sim.url],
        clientEndpoints: ports.map((port) => `127.0.0.1:${port}`),
        token: 't',
        resultsDir: base,
        pollInterval: 0.2,
      });
      const starts: string[] = [];
      let progress = 0;
      o.on('benchmark-start', (e) => starts.push(`${e.index + 1}/${e.total} ${e.name} x${e.executors}`));
      o.on('benchmark-progress', () => progress++);
      const results = await o.run();
      expect(results.status).toBe('completed');
      expect(starts).toEqual(['1/2 one x2', '2/2 two x2']);
      expect(progress).toBeGreaterThan(0);
      const [one, two] = results.benchmarks;
      expect(one.metrics!.total_requests).toBeGreaterThan(0);
      expect(two.metrics!.per_client.map((c) => c.node)).toEqual(['c1', 'c2']);
      expect(results.total_requests).toBe(one.metrics!.total_requests + two.metrics!.total_requests);
      expect(results.throughput_rps).toBeGreaterThan(0);
      expect(results.p99_latency).toBeGreaterThanOrEqual(results.p50_latency);
      expect(results.p50_latency).toBeGreaterThan(0);
      const dir = join(o.runDir!, 'benchmarks', 'two');
      const files = await readdir(dir);
      expect(files).toEqual(
        expect.arrayContaining(['metrics.json', 'summary.json', 'records-c1.jsonl', 'records-c2.jsonl']),
      );
      const records = (await readFile(join(dir, 'records-c1.jsonl'), 'utf8')).trim().split('\n');
      expect(records.length).toBeGreaterThan(0);
      const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8'));
      expect(summary.latency_ms.ttft.count).toBeGreaterThan(0);
      // The simulator's own figures over each window beside the client's: no warmup and a closed loop
      // that drains, so every request the server finished in the window is a measured one.
      for (const b of [one, two]) {
        const server = b.server_metrics;
        expect(server?.window.start_trigger).toBe('benchmark-start');
        expect(server?.counters.generation_tokens).toBe(b.summary?.tokens.output);
        expect(server?.counters.requests_succeeded).toBe(b.summary?.requests.ok);
        expect(server?.ground_truth?.requests).toBe(b.summary?.requests.ok);
        expect(server?.ground_truth?.output_tokens).toBe(b.summary?.tokens.output);
      }
      expect(summary.server_metrics.latency_ms.ttft.estimate).toBe('bucket');
      const runJson = JSON.parse(await readFile(join(o.runDir!, 'run.json'), 'utf8'));
      expect(runJson).toMatchObject({ status: 'completed', exit_code: 0 });
    } finally {
      await Promise.all(executors.map((e) => e.close()));
    }
  });

  it('takes a recipe object (seed-style programmatic use) and keeps it as recipe.json', async () => {
    const recipe = {
      scenario: 'object-recipe',
      workload: { service: 'dummy', duration: '1s', warmup: 0 },
      servers: { health_check: { timeout: 0.5, interval: 0.1 } },
    };
    const o = new Orchestrator({
      serverNodes: ['127.0.0.1'],
      clientNodes: ['127.0.0.1'],
      recipe,
      serverPort: await freePort(),
      clientPort: await freePort(),
      resultsDir: base,
    });
    const { err, runJson } = await runExpectingError(o);
    expect(err.code).toBe('E001');
    expect(runJson.scenario).toBe('object-recipe');
    expect(JSON.parse(await readFile(join(o.runDir!, 'recipe.json'), 'utf8'))).toEqual(recipe);
    const resolved = JSON.parse(await readFile(join(o.runDir!, 'recipe.resolved.json'), 'utf8'));
    expect(resolved.orchestration.mode).toBe('local');
  });

  it('a bad recipe object is E006 before any results folder exists', async () => {
    const o = new Orchestrator({
      serverNodes: ['a'],
      clientNodes: ['b'],
      recipe: { scenario: 'bad', workload: { service: 'dummy', duration: 'soon' } },
      resultsDir: join(base, 'never'),
    });
    await expect(o.run()).rejects.toMatchObject({ code: 'E006' });
    expect(o.runDir).toBeUndefined();
  });
});
