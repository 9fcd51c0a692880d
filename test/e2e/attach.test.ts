/**
 * Attach mode with the seed's flags: a simulated server and two executors started by the test, then
 * `hpcbench orchestrate --server-nodes ... --client-nodes ... --workload-config-file ...`.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onlyRunDir, readJson, recipe, runCli, Sandbox } from './helpers.js';

let box: Sandbox;
beforeAll(async () => {
  box = await Sandbox.create();
});
afterAll(async () => {
  await box.close();
});

describe('hpcbench orchestrate (attach mode)', () => {
  it('runs the recipe against servers and executors that already run', async () => {
    const token = 'attach-test-token';
    const sim = await box.startSim();
    const [a, b] = await Promise.all([box.startExecutor('nodeA', token), box.startExecutor('nodeB', token)]);
    const file = await box.writeRecipe('attach.yaml', recipe('attach', { duration: '2s', warmup: '0s' }));
    const res = await runCli(
      [
        'orchestrate',
        '--server-nodes',
        '127.0.0.1',
        '--server-port',
        String(sim.port),
        '--client-nodes',
        `127.0.0.1:${a.port}`,
        `127.0.0.1:${b.port}`,
        '--client-port',
        '5000',
        '--workload-config-file',
        file,
        '--timeout',
        '60',
        '--monitor-interval',
        '1',
        '--results-dir',
        box.path('results'),
      ],
      { env: { HPCBENCH_TOKEN: token }, timeout: 120_000 },
    );
    expect(res.exitCode, res.all).toBe(0);
    expect(res.stdout).toMatch(/throughput_rps: \d+\.\d+/);
    const run = await onlyRunDir(box.path('results'));
    const runJson = await readJson(join(run, 'run.json'));
    expect(runJson).toMatchObject({ status: 'completed', mode: 'attach' });
    expect(runJson.server_endpoints).toEqual([`http://127.0.0.1:${sim.port}`]);
    expect(runJson.client_endpoints).toEqual([`127.0.0.1:${a.port}`, `127.0.0.1:${b.port}`]);
    const [bench] = runJson.benchmarks;
    const metrics = await readJson(join(run, 'benchmarks', bench.name, 'metrics.json'));
    expect(metrics.aggregate.total_requests).toBeGreaterThan(0);
    expect(metrics.per_client.map((c: { requests: number }) => c.requests > 0)).toEqual([true, true]);
    const sum = metrics.per_client.reduce((n: number, c: { requests: number }) => n + c.requests, 0);
    expect(sum).toBe(metrics.aggregate.total_requests);
    // the executors are still running: attach mode leaves what it did not start
    expect(a.child.running && b.child.running && sim.child.running).toBe(true);
  }, 240_000);
});
