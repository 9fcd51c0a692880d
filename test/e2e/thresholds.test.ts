/**
 * Thresholds end to end: a recipe whose threshold fails exits 99 and says which (terminal, summary.md,
 * summary.json, run.json); `hpcbench check` re-evaluates a finished run with other conditions.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasStackTrace, onlyRunDir, readJson, recipe, runCli, Sandbox } from './helpers.js';

let box: Sandbox;
let run: string;
let res: Awaited<ReturnType<typeof runCli>>;
beforeAll(async () => {
  box = await Sandbox.create();
  const file = await box.writeRecipe(
    'thresholds.yaml',
    recipe('thresholds', {
      duration: '2s',
      warmup: '0s',
      clients_per_node: 1,
      thresholds: ['error_rate < 1%'],
      benchmark_suite: [
        { name: 'fast', thresholds: ['ttft.p99 < 60s'] },
        // the simulator's TTFT is far above 1 µs: this one fails
        { name: 'strict', thresholds: ['ttft.p50 < 1us'] },
      ],
    }),
  );
  res = await runCli(['run', file, '--results-dir', box.path('results'), '--quiet'], { timeout: 120_000 });
  run = await onlyRunDir(box.path('results'));
}, 180_000);
afterAll(async () => {
  await box.close();
});

describe('recipe thresholds', () => {
  it('a failing threshold exits 99 and the table says which', async () => {
    expect(res.exitCode, res.all).toBe(99);
    expect(res.stdout).toMatch(/fast\s+error_rate < 1%\s+0\.00%\s+pass/);
    expect(res.stdout).toMatch(/fast\s+ttft\.p99 < 60s\s+\S+ms\s+pass/);
    expect(res.stdout).toMatch(/strict\s+ttft\.p50 < 1us\s+\S+ms\s+FAIL/);
    expect(res.stdout).toContain('thresholds: 1 of 4 failed');
    expect(res.stderr).toContain('1 threshold(s) failed');
    const runJson = await readJson(join(run, 'run.json'));
    expect(runJson).toMatchObject({ status: 'completed', exit_code: 99 });
    const summary = await readJson(join(run, 'summary.json'));
    expect(summary.thresholds).toEqual({ failed: 1, passed: 3 });
    const strict = summary.benchmarks.find((b: { name: string }) => b.name === 'strict');
    expect(strict.thresholds.map((t: { condition: string; pass: boolean }) => [t.condition, t.pass])).toEqual(
      [
        ['error_rate < 1%', true],
        ['ttft.p50 < 1us', false],
      ],
    );
    expect(strict.thresholds[1].actual).toBe(strict.summary.latency_ms.ttft.p50);
    const own = await readJson(join(run, 'benchmarks', 'strict', 'summary.json'));
    expect(own.thresholds).toEqual(strict.thresholds);
    const md = await readFile(join(run, 'summary.md'), 'utf8');
    expect(md).toContain('## Thresholds');
    expect(md).toMatch(/\| strict \| ttft\.p50 < 1us \| \S+ms \| FAIL \|/);
  });

  it('check re-evaluates the recipe thresholds, or the ones given, with the same exit codes', async () => {
    const again = await runCli(['check', run]);
    expect(again.exitCode, again.all).toBe(99);
    expect(again.stdout).toMatch(/strict\s+ttft\.p50 < 1us\s+\S+ms\s+FAIL/);
    const pass = await runCli(['check', run, '--threshold', 'ttft.p99 < 60s', '--threshold', 'ok > 0']);
    expect(pass.exitCode, pass.all).toBe(0);
    expect(pass.stdout).toContain('thresholds: all 4 passed');
    const json = await runCli(['check', run, '--threshold', 'requests_per_s > 1000000', '--json']);
    expect(json.exitCode).toBe(99);
    const out = JSON.parse(json.stdout);
    expect(out.failed).toBe(2);
    expect(out.benchmarks[0].thresholds[0]).toMatchObject({ figure: 'requests_per_s', pass: false });
  });

  it('check refuses a malformed condition (E006 with the valid names) and a folder that is no run', async () => {
    const bad = await runCli(['check', run, '--threshold', 'ttft.p42 < 5ms']);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/E006: invalid --threshold/);
    expect(bad.stderr).toMatch(/--threshold\[0\]: unknown figure 'ttft.p42'.*valid figures: /);
    expect(hasStackTrace(bad.all)).toBe(false);
    const none = await runCli(['check', box.dir, '--threshold', 'ok > 0']);
    expect(none.exitCode).toBe(1);
    expect(none.stderr).toMatch(
      /E006: .* is not a results folder: it has neither run.json nor a benchmarks\/ folder/,
    );
  });
});
