/** A benchmark_suite of three entries through `hpcbench run`: three benchmarks in turn, one results folder. */
import { readdir } from 'node:fs/promises';
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

describe('benchmark_suite', () => {
  it('runs each entry in turn with its own settings', async () => {
    const file = await box.writeRecipe(
      'suite.yaml',
      recipe('suite', {
        duration: '2s',
        warmup: '0s',
        benchmark_suite: [
          { name: 'c1', num_threads: 1 },
          { name: 'c4', num_threads: 4 },
          { name: 'c2_sleep', num_threads: 2, sleep_seconds: 0.05, duration: '1s' },
        ],
      }),
    );
    const res = await runCli(['run', file, '--results-dir', box.path('results'), '--quiet'], {
      timeout: 120_000,
    });
    expect(res.exitCode, res.all).toBe(0);
    const run = await onlyRunDir(box.path('results'));
    expect((await readdir(join(run, 'benchmarks'))).sort()).toEqual(['c1', 'c2_sleep', 'c4']);
    const runJson = await readJson(join(run, 'run.json'));
    expect(runJson.benchmarks).toEqual([
      { name: 'c1', status: 'completed' },
      { name: 'c4', status: 'completed' },
      { name: 'c2_sleep', status: 'completed' },
    ]);
    const spec = async (n: string) => (await readJson(join(run, 'benchmarks', n, 'metrics.json'))).spec;
    expect((await spec('c1')).load).toMatchObject({ mode: 'closed', clients_per_node: 1 });
    expect((await spec('c4')).load).toMatchObject({ mode: 'closed', clients_per_node: 4 });
    expect(await spec('c2_sleep')).toMatchObject({
      load: { mode: 'closed', clients_per_node: 2, sleep_seconds: 0.05 },
      duration: 1,
    });
    const summary = await readJson(join(run, 'summary.json'));
    expect(summary.benchmarks.map((b: { name: string }) => b.name)).toEqual(['c1', 'c4', 'c2_sleep']);
    for (const b of summary.benchmarks) expect(b.summary.requests.ok).toBeGreaterThan(0);
    // the table on stdout has one row per entry, in order
    const rows = res.stdout.split('\n').filter((l) => /^(c1|c4|c2_sleep)\s/.test(l));
    expect(rows.map((r) => r.split(/\s+/)[0])).toEqual(['c1', 'c4', 'c2_sleep']);
    expect(summary.totals.total_requests).toBe(
      summary.benchmarks.reduce(
        (n: number, b: { summary: { requests: { sent: number } } }) => n + b.summary.requests.sent,
        0,
      ),
    );
  }, 240_000);
});
