/** benchmark_suite and sweep expansion into the WorkloadSpecs the executors run. */
import { describe, expect, it } from 'vitest';
import { expandBenchmarks, resolveRecipe, sweepPoints } from '../../src/recipe/index.js';
import { safeName } from '../../src/util/names.js';
import { localRecipe } from './helpers.js';

const plans = (workload: Record<string, unknown>, rest: Record<string, unknown> = {}) =>
  expandBenchmarks(resolveRecipe(localRecipe(workload, rest)).recipe);

describe('expandBenchmarks', () => {
  it('one default benchmark with seconds, synthetic prompts and the seed fields', () => {
    const [p, ...more] = plans({
      duration: '2m',
      warmup: 10,
      clients_per_node: 3,
      prompt_len: 256,
      gen_tokens: 64,
    });
    expect(more).toEqual([]);
    expect(p.name).toBe('default');
    expect(p.workload).toEqual({
      benchmark: 'default',
      api: 'completions',
      service: 'dummy',
      model: 'dummy-model',
      duration: 120,
      warmup: 10,
      load: { mode: 'closed', clients_per_node: 3, sleep_seconds: 0 },
      stream: true,
      prompts: { source: 'synthetic', input_tokens: 256, output_tokens: 64 },
      max_tokens: 64,
      distribution_strategy: 'round-robin',
    });
    expect(p.spec).toBe(p.workload);
  });

  it('suite entries override any workload field, in order; num_threads is clients_per_node', () => {
    const ps = plans({
      target_rps: 5,
      request_distribution: 'poisson',
      benchmark_suite: [
        { name: 'slow', num_threads: 2, duration: '30s' },
        { name: 'burst', request_distribution: 'burst', burstiness: 4, slo: { ttft_ms: 200 } },
      ],
    });
    expect(ps.map((p) => p.name)).toEqual(['slow', 'burst']);
    expect(ps[0].workload).toMatchObject({
      duration: 30,
      load: { mode: 'open', target_rps: 5, request_distribution: 'poisson' },
    });
    expect(ps[1].workload).toMatchObject({
      duration: 20,
      load: { mode: 'open', request_distribution: 'burst', burstiness: 4 },
      slo: { ttft_ms: 200 },
    });
    expect(ps[1].workload).not.toHaveProperty('name');
  });

  it('datasets map onto prompts; the format comes from the recipe or the file name', () => {
    const p = (dataset: unknown) => plans({ dataset, gen_tokens: 32 })[0].workload.prompts;
    expect(p('data/hellaswag_val.jsonl')).toEqual({
      source: 'hellaswag',
      path: 'data/hellaswag_val.jsonl',
      output_tokens: 32,
    });
    expect(p('sg.json')).toEqual({ source: 'sharegpt', path: 'sg.json', output_tokens: 32 });
    expect(p('p.jsonl')).toMatchObject({ source: 'jsonl' });
    expect(p({ path: 'x.txt', format: 'sharegpt' })).toMatchObject({ source: 'sharegpt', path: 'x.txt' });
  });

  it('a length distribution passes through; max_tokens only for a fixed gen_tokens', () => {
    const dist = { dist: 'uniform', min: 16, max: 64 };
    const [p] = plans({ prompt_len: { dist: 'normal', mean: 100, std: 10 }, gen_tokens: dist });
    expect(p.workload.prompts).toEqual({
      source: 'synthetic',
      input_tokens: { dist: 'normal', mean: 100, std: 10 },
      output_tokens: dist,
    });
    expect(p.workload).not.toHaveProperty('max_tokens');
  });
});

describe('sweeps', () => {
  it('cross: every combination, the first field slowest, named field=value', () => {
    const ps = plans({ sweep: { concurrency: [1, 8], target_rps: [10, 20, 40] } });
    expect(ps.map((p) => p.name)).toEqual([
      'concurrency=1,target_rps=10',
      'concurrency=1,target_rps=20',
      'concurrency=1,target_rps=40',
      'concurrency=8,target_rps=10',
      'concurrency=8,target_rps=20',
      'concurrency=8,target_rps=40',
    ]);
    expect(ps[4].workload).toMatchObject({
      benchmark: 'concurrency=8,target_rps=20',
      load: { mode: 'open', target_rps: 20 },
    });
  });

  it('zip: the i-th values together', () => {
    const ps = plans({ sweep: { mode: 'zip', clients_per_node: [1, 4, 16], gen_tokens: [16, 64, 256] } });
    expect(ps.map((p) => [p.name, p.workload.load, p.workload.max_tokens])).toEqual([
      ['clients_per_node=1,gen_tokens=16', { mode: 'closed', clients_per_node: 1, sleep_seconds: 0 }, 16],
      ['clients_per_node=4,gen_tokens=64', { mode: 'closed', clients_per_node: 4, sleep_seconds: 0 }, 64],
      ['clients_per_node=16,gen_tokens=256', { mode: 'closed', clients_per_node: 16, sleep_seconds: 0 }, 256],
    ]);
  });

  it('a suite with a sweep sweeps each entry', () => {
    const ps = plans({
      benchmark_suite: [
        { name: 'chat', api: 'chat' },
        { name: 'gen', api: 'generate' },
      ],
      sweep: { concurrency: [1, 2] },
    });
    const users = (p: (typeof ps)[number]) =>
      p.workload.load.mode === 'closed' ? p.workload.load.clients_per_node : 0;
    expect(ps.map((p) => `${p.name}:${p.workload.api}:${users(p)}`)).toEqual([
      'chat_concurrency=1:chat:1',
      'chat_concurrency=2:chat:2',
      'gen_concurrency=1:generate:1',
      'gen_concurrency=2:generate:2',
    ]);
  });

  it('durations and distributions in names; duplicate names get a suffix', () => {
    expect(
      sweepPoints({
        mode: 'zip',
        duration: ['30s', '1m'],
        prompt_len: [{ dist: 'uniform', min: 1, max: 9 }, 5],
      }).map((p) => p.name),
    ).toEqual(['duration=30s,prompt_len=uniform-1-9', 'duration=1m,prompt_len=5']);
    expect(plans({ sweep: { concurrency: [2, 2] } }).map((p) => p.name)).toEqual([
      'concurrency=2',
      'concurrency=2_2',
    ]);
  });

  it("a sweep's value wins over the suite entry's for the same field", () => {
    const ps = plans({ benchmark_suite: [{ name: 'e', gen_tokens: 5 }], sweep: { gen_tokens: [7, 9] } });
    expect(ps.map((p) => [p.name, p.workload.max_tokens])).toEqual([
      ['e_gen_tokens=7', 7],
      ['e_gen_tokens=9', 9],
    ]);
  });

  it('names that would share a results folder after sanitising get a suffix', () => {
    const ps = plans({ benchmark_suite: [{ name: 'a=1' }, { name: 'a_1' }, { name: 'a,1' }] });
    expect(ps.map((p) => p.name)).toEqual(['a=1', 'a_1_2', 'a,1_3']);
    expect(new Set(ps.map((p) => safeName(p.name))).size).toBe(3);
  });

  it('repetitions run the whole list again, suffixed _repN', () => {
    const ps = plans({ benchmark_suite: [{ name: 'a' }, { name: 'b' }] }, { repetitions: 2 });
    expect(ps.map((p) => p.name)).toEqual(['a_rep1', 'b_rep1', 'a_rep2', 'b_rep2']);
    expect(ps[2].workload.benchmark).toBe('a_rep2');
  });

  it('invalid sweep keys and values are errors naming the value', () => {
    expect(() => resolveRecipe(localRecipe({ sweep: { concurency: [1], target_rps: [5, -1] } }))).toThrow(
      expect.objectContaining({
        issues: [
          expect.objectContaining({
            path: 'workload.sweep.concurency',
            message: expect.stringMatching(/not a workload field; did you mean "concurrency"/),
          }),
          expect.objectContaining({ path: 'workload.sweep.target_rps[1]', message: 'must be > 0' }),
        ],
      }),
    );
  });
});

describe('relative dataset paths', () => {
  const recipe = () =>
    resolveRecipe(
      localRecipe({
        dataset: 'data/p.jsonl',
        benchmark_suite: [
          { name: 'rel' },
          { name: 'abs', dataset: '/srv/data/hellaswag.jsonl' },
          { name: 'obj', dataset: { path: 'sg.txt', format: 'sharegpt' } },
        ],
      }),
    ).recipe;

  it('resolve against baseDir (the recipe file folder); absolute paths stay as written', () => {
    const ps = expandBenchmarks(recipe(), { baseDir: '/home/u/recipes' });
    expect(ps.map((p) => p.workload.prompts)).toEqual([
      { source: 'jsonl', path: '/home/u/recipes/data/p.jsonl' },
      { source: 'hellaswag', path: '/srv/data/hellaswag.jsonl' },
      { source: 'sharegpt', path: '/home/u/recipes/sg.txt' },
    ]);
  });

  it('without baseDir they stay as written', () => {
    expect(expandBenchmarks(recipe())[0].workload.prompts).toMatchObject({ path: 'data/p.jsonl' });
  });
});

describe('null in a suite entry unsets a base workload field', () => {
  it('target_rps: null makes an open-loop base closed loop for that entry only', () => {
    const ps = plans({
      target_rps: 20,
      burstiness: 2,
      request_distribution: 'constant',
      dataset: 'p.jsonl',
      benchmark_suite: [
        { name: 'open' },
        { name: 'closed', target_rps: null, burstiness: null, clients_per_node: 4 },
        { name: 'synthetic', dataset: null, prompt_len: 64 },
      ],
    });
    expect(ps[0].workload.load).toEqual({
      mode: 'open',
      target_rps: 20,
      burstiness: 2,
      request_distribution: 'constant',
    });
    expect(ps[1].workload.load).toEqual({ mode: 'closed', clients_per_node: 4, sleep_seconds: 0 });
    expect(ps[2].workload.prompts).toEqual({ source: 'synthetic', input_tokens: 64, output_tokens: 128 });
    expect(ps[2].workload.load).toMatchObject({ mode: 'open', target_rps: 20 });
  });

  it('the cross-field rules see the merged entry: a poisson base needs target_rps', () => {
    const base = { target_rps: 20, request_distribution: 'poisson' };
    expect(() =>
      resolveRecipe(localRecipe({ ...base, benchmark_suite: [{ name: 'c', target_rps: null }] })),
    ).toThrow(
      expect.objectContaining({
        issues: expect.arrayContaining([
          expect.objectContaining({
            severity: 'error',
            path: 'workload.benchmark_suite[0].target_rps',
            message: expect.stringMatching(/closed loop.*request_distribution poisson.*open loop only/),
          }),
        ]),
      }),
    );
    const ok = plans({
      ...base,
      benchmark_suite: [{ name: 'c', target_rps: null, request_distribution: 'constant' }],
    });
    expect(ok[0].workload.load).toMatchObject({ mode: 'closed' });
  });

  it('fields that always have a value cannot be unset', () => {
    expect(() =>
      resolveRecipe(localRecipe({ benchmark_suite: [{ name: 'x', duration: null, service: null }] })),
    ).toThrow(
      expect.objectContaining({
        issues: [
          expect.objectContaining({
            path: 'workload.benchmark_suite[0].service',
            message: expect.stringMatching(/^null cannot unset this field .*target_rps/),
          }),
          expect.objectContaining({ path: 'workload.benchmark_suite[0].duration' }),
        ],
      }),
    );
  });
});

describe('thresholds in the plans', () => {
  it("each benchmark gets the workload's conditions followed by its entry's, repetitions included", () => {
    const ps = plans(
      {
        thresholds: ['error_rate < 1%'],
        benchmark_suite: [{ name: 'a', thresholds: ['ttft.p99 < 500ms'] }, { name: 'b' }],
      },
      { repetitions: 2 },
    );
    expect(ps.map((p) => [p.name, p.thresholds])).toEqual([
      ['a_rep1', ['error_rate < 1%', 'ttft.p99 < 500ms']],
      ['b_rep1', ['error_rate < 1%']],
      ['a_rep2', ['error_rate < 1%', 'ttft.p99 < 500ms']],
      ['b_rep2', ['error_rate < 1%']],
    ]);
    expect(ps[0].workload).not.toHaveProperty('thresholds');
    expect(plans({}).map((p) => p.thresholds)).toEqual([undefined]);
  });
});
