/**
 * `hpcbench compare` end to end on real runs against the simulator: a run on a slower simulator (larger
 * decode step) is reported significantly slower with its interval, two runs of one configuration show no
 * significant difference on their latency percentiles, unmatched suite entries are listed, and
 * --fail-on-regression exits 99.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onlyRunDir, recipe, runCli, Sandbox } from './helpers.js';

let box: Sandbox;
const runs: Record<string, string> = {};

const stdout: Record<string, string> = {};

async function runWith(
  name: string,
  decodeStepMs: number,
  extra: Record<string, unknown>[],
  top: Record<string, unknown> = {},
) {
  const file = await box.writeRecipe(
    `${name}.yaml`,
    recipe(
      name,
      {
        duration: '4s',
        warmup: '1s',
        clients_per_node: 4,
        gen_tokens: 24,
        benchmark_suite: [{ name: 'c4' }, ...extra],
      },
      {
        servers: {
          health_check: { timeout: 20, interval: 0.2 },
          service_config: { decode_step_ms: decodeStepMs },
        },
        ...top,
      },
    ),
  );
  const res = await runCli(['run', file, '--results-dir', box.path(name), '--quiet'], { timeout: 120_000 });
  expect(res.exitCode, res.all).toBe(0);
  runs[name] = await onlyRunDir(box.path(name));
  stdout[name] = res.stdout;
}

beforeAll(async () => {
  box = await Sandbox.create();
  await runWith('base', 10, [{ name: 'only_base', clients_per_node: 1, duration: '1s' }]);
  await runWith('same', 10, [], { repetitions: 2 });
  await runWith('slow', 16, [{ name: 'only_slow', clients_per_node: 1, duration: '1s' }]);
}, 400_000);
afterAll(async () => {
  await box.close();
});

type Fig = { figure: string; change: number; ci: [number, number] | null; verdict: string };

describe('hpcbench compare', () => {
  it('reports a slower simulator as significantly slower, with its interval, and lists unmatched entries', async () => {
    const md = box.path('compare.md');
    const res = await runCli(['compare', runs.base, runs.slow, '--json', '--markdown', md]);
    expect(res.exitCode, res.all).toBe(0);
    const out = JSON.parse(res.stdout);
    const c = out.comparisons[0];
    expect(c.only_in_baseline).toEqual(['only_base']);
    expect(c.only_in_run).toEqual(['only_slow']);
    expect(c.benchmarks.map((b: { benchmark: string }) => b.benchmark)).toEqual(['c4']);
    const figs: Fig[] = c.benchmarks[0].figures;
    for (const name of ['itl.p50', 'tpot.p50', 'e2e.p50']) {
      const f = figs.find((x) => x.figure === name) as Fig;
      expect(f.verdict, name).toBe('worse');
      // decode step 10 → 16 ms: about +60% per token
      expect(f.change, name).toBeGreaterThan(0.3);
      expect(f.ci?.[0], name).toBeGreaterThan(0);
      // a percentile-bootstrap interval of a quantile need not contain the point estimate exactly (the
      // resampled quantiles are discrete): it lies within a hair of it
      expect(f.ci?.[0]).toBeLessThanOrEqual(f.change + 0.01);
      expect(f.ci?.[1]).toBeGreaterThanOrEqual(f.change - 0.01);
    }
    expect(figs.find((x) => x.figure === 'output_tokens_per_s')?.verdict).toBe('worse');
    expect(out.method).toMatchObject({ confidence: 0.95, resamples: 1000 });
    const text = await readFile(md, 'utf8');
    expect(text).toMatch(
      /\| itl\.p50 \| \S+ms \| \S+ms \| \+\d+\.\d% \| \[\+\d+\.\d%, \+\d+\.\d%\] \| worse \|/,
    );
    expect(text).toContain('only in the baseline (not compared): only_base');
  });

  it('repetitions: figures across them in the run; compare pools them against a single run', async () => {
    expect(stdout.same).toMatch(/c4 ×2\s+e2e\.p50\s+\S+ms\s+\[\S+ms, \S+ms\]\s+\d+\.\d%/);
    const summary = JSON.parse(await readFile(join(runs.same, 'summary.json'), 'utf8'));
    const reps = summary.repetitions[0];
    expect(reps).toMatchObject({ benchmark: 'c4', repetitions: 2 });
    const e2e = reps.figures.find((f: { figure: string }) => f.figure === 'e2e.p50');
    const each = summary.benchmarks.map(
      (b: { summary: { latency_ms: { e2e: { p50: number } } } }) => b.summary.latency_ms.e2e.p50,
    );
    expect(e2e.values).toEqual(each);
    expect(e2e.mean).toBeCloseTo((each[0] + each[1]) / 2, 6);
    expect(await readFile(join(runs.same, 'summary.md'), 'utf8')).toContain('## Repetitions');
    // Two runs of one configuration on a shared 2-core machine drift by a few percent between runs, which
    // a within-run bootstrap cannot see (docs/metrics.md); --min-change states the practical tolerance.
    const res = await runCli(['compare', runs.base, runs.same, '--json', '--min-change', '5%']);
    expect(res.exitCode, res.all).toBe(0);
    const c = JSON.parse(res.stdout).comparisons[0];
    expect(c.benchmarks[0]).toMatchObject({ benchmark: 'c4', method: 'bootstrap', repetitions: [1, 2] });
    expect(c.only_in_run).toEqual([]);
    const figs: Fig[] = c.benchmarks[0].figures;
    for (const name of ['tpot.p50', 'e2e.p50', 'output_tokens_per_s'])
      expect(figs.find((x) => x.figure === name)?.verdict, name).not.toBe('worse');
  });

  it('--fail-on-regression exits 99 naming the figures, and the terminal table shows them', async () => {
    const res = await runCli(['compare', runs.base, runs.slow, '--fail-on-regression', '5%']);
    expect(res.exitCode, res.all).toBe(99);
    expect(res.stderr).toMatch(/significantly worse by more than 5\.0%: .*c4 itl\.p50/);
    expect(res.stdout).toMatch(/itl\.p50\s+\S+ms\s+\S+ms\s+\+\d+\.\d%\s+\[\+\S+, \+\S+\]\s+worse/);
    // a limit above every significant change: nothing exceeds it, exit 0 (tail percentiles of the slower
    // run move with the machine's load, so the limit comes from this comparison, not a fixed figure)
    const json = await runCli(['compare', runs.base, runs.slow, '--json']);
    const worst = Math.max(
      ...(JSON.parse(json.stdout).comparisons[0].benchmarks[0].figures as Fig[])
        .filter((f) => f.verdict === 'worse')
        .map((f) => Math.abs(f.change)),
    );
    const limit = `${Math.ceil(100 * worst) + 10}%`;
    const lax = await runCli(['compare', runs.base, runs.slow, '--fail-on-regression', limit]);
    expect(lax.exitCode, lax.all).toBe(0);
    const bad = await runCli(['compare', runs.base, box.dir]);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/E006: .* is not a results folder/);
  });
});
