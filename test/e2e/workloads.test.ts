/**
 * Workloads end to end (`hpcbench run` against the simulated service, two executors): the token lengths
 * every workload reports (summary.json, summary.md, report.html); shared-prefix prompts against the
 * simulator's prefix cache; trace replay (Mooncake JSONL, BurstGPT CSV) split over the executors.
 */
import { copyFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTraceRows } from '../../src/loadgen/datasets/trace.js';
import {
  hasStackTrace,
  type Json,
  onlyRunDir,
  readJson,
  readLines,
  recipe,
  runCli,
  sandboxForFile,
} from './helpers.js';

const env = sandboxForFile();

async function run(name: string, workload: Record<string, unknown>, rest: Record<string, unknown> = {}) {
  const file = await env.box.writeRecipe(`${name}.yaml`, recipe(name, workload, rest));
  const results = env.box.path(`results-${name}`);
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

describe('trace replay', () => {
  it('sends each trace row at its offset over 2 executors, with the trace’s lengths; lag against the trace', async () => {
    await copyFile(resolve('test/fixtures/traces/mooncake.jsonl'), env.box.path('mooncake.jsonl'));
    await copyFile(resolve('test/fixtures/traces/burstgpt.csv'), env.box.path('burstgpt.csv'));
    const dir = await run('trace', {
      clients_per_node: undefined,
      duration: '3s',
      warmup: '0s',
      api: 'completions',
      // 8 rows: p99 is the first send, which pays connection set-up (85 ms under a loaded CI); this test
      // is about the trace's timing and lengths, the gate has its own tests (test/e2e/capacity-search)
      max_schedule_lag: '2s',
      benchmark_suite: [
        { name: 'mooncake', trace: env.box.path('mooncake.jsonl') },
        { name: 'burstgpt', trace: { path: env.box.path('burstgpt.csv'), time_scale: 0.5 } },
      ],
    });
    const rows = loadTraceRows(env.box.path('mooncake.jsonl'), 'mooncake');
    const s: Json = await readJson(join(dir, 'benchmarks', 'mooncake', 'summary.json'));
    expect(s.requests).toMatchObject({ sent: rows.length, ok: rows.length, failed: 0 });
    expect(s.dropped_sends).toBe(0);
    expect(s.requested_rps).toBeCloseTo(rows.length / 3, 6);
    // lengths follow the trace (the simulator's usage counts)
    expect(s.lengths.prompt_tokens.count).toBe(rows.length);
    expect(s.tokens.prompt).toBe(rows.reduce((n, r) => n + r.input, 0));
    expect(s.tokens.output).toBe(rows.reduce((n, r) => n + r.output, 0));
    // equal hash_ids are equal prefix blocks: the simulator finds them in its cache
    expect(s.server_metrics.prefix_cache_hit_rate).toBeGreaterThan(0);
    // each executor sent its share (alternate rows) at the trace's offsets, with the trace's lengths
    const files = (await readdir(join(dir, 'benchmarks', 'mooncake'))).filter((f) =>
      f.startsWith('records-'),
    );
    expect(files).toHaveLength(2);
    const shares = [0, 1].map((i) => rows.filter((_, j) => j % 2 === i));
    let maxLag = 0;
    const seen: string[] = [];
    for (const f of files) {
      const recs = (await readLines(join(dir, 'benchmarks', 'mooncake', f))).map((l) => JSON.parse(l));
      recs.sort((a: Json, b: Json) => a.scheduled - b.scheduled || a.prompt_tokens - b.prompt_tokens);
      const t0 = recs[0].scheduled;
      const got = recs.map((r: Json) => [Math.round(r.scheduled - t0), r.prompt_tokens, r.output_tokens]);
      const wants = shares.map((sh) =>
        JSON.stringify(sh.map((r) => [r.at, r.input, r.output]).sort((a, b) => a[0] - b[0] || a[1] - b[1])),
      );
      expect(wants).toContain(JSON.stringify(got));
      seen.push(JSON.stringify(got));
      for (const r of recs) maxLag = Math.max(maxLag, r.sent - r.scheduled);
    }
    expect(new Set(seen).size).toBe(2);
    // the schedule lag reported is sent − trace time, the largest one within the histogram's precision
    expect(s.latency_ms.schedule_lag.count).toBe(rows.length);
    expect(s.latency_ms.schedule_lag.max).toBeCloseTo(maxLag, 0);
    expect(s.latency_ms.e2e_from_scheduled.count).toBe(rows.length);

    // BurstGPT at time_scale 0.5: its 6 requests (one failed row skipped), lengths from the CSV
    const b: Json = await readJson(join(dir, 'benchmarks', 'burstgpt', 'summary.json'));
    expect(b.requests.ok).toBe(6);
    expect([b.lengths.prompt_tokens.min, b.lengths.prompt_tokens.max]).toEqual([88, 1021]);
    expect([b.lengths.output_tokens.min, b.lengths.output_tokens.max]).toEqual([9, 61]);
    expect(b.parameters).toMatchObject({ load_mode: 'trace', time_scale: 0.5 });
  }, 240_000);

  it('a bad trace line is E006 at validation, naming the recipe field, file:line, field and format', async () => {
    await writeFile(
      env.box.path('bad.jsonl'),
      '{"timestamp": 0, "input_length": 10, "output_length": 2}\n{"timestamp": 10, "input_length": "ten", "output_length": 2}\n',
    );
    const file = await env.box.writeRecipe(
      'bad-trace.yaml',
      recipe('bad-trace', { clients_per_node: undefined, trace: 'bad.jsonl' }),
    );
    const res = await runCli(['validate', file]);
    expect(res.exitCode).toBe(1);
    expect(res.all).toMatch(
      /bad-trace\.yaml:\d+:\d+: error: workload\.trace: trace .*bad\.jsonl:2: "input_length" must be a whole number >= 1, got a string; trace format mooncake: one JSON object per line/,
    );
    expect(hasStackTrace(res.all)).toBe(false);
  });
});
