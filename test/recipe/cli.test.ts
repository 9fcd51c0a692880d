/** `hpcbench validate` and `hpcbench schema` through the real CLI. */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfCommand } from '../../src/util/self.js';
import { fixtureRecipe } from '../helpers/originals.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hpcbench-validate-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function cli(...args: string[]) {
  return cliIn(undefined, ...args);
}

/** The CLI started from another working directory. */
async function cliIn(cwd: string | undefined, ...args: string[]) {
  const self = selfCommand(...args);
  const r = await execa(self.command, self.args, { reject: false, timeout: 60_000, cwd });
  return { code: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
}

describe('hpcbench validate', () => {
  it('reports every problem of every file at once, errors → E006 and exit 1', async () => {
    const missing = join(dir, 'nope.yaml');
    const r = await cli(
      'validate',
      fixtureRecipe('bad/two-errors.yaml'),
      fixtureRecipe('bad/invalid.yaml'),
      missing,
      fixtureRecipe('valid.yaml'),
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/two-errors\.yaml:6:21: error: workload\.clients_per_node: must be at least 1/);
    expect(r.stdout).toMatch(
      /two-errors\.yaml:5:13: error: workload\.duration: expected a duration such as '30s'/,
    );
    expect(r.stdout).toMatch(/invalid\.yaml:3:\d+: error: invalid YAML/);
    expect(r.stdout).toContain(`${missing}: error: cannot read recipe ${missing}: no such file`);
    expect(r.stdout).toMatch(/valid\.yaml: valid$/m);
    expect(r.stderr).toMatch(/^E006: 4 error\(s\) in 3 of 4 recipe file\(s\)/m);
    expect(r.stderr).not.toMatch(/\bat .+:\d+:\d+\)?$/m);
  });

  it('warnings alone exit 0; a near-miss key is an error with "did you mean"; --strict fails on warnings', async () => {
    const file = join(dir, 'typo.yaml');
    await writeFile(file, 'scenario: t\nworkload:\n  service: dummy\n  duration: 20s\n  warmpu: 5s\n');
    const typo = await cli('validate', file);
    expect(typo.code).toBe(1);
    expect(typo.stdout).toContain(
      `${file}:5:3: error: workload.warmpu: unknown key "warmpu"; did you mean "warmup"?`,
    );
    const warns = fixtureRecipe('suite-slurm.yaml');
    const r = await cli('validate', warns);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/suite-slurm\.yaml:32:11: warning: resources\.clients\.gpus: /);
    const strict = await cli('validate', '--strict', warns);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/suite-slurm\.yaml:32:11: error: resources\.clients\.gpus: /);
  });

  it('a rate no executor reaches is an error naming the rate per executor and the largest that fits', async () => {
    const file = join(dir, 'absurd-rate.yaml');
    await writeFile(
      file,
      [
        'scenario: t',
        'orchestration:',
        '  node_allocation:',
        '    clients: {nodes: 4}',
        'workload:',
        '  service: dummy',
        '  duration: 20s',
        '  target_rps: 1e12',
        '  sweep:',
        '    target_rps: [100, 80000, 80001]',
        '',
      ].join('\n'),
    );
    const r = await cli('validate', file);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `${file}:8:15: error: workload.target_rps: 250,000,000,000 req/s per executor (1,000,000,000,000 req/s over 4 executors) is above the ceiling of 20,000 req/s one executor sends`,
    );
    expect(r.stdout).toMatch(
      /docs\/load-generation\.md#rate-ceiling\): with 4 executors \(one per client node\) at most 80,000 req\/s fits/,
    );
    // 80,000 over 4 fits exactly; 80,001 does not
    expect(r.stdout).toMatch(
      new RegExp(
        `${file}:10:\\d+: error: workload\\.sweep\\.target_rps\\[2\\]: 20,000\\.25 req/s per executor`,
      ),
    );
    expect(r.stdout).not.toContain('sweep.target_rps[1]');
    expect(r.stdout).not.toMatch(/more than one executor sends/);
  });

  it('--service adds names registered elsewhere; --json prints the issues', async () => {
    const file = join(dir, 'triton.yaml');
    await writeFile(
      file,
      'scenario: t\nworkload: {service: triton, model: m, duration: 1m, prompt_len: 8}\n',
    );
    expect((await cli('validate', file)).code).toBe(1);
    const r = await cli('validate', file, '--service', 'triton', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([{ file, issues: [] }]);
  });
});

describe('dataset files are read at validate and run time', () => {
  const suiteRecipe = (dataset: string, extra = '') =>
    [
      'scenario: ds',
      extra,
      'workload:',
      '  service: dummy',
      '  duration: 20s',
      '  warmup: 1s',
      '  benchmark_suite:',
      '    - name: synthetic',
      '    - name: from-file',
      `      dataset: ${dataset}`, // line 9 when `extra` is empty
    ]
      .filter((l) => l !== '')
      .join('\n');

  it('validate: bad JSON on line 2 of a suite entry dataset → E006 naming both files and the field', async () => {
    const sub = join(dir, 'bad-ds');
    await mkdir(sub, { recursive: true });
    await writeFile(join(sub, 'prompts.jsonl'), '{"prompt":"ok"}\n{"prompt": oops}\n');
    const file = join(sub, 'r.yaml');
    await writeFile(file, suiteRecipe('prompts.jsonl'));
    const r = await cli('validate', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^E006: /m);
    expect(r.stdout).toContain(
      `${file}:9:16: error: workload.benchmark_suite[1].dataset: dataset ${join(sub, 'prompts.jsonl')}:2: malformed JSON`,
    );
    expect(r.stdout).toMatch(/"prompt"/); // what the format allows
    expect(r.stderr + r.stdout).not.toMatch(/\bat .+:\d+:\d+\)?$/m);
  });

  it('validate: a missing dataset is E006 naming it; for a slurm recipe it is a warning', async () => {
    const file = join(dir, 'missing-ds.yaml');
    await writeFile(file, suiteRecipe('nowhere/p.jsonl'));
    const r = await cli('validate', file);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `error: workload.benchmark_suite[1].dataset: dataset ${join(dir, 'nowhere/p.jsonl')}: file not found`,
    );
    expect(r.stderr).toMatch(/^E006: /m);
    const slurm = join(dir, 'missing-ds-slurm.yaml');
    await writeFile(
      slurm,
      suiteRecipe(
        'nowhere/p.jsonl',
        'partition: p\naccount: a\nresources: {servers: {gpus: 0}, clients: {gpus: 0}}\norchestration: {mode: slurm}',
      ),
    );
    const w = await cli('validate', slurm);
    expect(w.code, w.stdout + w.stderr).toBe(0);
    expect(w.stdout).toMatch(
      /warning: workload\.benchmark_suite\[1\]\.dataset: dataset .*nowhere\/p\.jsonl: file not found/,
    );
    // `hpcbench sbatch` of it: the missing (node-local) file is a warning, a malformed one is E006
    const sb = await cli('sbatch', slurm);
    expect(sb.code, sb.stderr).toBe(0);
    expect(sb.stderr).toMatch(/warning: workload\.benchmark_suite\[1\]\.dataset: .*file not found/);
    await mkdir(join(dir, 'nowhere'), { recursive: true });
    await writeFile(join(dir, 'nowhere/p.jsonl'), '{"text": "no prompt"}\n');
    const bad = await cli('sbatch', slurm);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^E006: /m);
    expect(bad.stderr).toContain(`${join(dir, 'nowhere/p.jsonl')}:1: each row needs`);
    expect(bad.stdout).not.toContain('#SBATCH');
  });

  it('run --local of a slurm recipe: a missing dataset is E006 here (not the login-node warning)', async () => {
    const file = join(dir, 'local-slurm.yaml');
    await writeFile(
      file,
      suiteRecipe(
        'nothere.jsonl',
        'partition: p\naccount: a\nresources: {servers: {gpus: 0}, clients: {gpus: 0}}\norchestration: {mode: slurm}',
      ),
    );
    const results = join(dir, 'local-slurm-results');
    const r = await cli('run', '--local', file, '--results-dir', results, '--quiet');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^E006: /m);
    expect(r.stderr).toContain(
      `workload.benchmark_suite[1].dataset: dataset ${join(dir, 'nothere.jsonl')}: file not found`,
    );
    expect(existsSync(results)).toBe(false);
  });

  it('run: a malformed dataset is E006 before any server starts (no results folder)', async () => {
    const sub = join(dir, 'run-bad');
    await mkdir(sub, { recursive: true });
    await writeFile(join(sub, 'hellaswag_val.jsonl'), '{"ctx":"a"}\n{"ctx": \n');
    const file = join(sub, 'r.yaml');
    await writeFile(file, suiteRecipe('hellaswag_val.jsonl'));
    const results = join(sub, 'results');
    const r = await cli('run', file, '--results-dir', results, '--quiet');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^E006: /m);
    expect(r.stderr).toContain(
      `workload.benchmark_suite[1].dataset: dataset ${join(sub, 'hellaswag_val.jsonl')}:2:`,
    );
    expect(existsSync(results)).toBe(false);
  });

  it('relative dataset paths resolve from the recipe folder, not the cwd; --list shows the plan', async () => {
    const sub = join(dir, 'rel', 'recipes');
    await mkdir(join(sub, 'data'), { recursive: true });
    await writeFile(join(sub, 'data', 'p.jsonl'), '{"prompt":"hello"}\n');
    await writeFile(
      join(sub, 'sweep.yaml'),
      [
        'scenario: rel',
        'workload:',
        '  service: dummy',
        '  duration: 20s',
        '  warmup: 1s',
        '  target_rps: 4',
        '  benchmark_suite:',
        '    - name: file',
        '      dataset: data/p.jsonl',
        '    - name: closed',
        '      target_rps: null',
        '  sweep:',
        '    clients_per_node: [1, 8]',
      ].join('\n'),
    );
    const r = await cliIn(join(dir, 'rel'), 'validate', 'recipes/sweep.yaml', '--list');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('recipes/sweep.yaml: valid');
    const listed = r.stdout.split('\n').filter((l) => /^\s+\d+\. /.test(l));
    expect(listed).toHaveLength(4);
    expect(listed[0]).toMatch(
      /1\. file_clients_per_node=1\s+open\s+target_rps=4 \(constant\)\s+duration=20s\s+jsonl /,
    );
    expect(listed[0]).toContain(join(sub, 'data', 'p.jsonl'));
    expect(listed[3]).toMatch(
      /4\. closed_clients_per_node=8\s+closed users=8\/client node\s+duration=20s\s+synthetic 128->128 tokens/,
    );
    const json = await cliIn(join(dir, 'rel'), 'validate', 'recipes/sweep.yaml', '--list', '--json');
    expect(
      JSON.parse(json.stdout)[0].benchmarks.map((b: { name: string; mode: string }) => [b.name, b.mode]),
    ).toEqual([
      ['file_clients_per_node=1', 'open'],
      ['file_clients_per_node=8', 'open'],
      ['closed_clients_per_node=1', 'closed'],
      ['closed_clients_per_node=8', 'closed'],
    ]);
  });
});

describe('hpcbench schema', () => {
  it('prints the JSON Schema with every section and the documented defaults', async () => {
    const r = await cli('schema');
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout);
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining([
        'scenario',
        'orchestration',
        'resources',
        'workload',
        'servers',
        'artifacts',
        'logging',
        'monitoring',
        'reporting',
        'binds',
        'environment',
      ]),
    );
    expect(schema.required).toEqual(['scenario', 'workload']);
    expect(schema.properties.orchestration.properties.mode.enum).toEqual(['local', 'slurm']);
    expect(schema.properties.workload.properties.warmup.default).toBe('30s');
  });
});
