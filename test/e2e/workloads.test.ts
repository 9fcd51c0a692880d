/**
 * Workloads end to end (`hpcbench run` against the simulated service, two executors): the token lengths
 * every workload reports (summary.json, summary.md, report.html); shared-prefix prompts against the
 * simulator's prefix cache.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Json, onlyRunDir, readJson, recipe, runCli, Sandbox } from './helpers.js';

let box: Sandbox;
beforeAll(async () => {
  box = await Sandbox.create();
});
afterAll(async () => {
  await box.close();
});

async function run(name: string, workload: Record<string, unknown>, rest: Record<string, unknown> = {}) {
  const file = await box.writeRecipe(`${name}.yaml`, recipe(name, workload, rest));
  const results = box.path(`results-${name}`);
  const res = await runCli(['run', file, '--quiet', '--results-dir', results], { timeout: 180_000 });
  expect(res.exitCode, res.all).toBe(0);
  return onlyRunDir(results);
}

describe('token lengths of every workload', () => {
  it('prompt tokens sent and output tokens received are distributions in summary.json, summary.md and report.html', async () => {
    const dir = await run('lengths', {
      duration: '2s',
      warmup: '0s',
      api: 'completions',
      prompt_len: { dist: 'uniform', min: 20, max: 60 },
      gen_tokens: 8,
      ignore_eos: true,
    });
    const s: Json = await readJson(join(dir, 'benchmarks', 'default', 'summary.json'));
    const p = s.lengths.prompt_tokens;
    const o = s.lengths.output_tokens;
    // over both executors: every ok request, the tokens the totals hold
    expect(p.count).toBe(s.requests.ok);
    expect(o.count).toBe(s.requests.ok);
    expect(Math.round(p.mean * p.count)).toBe(s.tokens.prompt);
    expect(p.min).toBeGreaterThanOrEqual(20);
    expect(p.max).toBeLessThanOrEqual(60);
    expect(p.p90).toBeGreaterThan(p.p50);
    expect([o.min, o.p50, o.max]).toEqual([8, 8, 8]);
    const md = await readFile(join(dir, 'summary.md'), 'utf8');
    expect(md).toContain('## Token lengths');
    expect(md).toMatch(
      new RegExp(
        `\\| default \\| prompt tokens sent \\| ${p.count} \\| [\\d.]+ \\| ${p.min} \\| ${p.p50} \\|`,
      ),
    );
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<h3>Token lengths</h3>');
    expect(html).toContain('b0-dist-lengths');
    const csv = (await readFile(join(dir, 'benchmarks.csv'), 'utf8')).split('\n');
    const col = csv[0].split(',').indexOf('prompt_tokens_p50');
    expect(Number(csv[1].split(',')[col])).toBe(p.p50);
  }, 240_000);
});

describe('shared-prefix prompts', () => {
  it('the simulator reports prefix-cache hits and TTFT is lower than for unique prompts of the same length', async () => {
    const dir = await run('prefix', {
      duration: '2s',
      warmup: '0s',
      api: 'completions',
      gen_tokens: 4,
      ignore_eos: true,
      benchmark_suite: [
        { name: 'shared', shared_prefix: { prefix_len: 1000, groups: 2, suffix_len: 24 } },
        { name: 'unique', prompt_len: 1024 },
      ],
    });
    const shared: Json = await readJson(join(dir, 'benchmarks', 'shared', 'summary.json'));
    const unique: Json = await readJson(join(dir, 'benchmarks', 'unique', 'summary.json'));
    // equal lengths sent
    expect([shared.lengths.prompt_tokens.min, shared.lengths.prompt_tokens.max]).toEqual([1024, 1024]);
    expect([unique.lengths.prompt_tokens.min, unique.lengths.prompt_tokens.max]).toEqual([1024, 1024]);
    // the servers' counters: after each group's first request, its 992-token prefix (62 blocks of 16) hits
    const hit = shared.server_metrics.prefix_cache_hit_rate;
    expect(hit).toBeGreaterThan(0.9);
    expect(hit).toBeLessThanOrEqual(992 / 1024);
    expect(shared.server_metrics.counters.prefix_cache_queries).toBe(shared.tokens.prompt);
    expect(unique.server_metrics.prefix_cache_hit_rate).toBe(0);
    expect(shared.server_metrics.ground_truth.cached_prompt_tokens).toBe(
      shared.server_metrics.counters.prefix_cache_hits,
    );
    // cached tokens are not prefilled: the order of TTFT, client and server side
    expect(shared.latency_ms.ttft.p50).toBeLessThan(unique.latency_ms.ttft.p50);
    expect(shared.server_metrics.ground_truth.latency_ms.ttft.p50).toBeLessThan(
      unique.server_metrics.ground_truth.latency_ms.ttft.p50,
    );
    const md = await readFile(join(dir, 'summary.md'), 'utf8');
    expect(md).toContain('srv prefix hit %');
    expect(md).toMatch(new RegExp(`\\| shared \\|.*\\| ${(100 * hit).toFixed(1)} \\|`));
  }, 240_000);
});
