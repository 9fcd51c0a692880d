/**
 * A custom executor written against the seed's per-user hook (`_run_benchmark(workload_config,
 * thread_id)` → `runBenchmark(workload, threadId, user)`), registered by a plugin service, runs a
 * benchmark end to end: `hpcbench run` starts its executors with the plugin, each calls the hook once
 * per user, and the requests the hook measured are the benchmark's results.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onlyRunDir, readJson, recipe, runCli, Sandbox } from './helpers.js';

const PLUGIN = fileURLToPath(new URL('../fixtures/plugins/per-user-service.mjs', import.meta.url));
let box: Sandbox;
beforeAll(async () => {
  box = await Sandbox.create();
});
afterAll(async () => {
  await box.close();
});

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('a plugin service with a per-user hook', () => {
  it('runs a benchmark: the hook is called once per user on each executor and its requests are the results', async () => {
    const sim = await box.startSim();
    const file = await box.writeRecipe(
      'peruser.yaml',
      recipe(
        'peruser',
        {
          service: 'peruser',
          duration: '2s',
          warmup: '0s',
          clients_per_node: 3,
          prompt_len: 16,
          gen_tokens: 8,
        },
        {
          plugins: [PLUGIN],
          servers: { endpoints: [sim.url], health_check: { timeout: 20, interval: 0.2 } },
        },
      ),
    );
    const res = await runCli(['run', file, '--results-dir', box.path('results'), '--quiet'], {
      timeout: 120_000,
    });
    expect(res.exitCode, res.all).toBe(0);
    const run = await onlyRunDir(box.path('results'));
    const runJson = await readJson(join(run, 'run.json'));
    expect(runJson.status).toBe('completed');
    const [bench] = runJson.benchmarks;
    const metrics = await readJson(join(run, 'benchmarks', bench.name, 'metrics.json'));
    expect(metrics.aggregate.total_requests).toBeGreaterThan(0);
    expect(metrics.aggregate.failed_requests ?? 0).toBe(0);
    expect(metrics.per_client).toHaveLength(2);
    for (const c of metrics.per_client) expect(c.requests).toBeGreaterThan(0);
    // the simulator served exactly the requests the hook measured (its ground truth, matched by x-request-id)
    const truth = (await (await fetch(`${sim.url}/hpcbench/requests`)).json()) as { requests: unknown[] };
    expect(truth.requests.length).toBeGreaterThanOrEqual(metrics.aggregate.total_requests);
    // one hook call per user per executor: 2 executors x 3 users
    let text = '';
    for (const f of await filesUnder(run))
      if (/executor/.test(f) && f.endsWith('.log')) text += await readFile(f, 'utf8');
    const starts = text.match(/peruser: user \d of 3 started/g) ?? [];
    expect(starts.sort()).toEqual([0, 0, 1, 1, 2, 2].map((i) => `peruser: user ${i} of 3 started`));
  }, 180_000);
});
